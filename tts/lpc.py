"""Linear prediction from a log-mel: the spectral envelope as an all-pole filter, per frame.

    prediction = lpc_from_mel(log_mel, spec, order=24)     # torch [..., frames, n_mels] or NumPy [frames, n_mels]
    prediction.coefficients   # [..., frames, order]: x[t] ≈ Σ_k a[k - 1] · x[t - k] over the pre-emphasized signal
    prediction.gain           # [..., frames]: RMS of the residual that the filter leaves, per sample

The steps (LPCNet, Valin & Skoglund 2019, from Bark cepstra; here from the FeatureSpec's mel):
log-mel → linear magnitude through the pseudo-inverse of the filterbank (floored at zero) → power,
tilted by the pre-emphasis filter's response → autocorrelation (inverse FFT) → a Gaussian lag
window and a white-noise floor → Levinson–Durbin. The lag window and the floor keep the
autocorrelation positive definite, so every reflection coefficient stays inside (-1, 1) and every
filter is stable, silence and clipping included. One implementation, in float64 torch, serves
training (batched tensors) and generation (NumPy in, NumPy out), so the two cannot drift apart.

Frame f covers samples [f * hop, (f + 1) * hop) (tts.mel), and its coefficients predict those
samples. The per-sample filters below (`lpc_residual`, `lpc_synthesize`) run in numba.
"""

import functools
import math
import numbers
from typing import NamedTuple

import numba
import numpy as np
import torch

from tts.errors import TTSError
from tts.features import LOG_BASES, FeatureSpec
from tts.mel import mel_filterbank


class LinearPrediction(NamedTuple):
    coefficients: object  # [..., frames, order], tensor or array as the input was
    gain: object  # [..., frames]


@functools.lru_cache(maxsize=8)
def _inverse_filterbank(spec: FeatureSpec):
    """[n_mels, n_fft // 2 + 1] float64: mel magnitudes -> linear magnitudes (least squares)."""
    return torch.linalg.pinv(torch.from_numpy(mel_filterbank(spec)).double()).t().contiguous()


@functools.lru_cache(maxsize=8)
def _window_energy(spec: FeatureSpec):
    """Σ w² of the analysis window: an autocorrelation's lag 0 over it is the frame's power per sample."""
    window = torch.hann_window(spec.win_length, periodic=True, dtype=torch.float64)
    return float((window**2).sum())


def _check(order, preemphasis, lag_window_hz, noise_floor):
    if not isinstance(order, numbers.Integral) or isinstance(order, bool) or not 1 <= order <= 64:
        raise TTSError(f"LPC order must be a whole number in 1..64, got {order!r}")
    if not 0 <= preemphasis < 1:
        raise TTSError(f"pre-emphasis must be in [0, 1), got {preemphasis!r}")
    if not 0 <= lag_window_hz < math.inf or not 0 <= noise_floor < math.inf:
        raise TTSError(f"lag window and noise floor must be finite and >= 0, got {lag_window_hz!r}, {noise_floor!r}")


def lpc_from_mel(log_mel, spec: FeatureSpec, *, order=24, preemphasis=0.85, lag_window_hz=50.0, noise_floor=1e-4):
    """LinearPrediction of each frame of `log_mel` ([..., frames, n_mels], torch or NumPy)."""
    _check(order, preemphasis, lag_window_hz, noise_floor)
    as_numpy = not torch.is_tensor(log_mel)
    mel = torch.as_tensor(np.asarray(log_mel) if as_numpy else log_mel)
    if mel.ndim < 2 or mel.shape[-1] != spec.n_mels:
        raise TTSError(f"expected a log-mel [..., frames, {spec.n_mels}], got shape {tuple(mel.shape)}")
    device, dtype = mel.device, (torch.float32 if as_numpy else mel.dtype)
    with torch.autocast(device.type, enabled=False):  # float64 throughout, even inside a bf16 training step
        if mel.shape[-2]:
            coefficients, gain = _lpc_float64(mel, spec, order, preemphasis, lag_window_hz, noise_floor)
        else:  # no frames, nothing to solve (and an empty FFT is an error)
            coefficients = torch.zeros(*mel.shape[:-1], order, dtype=torch.float64, device=device)
            gain = torch.zeros(mel.shape[:-1], dtype=torch.float64, device=device)
    if as_numpy:
        return LinearPrediction(coefficients.float().numpy(), gain.float().numpy())
    return LinearPrediction(coefficients.to(dtype), gain.to(dtype))


