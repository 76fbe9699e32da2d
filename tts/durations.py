"""The durations file: the aligner's output, read by the duration and acoustic models and the unit database.

`<manifest stem>.durations.jsonl` beside the manifest, one JSON object per utterance:

    {"id": "p225_001", "speaker": "p225", "words": ["They", ...], "phonemes": [" ", "ð", "eɪ", ...],
     "durations": [5, 3, 9, ...], "word_of": [-1, 0, 0, ...], "n_frames": 445,
     "spec": {"sample_rate": 22050, "hop_length": 256, ...}, "inventory": "en-us-espeak-1"}

`durations` are frames of the FeatureSpec `spec` (the voice's), one per phoneme, each at least 1,
summing to `n_frames` (the mel length of the utterance's audio under that spec).
The models reuse `phonemes` as they are, so they see exactly the tokens that were aligned.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tts.atomic import write_text_atomic
from tts.errors import TTSError
from tts.features import FeatureSpec


@dataclass(frozen=True)
class DurationRecord:
    id: str
    speaker: str
    words: tuple
    phonemes: tuple
    durations: np.ndarray  # [n_phonemes] int64 frames, each >= 1
    word_of: np.ndarray  # [n_phonemes] int64 index into words, -1 for separators and pauses

    @property
    def n_frames(self):
        return int(self.durations.sum())


@dataclass(frozen=True)
class DurationsFile:
    records: list
    spec: FeatureSpec  # the durations are frames of this spec
    inventory: str  # the phoneme inventory version the phonemes belong to


def default_durations_path(manifest_path):
    manifest_path = Path(manifest_path)
    return manifest_path.with_name(f"{manifest_path.stem}.durations.jsonl")


def write_durations(path, records, *, spec, inventory):
    """Write `records` (DurationRecords, frames of `spec`) atomically."""
    lines = []
    for record in records:
        _check(record, where=record.id)
        row = {
            "id": record.id,
            "speaker": record.speaker,
            "words": list(record.words),
            "phonemes": list(record.phonemes),
            "durations": [int(d) for d in record.durations],
            "word_of": [int(w) for w in record.word_of],
            "n_frames": record.n_frames,
            "spec": spec.to_dict(),
            "inventory": inventory,
        }
        lines.append(json.dumps(row, ensure_ascii=False) + "\n")
    write_text_atomic(path, "".join(lines))
    return Path(path)


def read_durations(path):
    """A DurationsFile; every line is checked and all lines must share one spec and inventory."""
    path = Path(path)
    if not path.is_file():
        raise TTSError(f"{path}: no such durations file (write one with `tts align`)")
    records, shared = [], None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
            record = DurationRecord(
                id=row["id"],
                speaker=row["speaker"],
                words=tuple(row["words"]),
                phonemes=tuple(row["phonemes"]),
                durations=np.asarray(row["durations"], dtype=np.int64),
                word_of=np.asarray(row["word_of"], dtype=np.int64),
            )
            shared_fields = (json.dumps(row["spec"], sort_keys=True), row["inventory"])
            n_frames = row["n_frames"]
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            raise TTSError(f"{where}: not a durations record ({type(error).__name__}: {error})") from None
        _check(record, where=where)
        if record.n_frames != n_frames:
            raise TTSError(f"{where}: durations sum to {record.n_frames}, n_frames says {n_frames}")
        if shared is not None and shared_fields != shared:
            raise TTSError(f"{where}: spec or inventory differs from the first line's")
        shared = shared_fields
        records.append(record)
    if not records:
        raise TTSError(f"{path}: empty durations file")
    spec, inventory = shared
    return DurationsFile(records, FeatureSpec.from_dict(json.loads(spec)), inventory)


def _check(record, *, where):
    n = len(record.phonemes)
    if len(record.durations) != n or len(record.word_of) != n:
        raise TTSError(
            f"{where}: {n} phonemes but {len(record.durations)} durations and {len(record.word_of)} word_of"
        )
    if n and record.durations.min() < 1:
        raise TTSError(f"{where}: every phoneme needs at least one frame, got {record.durations.min()}")
    if n and not -1 <= record.word_of.min() <= record.word_of.max() < len(record.words):
        raise TTSError(f"{where}: word_of must index the {len(record.words)} words or be -1")


def at_least_one_frame(durations):
    """Durations with every token given at least one frame and the same total.

    MAS may skip a separator or pause (no silence there); models downstream expect every token to
    last a frame, so a skipped token takes the last frame of the token before it (the first tokens
    take from after). Before rather than after because the aligner places word junctions about
    half a frame late on the festival references, and a frame moved there offsets it.
    Done on the boundaries between tokens: pulled back to be strictly increasing under the end,
    then pushed forward above the start.
    """
    durations = np.asarray(durations, dtype=np.int64)
    total, n = int(durations.sum()), len(durations)
    if total < n:
        raise TTSError(f"{total} frames cannot give {n} tokens one frame each")
    boundaries = np.cumsum(durations)[:-1]
    ceiling = total - np.arange(n - 1, 0, -1)  # the k-th boundary leaves a frame for each token after it
    slack = np.minimum.accumulate(np.minimum(boundaries - ceiling, 0)[::-1])[::-1]
    boundaries = np.maximum(slack + ceiling, np.arange(1, n))  # ... and follows a frame for each before it
    return np.diff(boundaries, prepend=0, append=total)


def convert_durations(durations, *, source, target, target_frames):
    """Durations in frames of FeatureSpec `source` -> frames of `target` for the same audio, whose
    mel under `target` has `target_frames` frames. Each boundary between tokens moves to the nearest
    target frame boundary; tokens left without a frame get one (at_least_one_frame)."""
    boundaries = np.cumsum(durations)[:-1] * source.frame_seconds
    moved = np.clip(np.floor(boundaries / target.frame_seconds + 0.5).astype(np.int64), 0, target_frames)
    return at_least_one_frame(np.diff(moved, prepend=0, append=target_frames))
