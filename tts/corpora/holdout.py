"""The held-out split every stage shares, so no model trains on the utterances another is scored on.

Deterministic and per speaker: each speaker's utterances, sorted by id, are spread evenly and every
one whose slot crosses a multiple of 1 / fraction is held out, so 10 % holds out 15 of 150
utterances of every speaker, the same ones on every run and in every stage.
"""

import math

from tts.errors import TTSError


def holdout_split(items, fraction):
    """(training items, held-out items) of anything with `.id` and `.speaker`."""
    if not 0 <= fraction < 1:
        raise TTSError(f"holdout fraction must be in [0, 1), got {fraction!r}")
    by_speaker = {}
    for item in items:
        by_speaker.setdefault(item.speaker, []).append(item)
    train, held_out = [], []
    for speaker_items in by_speaker.values():
        for slot, item in enumerate(sorted(speaker_items, key=lambda i: i.id)):
            crosses = math.floor((slot + 1) * fraction) > math.floor(slot * fraction)
            (held_out if crosses else train).append(item)
    return train, held_out
