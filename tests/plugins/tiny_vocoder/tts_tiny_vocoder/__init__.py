"""A third-party vocoder in a few lines: renders each mel frame as a sine at the frame's loudest band.

Test-only and never installed: tests/conftest.py puts tests/plugins/tiny_vocoder on the path, where
the committed tts_tiny_vocoder-0.1.0.dist-info declares the `tts.vocoders` entry point tiny-sine.
"""

import json
from pathlib import Path

import numpy as np

from tts.features import FeatureSpec
from vocoders.base import Vocoder


class SineVocoder(Vocoder):
    name = "tiny-sine"
    needs = ("mel",)

    @classmethod
    def load(cls, path=None):
        """The default FeatureSpec, or the one in a settings file {"spec": {...}} (what a voice ships)."""
        if path is None:
            return cls(FeatureSpec())
        return cls(FeatureSpec.from_dict(json.loads(Path(path).read_text(encoding="utf-8"))["spec"]))

    def render(self, utterances):
        hop, rate = self.spec.hop_length, self.spec.sample_rate
        centres = np.linspace(self.spec.fmin, self.spec.fmax, self.spec.n_mels)
        waves = []
        for utterance in utterances:
            freq = np.repeat(centres[np.argmax(utterance.mel, axis=1)], hop)
            phase = 2 * np.pi * np.cumsum(freq) / rate
            waves.append((0.3 * np.sin(phase)).astype(np.float32))
        return waves
