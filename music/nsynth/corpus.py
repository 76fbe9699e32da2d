"""The NSynth layout (Engel et al. 2017), read and written: ROOT/nsynth-<split>/examples.json and
ROOT/nsynth-<split>/audio/<note_str>.wav, one 4-second note at 16 kHz per file. The real download
reads unchanged, and `tts nsynth bootstrap` writes the same layout from the General MIDI soundfont.

examples.json maps each note_str (keyboard_acoustic_004-060-100: instrument, pitch, velocity) to its
labels. The reader keeps the fields a model needs and ignores the rest, so NSynth's own extra fields
(and any a later version adds) pass; a missing field, a wrong type or a label outside NSynth's
vocabulary is a one-line error naming the file and the note, before any audio is read.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from music.nsynth.families import FAMILIES, QUALITIES, SOURCES
from tts.atomic import write_text_atomic
from tts.audio import load
from tts.errors import TTSError

SAMPLE_RATE = 16000
NOTE_SECONDS = 4.0
NOTE_OFF_SECONDS = 3.0  # NSynth's notes are held for 3 s, then released
SPLITS = ("train", "valid", "test")
EXAMPLES = "examples.json"


@dataclass(frozen=True)
class NoteExample:
    id: str  # note_str
    path: Path  # its wav
    pitch: int  # MIDI note
    velocity: int
    instrument: str  # instrument_str
    family: str  # instrument_family_str
    source: str  # instrument_source_str
    qualities: tuple[str, ...]


def split_folder(root, split):
    return Path(root) / f"nsynth-{split}"


def note_str(instrument, pitch, velocity):
    """NSynth's name of a note: keyboard_acoustic_004-060-100."""
    return f"{instrument}-{pitch:03d}-{velocity:03d}"


def read_split(root, split):
    """The notes of ROOT/nsynth-<split>/, sorted by id; each one's wav exists (read by load_note)."""
    if split not in SPLITS:
        raise TTSError(f"unknown NSynth split {split!r}; the splits are {', '.join(SPLITS)}")
    folder = split_folder(root, split)
    if not folder.is_dir():
        present = [f"nsynth-{s}" for s in SPLITS if split_folder(root, s).is_dir()]
        holds = f"it holds {', '.join(present)}" if present else "an NSynth root holds nsynth-train, -valid and -test"
        raise TTSError(f"{root}: no nsynth-{split} folder ({holds})")
    examples_file = folder / EXAMPLES
    entries = _read_entries(examples_file)
    examples = sorted((_example(key, entry, folder, examples_file) for key, entry in entries.items()),
                      key=lambda example: example.id)
    missing = [example.path for example in examples if not example.path.is_file()]
    if missing:
        more = f" (and {len(missing) - 1} more of its notes)" if len(missing) > 1 else ""
        raise TTSError(f"{missing[0]}: no such file, though {examples_file} lists it{more}")
    return examples


def load_note(example_or_path, *, sample_rate=SAMPLE_RATE):
    """A note's audio: float32 mono, exactly NOTE_SECONDS at `sample_rate` (mixed to mono, resampled
    with soxr when the file's rate differs, padded with zeros or cut)."""
    path = example_or_path.path if isinstance(example_or_path, NoteExample) else Path(example_or_path)
    wav, _ = load(path, sample_rate=sample_rate, mono=True)
    length = round(NOTE_SECONDS * sample_rate)
    return np.pad(wav[:length], (0, max(length - len(wav), 0)))


def write_examples(folder, examples, *, instrument_numbers, first_note=0, sample_rate=SAMPLE_RATE):
    """Write folder/examples.json for `examples` (NoteExamples whose wavs are written): NSynth's fields,
    notes numbered from `first_note` in id order, instruments by instrument_numbers[instrument_str].
    Returns the number after the last note's, to continue with in the next split."""
    entries = {}
    for note, example in enumerate(sorted(examples, key=lambda e: e.id), start=first_note):
        entries[example.id] = {
            "note": note, "note_str": example.id, "instrument": instrument_numbers[example.instrument],
            "instrument_str": example.instrument, "pitch": example.pitch, "velocity": example.velocity,
            "sample_rate": sample_rate, "qualities": [int(q in example.qualities) for q in QUALITIES],
            "qualities_str": [q for q in QUALITIES if q in example.qualities],
            "instrument_family": FAMILIES.index(example.family), "instrument_family_str": example.family,
            "instrument_source": SOURCES.index(example.source), "instrument_source_str": example.source,
        }
    rows = ",\n".join(f"  {json.dumps(key)}: {json.dumps(entry)}" for key, entry in entries.items())  # a note a line
    write_text_atomic(Path(folder) / EXAMPLES, f"{{\n{rows}\n}}\n" if rows else "{}\n")
    return first_note + len(entries)


def _read_entries(examples_file):
    try:
        entries = json.loads(examples_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TTSError(f"{examples_file}: no such file; every nsynth-<split> folder needs its {EXAMPLES}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TTSError(f"{examples_file}: not an NSynth {EXAMPLES} ({error})") from None
    if not isinstance(entries, dict) or not all(isinstance(entry, dict) for entry in entries.values()):
        raise TTSError(f"{examples_file}: not an NSynth {EXAMPLES} (a JSON object of note_str: {{labels}})")
    return entries


# field: (what it must be, test)
_FIELDS = {
    "pitch": ("a MIDI note 0-127", lambda v: _is_int(v) and 0 <= v <= 127),
    "velocity": ("a MIDI velocity 0-127", lambda v: _is_int(v) and 0 <= v <= 127),
    "instrument_str": ("a string", lambda v: isinstance(v, str)),
    "instrument_family_str": (f"one of {', '.join(FAMILIES)}", lambda v: v in FAMILIES),
    "instrument_source_str": (f"one of {', '.join(SOURCES)}", lambda v: v in SOURCES),
    "qualities_str": (f"a list of {', '.join(QUALITIES)}",
                      lambda v: isinstance(v, list) and all(q in QUALITIES for q in v)),
}


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _example(key, entry, folder, examples_file):
    # The key becomes a file name: refuse anything that could point outside audio/.
    if not key or key in (".", "..") or "/" in key or "\\" in key:
        raise TTSError(f"{examples_file}: invalid note_str {key!r}; it names a file in audio/")
    for field, (wanted, valid) in _FIELDS.items():
        if field not in entry:
            raise TTSError(f"{examples_file}: note {key!r} has no {field!r} field")
        if not valid(entry[field]):
            raise TTSError(f"{examples_file}: note {key!r}: {field} must be {wanted}, got {entry[field]!r}")
    return NoteExample(
        id=key, path=folder / "audio" / f"{key}.wav", pitch=entry["pitch"], velocity=entry["velocity"],
        instrument=entry["instrument_str"], family=entry["instrument_family_str"],
        source=entry["instrument_source_str"], qualities=tuple(entry["qualities_str"]),
    )
