"""The held-out split every stage shares, so no model trains on the utterances another is scored on,
and the run folder's record of it.

Deterministic and per speaker: each speaker's utterances, sorted by id, are spread evenly and every
one whose slot crosses a multiple of 1 / fraction is held out, so 10 % holds out 15 of 150
utterances of every speaker, the same ones on every run and in every stage.

Every training run writes `held_out.json` in its folder:

    {"ids": [the held-out utterance ids, sorted], "report": {the stage's figures on them, or nothing}}

which `tts eval copy --ids` and `tts eval acoustic --ids` read (read_held_out_ids), as it reads a
bare JSON list of ids: what WaveNet runs wrote before, and a hand-made selection.
"""

import json
import math
from pathlib import Path

from tts.atomic import write_text_atomic
from tts.errors import TTSError

HOLDOUT_FRACTION = 0.1  # every run config's default share of each speaker's utterances held out
HELD_OUT_FILE = "held_out.json"  # in every run folder


def holdout_split(items, fraction, *, group=lambda item: item.speaker):
    """(training items, held-out items) of anything with `.id`, spread evenly within each group
    (each speaker, or whatever `group(item)` names: one group for a corpus of music pieces)."""
    if not 0 <= fraction < 1:
        raise TTSError(f"holdout fraction must be in [0, 1), got {fraction!r}")
    by_speaker = {}
    for item in items:
        by_speaker.setdefault(group(item), []).append(item)
    train, held_out = [], []
    for speaker_items in by_speaker.values():
        for slot, item in enumerate(sorted(speaker_items, key=lambda i: i.id)):
            crosses = math.floor((slot + 1) * fraction) > math.floor(slot * fraction)
            (held_out if crosses else train).append(item)
    return train, held_out


def write_held_out(path, ids, report=None):
    """Write a run's held_out.json: the held-out `ids` and the stage's `report` on them."""
    text = json.dumps({"ids": sorted(ids), "report": report or {}}, indent=2)
    write_text_atomic(path, text + "\n")


def read_held_out_ids(path):
    """The utterance ids of a held_out.json (a run's, or a bare JSON list of ids); a TTSError naming
    the file for anything else."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TTSError(f"{path}: cannot read held-out ids ({error})") from None
    ids = data.get("ids") if isinstance(data, dict) else data
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise TTSError(f'{path}: not a held-out file (a JSON list of utterance ids, or {{"ids": [...], "report": {{...}}}})')
    return ids
