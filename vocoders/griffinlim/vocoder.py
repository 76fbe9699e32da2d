"""Griffin-Lim: phase reconstruction from the mel alone, the baseline every neural vocoder is
measured against.

The log-mel is exponentiated and mapped back to a linear magnitude spectrogram by non-negative
least squares against the same Slaney filterbank (librosa's mel_to_stft), then fast Griffin-Lim
(Perraudin et al. 2013: momentum on the phase updates; librosa.griffinlim) estimates the phase on
the FeatureSpec's STFT, with HiFi-GAN framing: no centering, so frame k covers samples
[k * hop, (k + 1) * hop) and n frames give n * hop samples.
"""

import json
from pathlib import Path

import librosa
import numpy as np

from tts.errors import TTSError
from tts.features import FeatureSpec
from tts.mel import mel_to_magnitude, padding
from vocoders.base import Vocoder, load_settings
from vocoders.griffinlim.streaming import stream_griffinlim

SETTINGS_FILE = "griffinlim.json"
# Streaming: blocks of 32 frames (0.37 s at 22.05 kHz / hop 256) with 8 frames of look-ahead and
# 8 of sent audio held fixed; the look-ahead covers the half-window the last frame reaches into.
STREAM_BLOCK_FRAMES = 32
STREAM_LOOKAHEAD_FRAMES = 8
STREAM_HISTORY_FRAMES = 8


class GriffinLimVocoder(Vocoder):
    name = "griffinlim"
    needs = ("mel",)

    def __init__(self, spec=FeatureSpec(), *, iterations=32, momentum=0.99, seed=0):
        super().__init__(spec)
        if iterations < 1 or not 0 <= momentum < 1:
            raise TTSError(f"Griffin-Lim needs iterations >= 1 and momentum in [0, 1), got {iterations}, {momentum}")
        self.iterations = iterations
        self.momentum = momentum
        self.seed = seed

    @classmethod
    def load(cls, path):
        """From a settings file (or a folder holding griffinlim.json): {"spec": {...},
        "iterations": 32, "momentum": 0.99}; or from any checkpoint, taking its FeatureSpec."""
        return load_settings(cls, path, SETTINGS_FILE, "Griffin-Lim")

    def save(self, path):
        settings = {"spec": self.spec.to_dict(), "iterations": self.iterations, "momentum": self.momentum, "seed": self.seed}
        Path(path).write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")

    def render(self, utterances):
        return [self.invert(utterance.mel) for utterance in utterances]

    def stream(self, utterance, *, chunk_frames=STREAM_BLOCK_FRAMES):
        """Float32 chunks of one utterance's waveform, each reconstructed as soon as its frames
        (plus a few frames of look-ahead) are known: first audio in a fraction of `invert`'s time.
        Not sample-identical to `invert`, which sees the whole utterance at once."""
        self.check_renderable([utterance])
        yield from stream_griffinlim(
            utterance.mel, self.spec, block_frames=chunk_frames,
            lookahead_frames=STREAM_LOOKAHEAD_FRAMES, history_frames=STREAM_HISTORY_FRAMES,
            iterations=self.iterations, momentum=self.momentum, rng=np.random.default_rng(self.seed),
        )

    def invert(self, mel):
        """Waveform float32 [frames * hop] from a log-mel [frames, n_mels]."""
        spec = self.spec
        magnitude = mel_to_magnitude(mel, spec)
        frames = magnitude.shape[1]
        wav = librosa.griffinlim(
            magnitude,
            n_iter=self.iterations,
            hop_length=spec.hop_length,
            win_length=spec.win_length,
            n_fft=spec.n_fft,
            center=False,
            momentum=self.momentum,
            random_state=self.seed,
        )
        left, _ = padding(spec)  # the analysis padded this much before sample 0
        wav = wav[left : left + frames * spec.hop_length]
        wav = np.pad(wav, (0, frames * spec.hop_length - len(wav)))
        return np.clip(wav, -1.0, 1.0).astype(np.float32)
