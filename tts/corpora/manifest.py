"""The manifest: one JSON object per line, one line per utterance, for every corpus and every stage.

    {"id": "p225_001", "speaker": "p225", "text": "Please call Stella.", "path": "/data/vctk/...flac",
     "duration": 2.1875, "sample_rate": 48000}

`path` is written absolute, so a manifest can live anywhere (an experiment folder, a copy on another
disk). A hand-written manifest may use paths relative to the manifest's own folder; read_manifest
resolves them. `duration` is in seconds and `sample_rate` is the file's own rate (loaders resample).
Lines may carry extra keys (later stages add fields); the six below are required.
"""

import json
import math
from dataclasses import dataclass
from pathlib import Path

from tts.atomic import write_text_atomic
from tts.errors import TTSError, undecodable_byte

FIELDS = ("id", "speaker", "text", "path", "duration", "sample_rate")


@dataclass(frozen=True)
class ManifestEntry:
    id: str
    speaker: str
    text: str
    path: Path
    duration: float  # seconds
    sample_rate: int

    def to_dict(self):
        return {
            "id": self.id,
            "speaker": self.speaker,
            "text": self.text,
            "path": str(Path(self.path).absolute()),
            "duration": round(self.duration, 6),
            "sample_rate": self.sample_rate,
        }


def write_manifest(path, entries):
    """Write `entries` atomically: readers see the old manifest or the complete new one."""
    lines = (json.dumps(entry.to_dict(), ensure_ascii=False) + "\n" for entry in entries)
    write_text_atomic(path, "".join(lines))


def read_manifest(path):
    """The entries of a manifest, in file order. Malformed lines raise a TTSError naming file and line."""
    path = Path(path)
    if not path.is_file():
        raise TTSError(f"{path}: no such manifest file")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise TTSError(f"{path}: not UTF-8 ({undecodable_byte(error)})") from None
    entries, first_line = [], {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        entry = _parse_line(line, base=path.parent.absolute(), where=f"{path}:{number}")
        if entry.id in first_line:
            raise TTSError(f"{path}:{number}: duplicate id {entry.id!r} (first on line {first_line[entry.id]})")
        first_line[entry.id] = number
        entries.append(entry)
    if not entries:
        raise TTSError(f"{path}: empty manifest; it needs one JSON object per utterance")
    return entries


def _parse_line(line, *, base, where):
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise TTSError(f"{where}: not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(row, dict):
        raise TTSError(f"{where}: expected a JSON object with keys {', '.join(FIELDS)}")
    missing = [name for name in FIELDS if name not in row]
    if missing:
        raise TTSError(f"{where}: missing {', '.join(missing)}")
    for name in ("id", "speaker", "text", "path"):
        if not isinstance(row[name], str) or not row[name]:
            raise TTSError(f"{where}: {name} must be a non-empty string, got {row[name]!r}")
    duration, sample_rate = row["duration"], row["sample_rate"]
    if not _is_number(duration) or not math.isfinite(duration) or duration <= 0:
        raise TTSError(f"{where}: duration must be a positive number of seconds, got {duration!r}")
    if not _is_number(sample_rate) or not isinstance(sample_rate, int) or sample_rate <= 0:
        raise TTSError(f"{where}: sample_rate must be a positive integer, got {sample_rate!r}")
    audio = Path(row["path"])
    return ManifestEntry(
        id=row["id"],
        speaker=row["speaker"],
        text=row["text"],
        path=audio if audio.is_absolute() else base / audio,
        duration=float(duration),
        sample_rate=sample_rate,
    )


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)  # JSON true is not 1
