"""A third-party vocoder in a few lines: renders each mel frame as a sine at the frame's loudest band."""

import numpy as np

from tts.features import FeatureSpec
from vocoders.base import Vocoder


class SineVocoder(Vocoder):
    name = "tiny-sine"
    needs = ("mel",)

    @classmethod
    def load(cls, path=None):
        return cls(FeatureSpec())

    def render(self, utterances):
        hop, rate = self.spec.hop_length, self.spec.sample_rate
        centres = np.linspace(self.spec.fmin, self.spec.fmax, self.spec.n_mels)
        waves = []
        for utterance in utterances:
            freq = np.repeat(centres[np.argmax(utterance.mel, axis=1)], hop)
            phase = 2 * np.pi * np.cumsum(freq) / rate
            waves.append((0.3 * np.sin(phase)).astype(np.float32))
        return waves
