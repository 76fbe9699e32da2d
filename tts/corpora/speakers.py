"""The speaker table: speaker id -> embedding index, with what the corpus tells about each speaker.

    {"version": 1, "speakers": {"p225": {"index": 0, "age": 23, "gender": "F", "accent": "English",
                                          "region": "Southern England"}, ...}}

Indices follow the sorted speaker ids, so the same corpus always gets the same table. It is written
beside the manifest as `<manifest stem>.speakers.json` unless a path is given.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from tts.atomic import write_text_atomic
from tts.errors import TTSError

VERSION = 1
METADATA = ("age", "gender", "accent", "region")


@dataclass(frozen=True)
class Speaker:
    id: str
    index: int
    age: Optional[int] = None
    gender: Optional[str] = None
    accent: Optional[str] = None
    region: Optional[str] = None


def default_speaker_table_path(manifest_path):
    manifest_path = Path(manifest_path)
    return manifest_path.with_name(f"{manifest_path.stem}.speakers.json")


def build_speaker_table(speaker_ids, metadata=None):
    """Index the distinct `speaker_ids` in sorted order; `metadata` maps id -> {age, gender, ...}."""
    metadata = metadata or {}
    return {
        speaker: Speaker(speaker, index, **{key: metadata.get(speaker, {}).get(key) for key in METADATA})
        for index, speaker in enumerate(sorted(set(speaker_ids)))
    }


def write_speaker_table(path, table):
    speakers = {}
    for speaker in sorted(table.values(), key=lambda speaker: speaker.index):
        fields = {key: getattr(speaker, key) for key in METADATA if getattr(speaker, key) is not None}
        speakers[speaker.id] = {"index": speaker.index, **fields}
    write_text_atomic(path, json.dumps({"version": VERSION, "speakers": speakers}, indent=2, ensure_ascii=False) + "\n")


def read_speaker_table(path):
    """Speaker id -> Speaker. Refuses a table whose indices are not exactly 0 .. n-1."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TTSError(f"{path}: no such speaker table") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TTSError(f"{path}: not a JSON speaker table ({error})") from None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("speakers"), dict):
        raise TTSError(f"{path}: expected {{'version': {VERSION}, 'speakers': {{id: {{'index': ...}}}}}}")
    table = {}
    for speaker, fields in data["speakers"].items():
        if not isinstance(fields, dict) or not isinstance(fields.get("index"), int):
            raise TTSError(f"{path}: speaker {speaker!r} needs an integer 'index'")
        table[speaker] = Speaker(speaker, fields["index"], **{key: fields.get(key) for key in METADATA})
    if sorted(speaker.index for speaker in table.values()) != list(range(len(table))):
        raise TTSError(f"{path}: speaker indices must be 0 .. {len(table) - 1}, each used once")
    return table


def manifest_speaker_order(manifest_path):
    """Speaker ids in embedding order from the table beside a manifest, or None when it has none."""
    path = default_speaker_table_path(manifest_path)
    if not path.is_file():
        return None
    table = read_speaker_table(path)
    return sorted(table, key=lambda speaker: table[speaker].index)
