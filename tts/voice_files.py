"""voice.json: what a voice directory holds, and where.

    {
      "format_version": 1,
      "name": "bootstrap-vctk",
      "description": "8 speakers built from the system voices",
      "speakers": [{"id": "p225", "gender": "F", "about": "flite awb"}, ...],   # index order
      "duration_model": "duration.safetensors",
      "acoustic_model": "acoustic.safetensors",
      "vocoders": {"griffinlim": "griffinlim.json", "wavenet": "wavenet.safetensors", "concat": "units"},
      "default_vocoder": "griffinlim",
      "vocoder_options": {"wavenet": {"voiced_temperature": 0.5}},   # optional: keyword arguments of load
      "lexicon": null,
      "checksums": {"duration.safetensors": "<sha256>", ...}   # tts.voice_integrity
    }

Every path is relative to the directory and must stay inside it, so a voice someone hands you
cannot make the toolkit read files elsewhere.

Wherever a voice directory is asked for, the word `default` (or nothing) means the voice bundled in
the package; a folder that happens to be named default is reached as `./default`.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from tts.atomic import write_text_atomic
from tts.errors import TTSError
from tts.registry import VALID_NAME

VOICE_FILE = "voice.json"
FORMAT_VERSION = 1
REQUIRED_KEYS = ("name", "speakers", "duration_model", "acoustic_model", "vocoders", "default_vocoder")
DEFAULT_VOICE = "default"  # the keyword for the bundled voice in `--voice` and Voice.load


def default_voice_dir():
    """The voice bundled inside the package."""
    return Path(__file__).resolve().parent / "voices" / "default"


def resolve_voice_dir(path):
    """The directory that `path` names: None or the string "default" is the bundled voice. The keyword
    wins over a folder named default in the current directory (spell that one `./default`); a Path is
    always a path, since Path("./default") cannot be told from Path("default")."""
    if path is None or path == DEFAULT_VOICE:  # a Path never equals a str
        return default_voice_dir()
    return Path(path)


@dataclass(frozen=True)
class VoiceFiles:
    root: Path
    name: str
    speaker_info: tuple  # one {"id": ..., other facts} dict per speaker, in index order
    duration_model: str
    acoustic_model: str
    vocoders: dict  # vocoder name -> file or directory its `load` takes
    default_vocoder: str
    description: str = ""
    lexicon: Optional[str] = None
    format_version: int = FORMAT_VERSION
    extra: dict = field(default_factory=dict)  # anything else recorded (training steps, figures)
    checksums: dict = field(default_factory=dict)  # component -> sha256, verified at load (none: not checked)
    # vocoder name -> keyword arguments of its `load` (how it renders, e.g. a sampling temperature),
    # as a Piper voice's config carries its inference settings
    vocoder_options: dict = field(default_factory=dict)

    @property
    def speakers(self):
        return tuple(info["id"] for info in self.speaker_info)

    def components(self):
        """The relative paths of every file or folder voice.json names."""
        listed = (self.duration_model, self.acoustic_model, *self.vocoders.values(), self.lexicon)
        return tuple(dict.fromkeys(relative for relative in listed if relative is not None))

    def path(self, relative):
        """`relative` inside the voice directory; refuses anything that would leave it."""
        root = self.root.resolve()
        target = (root / relative).resolve()
        if root != target and root not in target.parents:
            raise TTSError(f"{self.root / VOICE_FILE}: path {relative!r} points outside the voice directory")
        return target

    @classmethod
    def read(cls, root=None):
        """The voice.json of directory `root`; None or "default" reads the bundled voice."""
        root = resolve_voice_dir(root)
        source = root / VOICE_FILE
        if root.exists() and not root.is_dir():
            raise TTSError(f"{root} is a file; a voice is a directory holding {VOICE_FILE}")
        try:
            data = json.loads(source.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise TTSError(f"{root}: not a voice directory (no {VOICE_FILE})") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise TTSError(f"{source}: not valid JSON ({error})") from None
        if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
            raise TTSError(f"{source}: expected a voice description with format_version {FORMAT_VERSION}")
        data.pop("format_version")
        missing = [key for key in REQUIRED_KEYS if key not in data]
        if missing:
            raise TTSError(f"{source}: missing {', '.join(repr(key) for key in missing)}; "
                           f"a voice description names {', '.join(REQUIRED_KEYS)}")
        try:
            data["speaker_info"] = tuple(dict(info) for info in data.pop("speakers"))
            files = cls(root=root, **data)
        except (KeyError, TypeError, ValueError) as error:
            raise TTSError(f"{source}: malformed voice description ({error})") from None
        files.validate()
        return files

    def validate(self):
        source = self.root / VOICE_FILE
        ids = self.speakers if all(isinstance(i, dict) and "id" in i for i in self.speaker_info) else ()
        if not ids or len(set(ids)) != len(ids):
            raise TTSError(f"{source}: speakers must be a non-empty list of {{'id': ...}} with distinct ids")
        if not self.vocoders or self.default_vocoder not in self.vocoders:
            raise TTSError(f"{source}: default_vocoder {self.default_vocoder!r} is not among its vocoders")
        bad = [name for name in self.vocoders if not VALID_NAME.match(name)]
        if bad:
            raise TTSError(f"{source}: invalid vocoder names {bad}")
        for name, options in self.vocoder_options.items():
            if name not in self.vocoders or not isinstance(options, dict):
                raise TTSError(f"{source}: vocoder_options must map the voice's vocoders to {{option: value}}, "
                               f"got {name!r}: {options!r}")
        for relative in self.components():
            if not self.path(relative).exists():
                raise TTSError(f"{source}: names {relative!r}, which is missing from the voice directory")

    def write(self):
        self.validate()
        data = {
            "format_version": self.format_version,
            "name": self.name,
            "description": self.description,
            "speakers": list(self.speaker_info),
            "duration_model": self.duration_model,
            "acoustic_model": self.acoustic_model,
            "vocoders": self.vocoders,
            "default_vocoder": self.default_vocoder,
            "vocoder_options": self.vocoder_options,
            "lexicon": self.lexicon,
            "extra": self.extra,
            "checksums": self.checksums,
        }
        write_text_atomic(self.root / VOICE_FILE, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
