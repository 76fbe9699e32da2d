"""μ-law companding and quantization (the continuous G.711 curve) on torch tensors."""

import math

import torch


def mulaw_encode(wav, channels):
    """Waveform in [-1, 1] -> class index (int64) in [0, channels)."""
    mu = channels - 1
    companded = torch.sign(wav) * torch.log1p(mu * wav.abs()) / math.log1p(mu)
    return ((companded + 1) / 2 * mu + 0.5).clamp(0, mu).long()


def mulaw_decode(index, channels):
    """Class index -> waveform in [-1, 1]; the inverse of mulaw_encode up to quantization."""
    mu = channels - 1
    companded = 2 * index.double() / mu - 1
    return (torch.sign(companded) * ((1 + mu) ** companded.abs() - 1) / mu).float()


def mulaw_quantize(wav, channels):
    """The waveform a μ-law model can produce: encode then decode."""
    return mulaw_decode(mulaw_encode(wav, channels), channels)
