"""The Vocoder contract: every waveform generator, built-in or third-party, implements this.

A vocoder declares the Utterance fields it `needs` and the FeatureSpec it was built for. `render`
turns a batch of utterances into waveforms at `spec.sample_rate`. Plugins register a subclass under
the `tts.vocoders` entry-point group; the core never imports a vocoder by path. A vocoder trained
for particular speakers lists their ids in `speakers`, so a Voice can check that its speaker
indices mean the same people.
"""

import json
from abc import ABC, abstractmethod
from pathlib import Path

from tts.checkpoint import load_weights
from tts.errors import TTSError
from tts.features import FeatureSpec
from tts.utterance import RENDERABLE_FIELDS


class Vocoder(ABC):
    name: str = ""
    needs: tuple = ()
    speakers: tuple = ()  # speaker ids it was trained for, in index order; () when it takes any

    def __init__(self, spec: FeatureSpec):
        unknown = sorted(set(self.needs) - set(RENDERABLE_FIELDS))
        if unknown:
            raise TTSError(f"vocoder {self.name!r} needs unknown fields {unknown}; allowed: {list(RENDERABLE_FIELDS)}")
        self.spec = spec

    @property
    def sample_rate(self):
        return self.spec.sample_rate

    @classmethod
    @abstractmethod
    def load(cls, path):
        """Build the vocoder from its saved files (a directory or a .safetensors file). A vocoder
        with rendering settings takes them as keyword arguments after `path`; a voice passes them
        from its voice.json's vocoder_options."""

    @abstractmethod
    def render(self, utterances):
        """Return one float32 waveform ([samples], at spec.sample_rate) per utterance."""

    def check_renderable(self, utterances):
        """Raise a clear error naming the fields an utterance lacks for this vocoder."""
        for index, utterance in enumerate(utterances):
            missing = utterance.missing(self.needs)
            if missing:
                raise TTSError(
                    f"vocoder {self.name!r} needs {', '.join(missing)} but utterance {index} "
                    f"({utterance.text[:40]!r}) has none; run the stage that produces it first"
                )

    def __call__(self, utterances):
        self.check_renderable(utterances)
        return self.render(utterances)


def load_settings(cls, path, file_name, title):
    """A vocoder with no weights from its settings file (or a folder holding `file_name`):
    {"spec": {...}, other keyword arguments of `cls`}; or from any checkpoint, taking its FeatureSpec."""
    path = Path(path)
    if path.is_dir():
        path = path / file_name
    if path.suffix == ".safetensors":
        spec = load_weights(path).spec
        if spec is None:
            raise TTSError(f"{path}: the checkpoint has no FeatureSpec for the {title} vocoder")
        return cls(spec)
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
        spec = FeatureSpec.from_dict(settings.pop("spec"))
        return cls(spec, **settings)
    except FileNotFoundError:
        raise TTSError(f"{path}: no such {title} settings file") from None
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as error:  # JSONDecodeError is a ValueError
        raise TTSError(f"{path}: not a {title} settings file ({error})") from None
