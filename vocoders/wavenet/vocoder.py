"""The WaveNet vocoder behind the Vocoder contract: mel (and speaker) in, waveform out."""

from pathlib import Path

from vocoders.base import Vocoder
from vocoders.wavenet.generate import WaveNetGenerator
from vocoders.wavenet.model import WaveNet
from vocoders.wavenet.task import WEIGHTS_FILE


class WaveNetVocoder(Vocoder):
    name = "wavenet"
    needs = ("mel",)  # + "speaker" (multi-speaker), + "f0" (a sine at F0 as input): set per instance

    def __init__(self, model, *, temperature=1.0, seed=0):
        self.needs = ("mel",) + ("speaker",) * bool(model.config.conditioning.speakers) + (
            ("f0",) * model.config.excitation.f0_source
        )
        super().__init__(model.spec)
        self.speakers = tuple(model.config.conditioning.speakers)
        self.model = model
        self.generator = WaveNetGenerator(model)
        self.temperature = temperature
        self.seed = seed

    @classmethod
    def load(cls, path):
        """From a weights file or a training run directory (its wavenet.safetensors)."""
        path = Path(path)
        return cls(WaveNet.load(path / WEIGHTS_FILE if path.is_dir() else path))

    def render(self, utterances):
        multi = bool(self.model.config.conditioning.speakers)
        speakers = [utterance.speaker for utterance in utterances] if multi else None
        f0s = [utterance.f0 for utterance in utterances] if "f0" in self.needs else None
        return self.generator.generate(
            [utterance.mel for utterance in utterances], speakers, f0s=f0s, temperature=self.temperature, seed=self.seed
        )

    def stream(self, utterance, *, chunk_frames=None):
        """Float32 chunks of one utterance's waveform as they are generated."""
        self.check_renderable([utterance])
        speaker = utterance.speaker if self.model.config.conditioning.speakers else None
        options = {} if chunk_frames is None else {"chunk_frames": chunk_frames}
        f0 = utterance.f0 if "f0" in self.needs else None
        yield from self.generator.stream(
            utterance.mel, speaker, f0=f0, temperature=self.temperature, seed=self.seed, **options
        )