def _lpc_float64(mel, spec, order, preemphasis, lag_window_hz, noise_floor):
    device = mel.device
    magnitude = torch.pow(LOG_BASES[spec.log_base], mel.double()) @ _inverse_filterbank(spec).to(device)
    power = magnitude.clamp(min=0) ** 2
    omega = torch.linspace(0, math.pi, power.shape[-1], dtype=torch.float64, device=device)
    power = power * (1 + preemphasis**2 - 2 * preemphasis * torch.cos(omega))  # |1 - α e^{-jω}|²
    autocorrelation = torch.fft.irfft(power, n=spec.n_fft)[..., : order + 1]
    lags = torch.arange(order + 1, dtype=torch.float64, device=device)
    autocorrelation = autocorrelation * torch.exp(-0.5 * (2 * math.pi * lag_window_hz * lags / spec.sample_rate) ** 2)
    # a white-noise floor, relative to the frame and absolute (below the log floor's level), so
    # that silent frames get a flat, harmless filter rather than a fit to rounding noise
    floor = noise_floor * autocorrelation[..., 0] + spec.n_fft * spec.log_floor**2
    autocorrelation = torch.cat([(autocorrelation[..., :1] + floor[..., None]), autocorrelation[..., 1:]], dim=-1)
    coefficients, error = levinson_durbin(autocorrelation, order)
    return coefficients, torch.sqrt(error.clamp(min=0) / _window_energy(spec))


def levinson_durbin(autocorrelation, order):
    """Predictor coefficients [..., order] (x[t] ≈ Σ a[k-1] x[t-k]) and the final prediction error
    [...] from autocorrelations [..., order + 1], batched over the leading dimensions."""
    r = autocorrelation
    a = r.new_zeros(*r.shape[:-1], order)
    error = r[..., 0]
    for i in range(order):
        # r[i+1] - Σ_{j<i} a[j] r[i-j]: the part of lag i+1 that the order-i predictor misses
        residual = r[..., i + 1] - (a[..., :i] * r[..., 1 : i + 1].flip(-1)).sum(-1)
        reflection = residual / error
        a = torch.cat(
            [a[..., :i] - reflection[..., None] * a[..., :i].flip(-1), reflection[..., None], a[..., i + 1 :]], dim=-1
        )
        error = error * (1 - reflection**2)
    return a, error


def lpc_predict(signal, coefficients, lags=None):
    """Predictions p[t] = Σ a[t, k - 1] · x[order + t - k] [batch, time] from `signal` [batch,
    order + time] (its first `order` samples are the history before t = 0) and per-sample
    coefficients [batch, time, order]: the torch form of what the generation kernel computes.
    With `lags` (a[k - 1]'s indices k - 1, sorted), coefficients [batch, time, len(lags)] hold
    those lags' alone and the signal's first lags[-1] + 1 samples are the history: a sparse
    predictor (a period's, music.nsynth.period) reaches far back through a handful of them."""
    reach = coefficients.shape[-1] if lags is None else int(lags[-1]) + 1
    windows = signal.unfold(-1, reach, 1)[:, : coefficients.shape[1]]  # [batch, time, reach]: x[t - reach .. t - 1]
    taps = windows.flip(-1) if lags is None else windows[..., reach - 1 - lags]  # newest first
    return (taps * coefficients).sum(-1)


def used_lags(coefficients):
    """The lags (a[k - 1]'s indices) any of `coefficients` [..., order] weighs: lpc_predict's `lags`."""
    return torch.nonzero(coefficients.detach().reshape(-1, coefficients.shape[-1]).abs().amax(dim=0)).flatten()


def preemphasize(wav, preemphasis):
    """x[t] = s[t] - α s[t - 1] (torch [..., time]), with s[-1] = 0."""
    return wav - preemphasis * torch.nn.functional.pad(wav[..., :-1], (1, 0))


def lpc_residual(signal, coefficients, hop):
    """e[t] = x[t] - Σ a[t // hop, k - 1] x[t - k], the past before t = 0 taken as silence."""
    return _filter(_within(signal, coefficients, hop), coefficients, hop, False)


def lpc_synthesize(residual, coefficients, hop):
    """The inverse of lpc_residual: x[t] = e[t] + Σ a[t // hop, k - 1] x[t - k]."""
    return _filter(_within(residual, coefficients, hop), coefficients, hop, True)


def _within(values, coefficients, hop):
    if len(values) > len(coefficients) * hop:
        raise TTSError(f"{len(values)} samples, but {len(coefficients)} frames of coefficients cover {len(coefficients) * hop}")
    return values


@numba.njit(cache=True)
def _filter(values, coefficients, hop, synthesize):
    """The analysis filter A(z) per frame, or with `synthesize` its inverse 1 / A(z), whose
    prediction reads its own output."""
    order = coefficients.shape[1]
    out = np.empty_like(values)
    past = out if synthesize else values
    for t in range(len(values)):
        frame = coefficients[t // hop]
        prediction = 0.0
        for k in range(1, min(order, t) + 1):
            prediction += frame[k - 1] * past[t - k]
        out[t] = values[t] + prediction if synthesize else values[t] - prediction
    return out


@numba.njit(cache=True)
def deemphasize(signal, preemphasis):
    """s[t] = x[t] + α s[t - 1]: the inverse of preemphasize."""
    out = np.empty_like(signal)
    previous = 0.0
    for t in range(len(signal)):
        previous = signal[t] + preemphasis * previous
        out[t] = previous
    return out
