"""The WaveNet vocoder behind the Vocoder contract: mel (and speaker) in, waveform out."""

from pathlib import Path

from tts.mel_match import MelMatch
from vocoders.base import Vocoder
from vocoders.wavenet.generate import WaveNetGenerator, checked_temperature
from vocoders.wavenet.model import WaveNet
from vocoders.wavenet.task import WEIGHTS_FILE


class WaveNetVocoder(Vocoder):
    name = "wavenet"
    needs = ("mel",)  # + "speaker" (multi-speaker), + "f0" (a sine at F0, or voicing): set per instance

    def __init__(self, model, *, temperature=1.0, voiced_temperature=None, seed=0, match_mel=False):
        """voiced_temperature: the sampling temperature of voiced frames (WaveNetGenerator.generate);
        the vocoder then needs the utterance's F0 for its voicing. match_mel: reshape each generated
        frame to the mel it was given (tts.mel_match), the draws' fine structure kept."""
        checked_temperature(temperature)  # here, so a voice's bad option fails at load
        if voiced_temperature is not None:
            checked_temperature(voiced_temperature)
        reads_f0 = model.config.excitation.f0_source or voiced_temperature is not None
        self.needs = ("mel",) + ("speaker",) * bool(model.config.conditioning.speakers) + ("f0",) * reads_f0
        super().__init__(model.spec)
        self.speakers = tuple(model.config.conditioning.speakers)
        self.model = model
        self.generator = WaveNetGenerator(model)
        self.sampling = {"temperature": temperature, "voiced_temperature": voiced_temperature}
        self.seed = seed
        self.match_mel = match_mel

    @classmethod
    def load(cls, path, *, temperature=1.0, voiced_temperature=None, seed=0, match_mel=False):
        """From a weights file or a training run directory (its wavenet.safetensors), sampling as
        the constructor says (a voice's vocoder_options)."""
        path = Path(path)
        model = WaveNet.load(path / WEIGHTS_FILE if path.is_dir() else path)
        return cls(model, temperature=temperature, voiced_temperature=voiced_temperature, seed=seed, match_mel=match_mel)

    def render(self, utterances):
        multi = bool(self.model.config.conditioning.speakers)
        speakers = [utterance.speaker for utterance in utterances] if multi else None
        f0s = [utterance.f0 for utterance in utterances] if "f0" in self.needs else None
        waves = self.generator.generate(
            [utterance.mel for utterance in utterances], speakers, f0s=f0s, seed=self.seed, **self.sampling
        )
        if not self.match_mel:
            return waves
        return [MelMatch.match(self.spec, utterance.mel, wave) for utterance, wave in zip(utterances, waves)]

    def stream(self, utterance, *, chunk_frames=None):
        """Float32 chunks of one utterance's waveform as they are generated."""
        self.check_renderable([utterance])
        speaker = utterance.speaker if self.model.config.conditioning.speakers else None
        options = {} if chunk_frames is None else {"chunk_frames": chunk_frames}
        f0 = utterance.f0 if "f0" in self.needs else None
        chunks = self.generator.stream(utterance.mel, speaker, f0=f0, seed=self.seed, **self.sampling, **options)
        yield from MelMatch(self.spec, utterance.mel).stream(chunks) if self.match_mel else chunks
