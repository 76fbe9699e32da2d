"""The WaveNet vocoder behind the Vocoder contract: mel (and speaker) in, waveform out."""

from pathlib import Path

import numpy as np

from tts.errors import checked_count
from tts.mel_match import MelMatch
from tts.pitch_comb import PitchComb, checked_comb, checked_guard
from vocoders.base import Vocoder
from vocoders.wavenet.generate import WaveNetGenerator, checked_temperature
from vocoders.wavenet.model import WaveNet
from vocoders.wavenet.task import WEIGHTS_FILE


class WaveNetVocoder(Vocoder):
    name = "wavenet"
    needs = ("mel",)  # + "speaker" (multi-speaker), + "f0" (a sine at F0, voicing, the comb): set per instance

    def __init__(self, model, *, temperature=1.0, voiced_temperature=None, seed=0, match_mel=False,
                 comb_periods=0, comb_decay=0.7, comb_guard=0.0, post_passes=1):
        """voiced_temperature: the sampling temperature of voiced frames (WaveNetGenerator.generate);
        the vocoder then needs the utterance's F0 for its voicing. comb_periods, comb_decay: a comb
        at the utterance's F0 over that many periods each side (tts.pitch_comb; 0: none), which
        takes out what differs from period to period; comb_guard (nats, 0: none): its taps count
        less where the mel differs from the sample's frame (tts.pitch_comb). match_mel: then
        reshape each frame to the mel it was given (tts.mel_match), the draws' fine structure
        kept. post_passes: how many times the two run in turn; each pass's comb cleans what the
        last match's gains raised between the harmonics, each match restores the mel (alternating
        projections)."""
        checked_temperature(temperature)  # here, so a voice's bad option fails at load
        if voiced_temperature is not None:
            checked_temperature(voiced_temperature)
        periods, decay = checked_comb(comb_periods, comb_decay)
        self.comb = {"periods": periods, "decay": decay, "guard": checked_guard(comb_guard)}
        self.post_passes = checked_count(post_passes, least=1, what="post_passes", unit="passes")
        self.generator_reads_f0 = model.config.excitation.f0_source or voiced_temperature is not None
        reads_f0 = self.generator_reads_f0 or comb_periods > 0
        self.needs = ("mel",) + ("speaker",) * bool(model.config.conditioning.speakers) + ("f0",) * reads_f0
        super().__init__(model.spec)
        self.speakers = tuple(model.config.conditioning.speakers)
        self.model = model
        self.generator = WaveNetGenerator(model)
        self.sampling = {"temperature": temperature, "voiced_temperature": voiced_temperature}
        self.seed = seed
        self.match_mel = match_mel

    @classmethod
    def load(cls, path, *, temperature=1.0, voiced_temperature=None, seed=0, match_mel=False, comb_periods=0,
             comb_decay=0.7, comb_guard=0.0, post_passes=1):
        """From a weights file or a training run directory (its wavenet.safetensors), sampling and
        post-filters as the constructor says (a voice's vocoder_options)."""
        path = Path(path)
        return cls(WaveNet.load(path / WEIGHTS_FILE if path.is_dir() else path), temperature=temperature,
                   voiced_temperature=voiced_temperature, seed=seed, match_mel=match_mel, comb_periods=comb_periods,
                   comb_decay=comb_decay, comb_guard=comb_guard, post_passes=post_passes)

    def render(self, utterances):
        multi = bool(self.model.config.conditioning.speakers)
        speakers = [utterance.speaker for utterance in utterances] if multi else None
        f0s = [utterance.f0 for utterance in utterances] if self.generator_reads_f0 else None
        waves = self.generator.generate(
            [utterance.mel for utterance in utterances], speakers, f0s=f0s, seed=self.seed, **self.sampling
        )
        return [np.concatenate(list(self._post_filtered(utterance, [wave]))) for utterance, wave in zip(utterances, waves)]

    def stream(self, utterance, *, chunk_frames=None):
        """Float32 chunks of one utterance's waveform as they are generated."""
        self.check_renderable([utterance])
        speaker = utterance.speaker if self.model.config.conditioning.speakers else None
        options = {} if chunk_frames is None else {"chunk_frames": chunk_frames}
        f0 = utterance.f0 if self.generator_reads_f0 else None
        chunks = self.generator.stream(utterance.mel, speaker, f0=f0, seed=self.seed, **self.sampling, **options)
        yield from self._post_filtered(utterance, chunks)

    def _post_filtered(self, utterance, chunks):
        """The generated chunks through the comb and the mel match, as far as each is asked for,
        post_passes times in turn."""
        for _ in range(self.post_passes):
            if self.comb["periods"]:
                chunks = PitchComb(self.spec, utterance.f0, mel=utterance.mel, **self.comb).stream(chunks)
            if self.match_mel:
                chunks = MelMatch(self.spec, utterance.mel).stream(chunks)
        return chunks
