"""Parametric WORLD vocoder: mel + F0 in, waveform out through pyworld's synthesizer.

- Spectral envelope: the log-mel inverted to a linear magnitude (NNLS against the filterbank),
  smoothed across frequency so the harmonics the mel still carries do not fight the F0, squared
  to WORLD's power envelope.
- Aperiodicity: from voicing and band energy. Unvoiced frames are all noise; voiced frames are
  periodic at low frequencies and turn noisy above a cutoff that falls as the share of energy above
  4 kHz rises (breathy and fricated frames carry more of it).
- F0: the utterance's, from the acoustic model or, for copy-synthesis, from analysis (tts.pitch).
Level: WORLD's envelope scale differs from an STFT's, so each utterance's output gets the single
gain that matches its mel energy to the input's over the voiced frames.
"""


import numpy as np
import scipy.ndimage
import torch

from tts.errors import TTSError
from tts.features import FeatureSpec
from tts.mel import mel, mel_to_magnitude
from tts.pitch import import_pyworld
from vocoders.base import Vocoder, load_settings

SETTINGS_FILE = "world.json"
HIGH_BAND_HZ = 4000.0


class WorldVocoder(Vocoder):
    name = "world"
    needs = ("mel", "f0")

    def __init__(self, spec=FeatureSpec(), *, smoothing_hz=200.0):
        super().__init__(spec)
        self.smoothing_hz = smoothing_hz  # width of the envelope's frequency smoothing

    @classmethod
    def load(cls, path):
        """From a settings file (or a folder holding world.json): {"spec": {...}, "smoothing_hz": 200};
        or from any checkpoint, taking its FeatureSpec."""
        return load_settings(cls, path, SETTINGS_FILE, "WORLD")

    def render(self, utterances):
        return [self.synthesize(utterance.mel, utterance.f0) for utterance in utterances]

    def envelope(self, log_mel):
        """WORLD power envelope [frames, n_fft // 2 + 1] from a log-mel [frames, n_mels]."""
        magnitude = mel_to_magnitude(log_mel, self.spec).T
        bins = self.smoothing_hz * self.spec.n_fft / self.spec.sample_rate
        smooth = scipy.ndimage.uniform_filter1d(magnitude, size=max(int(round(bins)), 1), axis=1, mode="nearest")
        return np.maximum(smooth, 1e-8) ** 2

    def aperiodicity(self, power, f0):
        """[frames, bins] in [0, 1]: 1 is all noise."""
        frequencies = np.linspace(0, self.spec.sample_rate / 2, power.shape[1])
        high_share = power[:, frequencies >= HIGH_BAND_HZ].sum(axis=1) / power.sum(axis=1)
        cutoff = np.clip(HIGH_BAND_HZ * (1.0 - 2.0 * high_share), 1000.0, HIGH_BAND_HZ)  # Hz
        ramp = np.clip((frequencies[None, :] - cutoff[:, None]) / 2000.0, 0.0, 1.0)  # 2 kHz transition
        aperiodicity = 0.001 + 0.999 * ramp**2
        aperiodicity[f0 <= 0] = 1.0
        return aperiodicity

    def synthesize(self, log_mel, f0):
        """Waveform float32 [frames * hop] from a log-mel [frames, n_mels] and F0 [frames] (Hz, 0 = unvoiced)."""
        pyworld = import_pyworld()
        spec = self.spec
        f0 = np.asarray(f0, dtype=np.float64)
        frames = len(log_mel)
        if f0.shape != (frames,):
            raise TTSError(f"f0 has shape {f0.shape}, the mel has {frames} frames: expected [{frames}]")
        power = self.envelope(log_mel)
        period_ms = 1000.0 * spec.hop_length / spec.sample_rate
        wav = pyworld.synthesize(f0, power, self.aperiodicity(power, f0), spec.sample_rate, period_ms)
        # WORLD frame k sits at k * hop; mel frame k is centred half a hop later (tts.pitch)
        wav = np.pad(wav, (spec.hop_length // 2, 0))
        wav = np.pad(wav, (0, max(frames * spec.hop_length - len(wav), 0)))[: frames * spec.hop_length]
        return self._match_level(wav, log_mel)

    def analysis_synthesis(self, wav):
        """The WORLD reference: the clip re-synthesized from its own WORLD analysis (Harvest F0,
        CheapTrick envelope, D4C aperiodicity) on the mel frames: what WORLD can do when its
        features are exact rather than read from a mel."""
        pyworld = import_pyworld()
        spec = self.spec
        wav = np.asarray(wav, dtype=np.float64)
        frames = len(wav) // spec.hop_length
        period_ms = 1000.0 * spec.hop_length / spec.sample_rate
        f0, times = pyworld.harvest(wav, spec.sample_rate, frame_period=period_ms)
        envelope = pyworld.cheaptrick(wav, f0, times, spec.sample_rate, fft_size=spec.n_fft)
        aperiodicity = pyworld.d4c(wav, f0, times, spec.sample_rate, fft_size=spec.n_fft)
        out = pyworld.synthesize(f0, envelope, aperiodicity, spec.sample_rate, period_ms)
        return np.pad(out, (0, max(frames * spec.hop_length - len(out), 0)))[: frames * spec.hop_length].astype(np.float32)

    def _match_level(self, wav, log_mel):
        output = mel(torch.from_numpy(wav.astype(np.float32)), self.spec).numpy()
        loud = log_mel.max(axis=1) > np.median(log_mel.max(axis=1))
        gain = np.exp(np.mean(log_mel[loud].mean(axis=1) - output[loud].mean(axis=1)))
        return np.clip(wav * gain, -1.0, 1.0).astype(np.float32)
