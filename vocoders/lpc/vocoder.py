"""The parametric LPC vocoder: no network, the floor a neural excitation model has to beat.

The mel gives an all-pole filter per frame and the level of the residual it leaves (tts.lpc); the
utterance's F0 gives the source (tts.source): pulses where voiced, noise where not. The source,
scaled to the residual's level, drives the filter in the pre-emphasized domain, and de-emphasis
brings it back. It streams nothing and needs F0, like WORLD.
"""

import numpy as np

from tts.errors import TTSError
from tts.features import FeatureSpec
from tts.lpc import deemphasize, lpc_from_mel, lpc_synthesize
from tts.source import pulse_source
from vocoders.base import Vocoder, load_settings

SETTINGS_FILE = "lpc.json"


class LPCVocoder(Vocoder):
    name = "lpc"
    needs = ("mel", "f0")

    def __init__(self, spec=FeatureSpec(), *, order=24, preemphasis=0.85, breath=0.1, seed=0):
        super().__init__(spec)
        self.order = order
        self.preemphasis = preemphasis
        self.breath = breath  # noise mixed into voiced frames, relative to the pulses' power
        self.seed = seed

    @classmethod
    def load(cls, path):
        """From a settings file (or a folder holding lpc.json): {"spec": {...}, "order": 24, ...};
        or from any checkpoint, taking its FeatureSpec."""
        return load_settings(cls, path, SETTINGS_FILE, "LPC")

    def render(self, utterances):
        return [self.synthesize(utterance.mel, utterance.f0) for utterance in utterances]

    def synthesize(self, log_mel, f0):
        """Waveform float32 [frames * hop] from a log-mel [frames, n_mels] and F0 [frames] (Hz, 0 = unvoiced)."""
        hop = self.spec.hop_length
        f0 = np.asarray(f0, dtype=np.float64)
        if f0.shape != (len(log_mel),):
            raise TTSError(f"f0 has shape {f0.shape}, the mel has {len(log_mel)} frames: expected [{len(log_mel)}]")
        if not len(f0):
            return np.zeros(0, np.float32)
        prediction = lpc_from_mel(np.asarray(log_mel, np.float32), self.spec, order=self.order, preemphasis=self.preemphasis)
        source = pulse_source(f0, hop=hop, sample_rate=self.spec.sample_rate, seed=self.seed, breath=self.breath)
        # the level glides between frame centres in dB, so frame edges do not click
        centres = np.arange(len(f0)) * hop + (hop - 1) / 2
        level = np.log(np.maximum(prediction.gain.astype(np.float64), 1e-9))
        gain = np.exp(np.interp(np.arange(len(source)), centres, level))
        excitation = source * gain
        signal = lpc_synthesize(excitation, prediction.coefficients.astype(np.float64), hop)
        return np.clip(deemphasize(signal, self.preemphasis), -1.0, 1.0).astype(np.float32)
