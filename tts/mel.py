"""Log-mel spectrograms under a FeatureSpec: a batched torch path and a NumPy reference.

Both follow the HiFi-GAN convention: reflect-pad (n_fft - hop) / 2 on each side, STFT without
centering, magnitude sqrt(re² + im² + 1e-9), the librosa Slaney mel filterbank, then log of the
value floored at `log_floor`. A clip of n samples gives exactly n // hop frames, so frame k covers
samples [k*hop, (k+1)*hop), which is what vocoders upsample to. Clips shorter than the padding
are reflect-padded as far as they allow and completed with zeros.
"""

import functools

import librosa
import numpy as np
import torch

from tts.errors import AudioFormatError
from tts.features import LOG_BASES, FeatureSpec

MAGNITUDE_EPS = 1e-9


@functools.lru_cache(maxsize=16)
def mel_filterbank(spec: FeatureSpec):
    """[n_mels, n_fft // 2 + 1] Slaney-normalized mel filterbank (librosa), float32."""
    return librosa.filters.mel(
        sr=spec.sample_rate, n_fft=spec.n_fft, n_mels=spec.n_mels, fmin=spec.fmin, fmax=spec.fmax
    ).astype(np.float32)


def padding(spec):
    left = (spec.n_fft - spec.hop_length) // 2
    return left, spec.n_fft - spec.hop_length - left


def _check_length(n_samples, spec):
    if n_samples < spec.hop_length:
        raise AudioFormatError(
            f"audio of {n_samples} samples is shorter than one hop ({spec.hop_length}); nothing to analyse"
        )


def _log(mel, spec, log):
    return log(mel) / np.log(LOG_BASES[spec.log_base]) if spec.log_base != "e" else log(mel)


def mel_numpy(wav, spec: FeatureSpec = FeatureSpec()):
    """Reference log-mel of one mono clip: [samples] -> [n_frames, n_mels], float64 math."""
    spectrum = np.fft.rfft(analysis_frames(wav, spec), axis=1)
    return log_mel_of_spectrum(spectrum, spec).astype(np.float32)


def analysis_frames(wav, spec: FeatureSpec):
    """The windowed frames [n_frames, n_fft] (float64) of one mono clip that mel_numpy analyses:
    frame k starts at k * hop in the padded clip."""
    wav = np.asarray(wav, dtype=np.float64)
    if wav.ndim != 1:
        raise AudioFormatError(f"mel_numpy expects a mono [samples] array, got shape {wav.shape}")
    _check_length(len(wav), spec)
    left, right = padding(spec)
    reflect_left, reflect_right = min(left, len(wav) - 1), min(right, len(wav) - 1)
    padded = np.pad(wav, (reflect_left, reflect_right), mode="reflect")
    padded = np.pad(padded, (left - reflect_left, right - reflect_right))
    starts = np.arange(spec.n_frames(len(wav))) * spec.hop_length
    return np.stack([padded[s : s + spec.n_fft] for s in starts]) * analysis_window(spec)


def analysis_window(spec: FeatureSpec):
    """[n_fft] float64: a periodic Hann of win_length, centred in n_fft, as mel_numpy windows frames."""
    window = np.zeros(spec.n_fft)
    offset = (spec.n_fft - spec.win_length) // 2
    window[offset : offset + spec.win_length] = np.hanning(spec.win_length + 1)[:-1]  # periodic Hann
    return window


def log_mel_of_spectrum(spectrum, spec: FeatureSpec):
    """The log-mel (float64) of windowed frames' rfft [..., n_fft // 2 + 1] (complex), as mel_numpy
    takes it of each frame."""
    magnitude = np.sqrt(spectrum.real**2 + spectrum.imag**2 + MAGNITUDE_EPS)
    mel = magnitude @ mel_filterbank(spec).astype(np.float64).T
    return _log(np.maximum(mel, spec.log_floor), spec, np.log)


class MelSpectrogram(torch.nn.Module):
    """Batched log-mel on tensors: [batch, samples] -> [batch, n_frames, n_mels]; [samples] -> [n_frames, n_mels]."""

    def __init__(self, spec: FeatureSpec = FeatureSpec()):
        super().__init__()
        self.spec = spec
        self.register_buffer("filterbank", torch.from_numpy(mel_filterbank(spec)), persistent=False)
        self.register_buffer("window", torch.hann_window(spec.win_length), persistent=False)

    def forward(self, wav):
        squeeze = wav.dim() == 1
        wav = wav.unsqueeze(0) if squeeze else wav
        if wav.dim() != 2:
            raise AudioFormatError(f"mel expects [samples] or [batch, samples], got shape {tuple(wav.shape)}")
        spec = self.spec
        _check_length(wav.shape[-1], spec)
        left, right = padding(spec)
        reflect_left, reflect_right = min(left, wav.shape[-1] - 1), min(right, wav.shape[-1] - 1)
        padded = torch.nn.functional.pad(wav.unsqueeze(1), (reflect_left, reflect_right), mode="reflect")
        padded = torch.nn.functional.pad(padded, (left - reflect_left, right - reflect_right)).squeeze(1)
        stft = torch.stft(
            padded,
            n_fft=spec.n_fft,
            hop_length=spec.hop_length,
            win_length=spec.win_length,
            window=self.window.to(padded.dtype),
            center=False,
            return_complex=True,
        )
        magnitude = torch.sqrt(stft.real**2 + stft.imag**2 + MAGNITUDE_EPS)
        mel = torch.matmul(self.filterbank.to(magnitude.dtype), magnitude)
        out = _log(torch.clamp(mel, min=spec.log_floor), spec, torch.log).transpose(1, 2)
        return out[0] if squeeze else out


def mel(wav, spec: FeatureSpec = FeatureSpec()):
    """Functional form of MelSpectrogram for tensors (see the class for shapes)."""
    return MelSpectrogram(spec).to(wav.device)(wav)


def mel_to_magnitude(log_mel, spec: FeatureSpec = FeatureSpec()):
    """Linear STFT magnitude [n_fft // 2 + 1, frames] from a log-mel [frames, n_mels]: the
    non-negative least-squares inverse of the filterbank (librosa's mel_to_stft)."""
    log_mel = np.asarray(log_mel, dtype=np.float64)
    if log_mel.ndim != 2 or log_mel.shape[1] != spec.n_mels:
        raise AudioFormatError(f"expected a log-mel [frames, {spec.n_mels}], got shape {log_mel.shape}")
    magnitude = np.power(LOG_BASES[spec.log_base], log_mel.T)
    return librosa.feature.inverse.mel_to_stft(
        magnitude, sr=spec.sample_rate, n_fft=spec.n_fft, power=1.0, fmin=spec.fmin, fmax=spec.fmax
    )
