"""μ-law companding and quantization (the continuous G.711 curve) on torch tensors."""

import math

import torch


def mulaw_compand(wav, channels):
    """The continuous μ-law curve: waveform -> [-1, 1], values beyond ±1 taken as ±1."""
    mu = channels - 1
    return torch.sign(wav) * torch.log1p(mu * wav.abs().clamp(max=1.0)) / math.log1p(mu)


def mulaw_encode(wav, channels):
    """Waveform in [-1, 1] -> class index (int64) in [0, channels)."""
    mu = channels - 1
    return ((mulaw_compand(wav, channels) + 1) / 2 * mu + 0.5).clamp(0, mu).long()


def mulaw_expand(companded, channels):
    """The inverse of mulaw_compand on [-1, 1]."""
    mu = channels - 1
    return torch.sign(companded) * ((1 + mu) ** companded.abs() - 1) / mu


def mulaw_decode(index, channels):
    """Class index -> waveform in [-1, 1]; the inverse of mulaw_encode up to quantization."""
    return mulaw_expand(2 * index.double() / (channels - 1) - 1, channels).float()


def mulaw_quantize(wav, channels):
    """The waveform a μ-law model can produce: encode then decode."""
    return mulaw_decode(mulaw_encode(wav, channels), channels)
