"""The excitation WaveNet's signal path in torch: what the network reads and what it predicts.

For sample t of the pre-emphasized signal x (x[t] = s[t] - α s[t - 1]), the frame's linear
prediction (tts.lpc) gives p[t] = Σ a[k - 1] x[t - k], and the excitation is e[t] = x[t] - p[t].
The network reads x[t - 1], p[t] and e[t - 1] (LPCNet's inputs), or e[t - 1] alone
(`reads_signal` false: ExcitNet's), each μ-law companded so that quiet samples keep their
resolution (and, with `f0_source`, the sine at F0 at t), and predicts
e[t] as one of `mulaw_channels` μ-law levels.
The e[t - 1] it reads is quantized to those levels, as generation feeds back its own draws;
x[t - 1] and p[t] are the true signal's (or, with noise injection, a past made as imperfect as its
own draws would make it). Generation (excitation_kernel.py) runs the same arithmetic per
sample and de-emphasizes: s[t] = x[t] + α s[t - 1].

The predictor need not be the mel's: `training_pairs` takes any frame coefficients, and the NSynth
decoder (music.nsynth) runs this same path with the codes' envelope and a period predictor. It
also draws its excitation normalized per frame (`scale`: e[t] / g, g the envelope's residual
level), so that the level of what it draws follows its codes and generation multiplies g back.

Before an utterance's first sample is silence: s and x are 0, and e is the μ-law level nearest 0
(the quantized residual of silence), in training and in generation alike.
"""

import numpy as np
import torch

from tts.errors import TTSError
from tts.lpc import lpc_from_mel, lpc_predict, lpc_synthesize, preemphasize, used_lags
from vocoders.wavenet.mulaw import mulaw_compand, mulaw_expand, mulaw_quantize


def checked_injected_noise(levels):
    """`levels` of noise injection (a config's data.injected_noise), or a TTSError: in [0, 64)."""
    if not 0 <= levels < 64:
        raise TTSError(f"data.injected_noise must be in [0, 64) μ-law levels, got {levels}")
    return levels


def injection_noise(batch, samples, levels):
    """training_pairs' noise [batch, samples]: uniform within ± `levels` μ-law levels; None at 0."""
    return (torch.rand(batch, samples) * 2 - 1) * levels if levels else None


def history_samples(excitation):
    """Samples before a training segment that its first inputs depend on: the one previous sample
    of a plain WaveNet; for an excitation model, p[-1] needs x[-1 - order], and that x one s before it."""
    return excitation.lpc_order + 2 if excitation.lpc_order else 1


def band_limit_hz(excitation, spec):
    """Where an excitation model's training audio ends (None for a plain WaveNet): excitation_band_hz."""
    return excitation_band_hz(spec) if excitation.lpc_order else None


def excitation_band_hz(spec):
    """Where the training audio of an excitation model on `spec`'s mels ends: the mel's fmax (None:
    a mel that reaches Nyquist). The mel says nothing above fmax, so the filter made from it has
    no formant there, and the energy a recording has there would stay in the excitation, raised
    by up to the LPC noise floor's 40 dB: three bootstrap voices with energy to 11 kHz had
    excitations 9 dB louder than their signal, and their generation ran away (BENCHMARKS.md)."""
    return spec.fmax if 2 * spec.fmax < spec.sample_rate else None


def frame_coefficients(mel, excitation, spec):
    """Predictor coefficients [..., frames, order] of each mel frame (float32, as generation uses)."""
    return lpc_from_mel(
        mel.float(), spec, order=excitation.lpc_order, preemphasis=excitation.preemphasis,
        lag_window_hz=excitation.lag_window_hz,
    ).coefficients


def training_pairs(audio, coefficients, *, excitation, hop, channels, source=None, noise=None, scale=None):
    """(inputs [batch, N, excitation.inputs], target excitation [batch, N]) for a segment of N samples.

    audio [batch, history + N]: `history_samples` of the past (zeros before an utterance), then
    the segment; coefficients [batch, N / hop + 1, order]: the frame before the segment's first
    (it predicts x[-1], whose excitation is the first e[t - 1]), then the segment's frames;
    source [batch, history + N]: the sine at F0 over the same samples, for an f0_source model;
    noise [batch, N + 1]: μ-law levels to move each excitation of the past by (noise injection), in
    the domain the model draws in (normalized, with `scale`);
    scale [batch, N / hop + 1]: per frame, as the coefficients, what the excitation is divided by
    (read and predicted), for a model that draws it normalized and generation multiplies back
    (music.nsynth.envelope); None: 1."""
    order = excitation.lpc_order
    x = preemphasize(audio, excitation.preemphasis)[:, 1:]  # from time -(order + 1): drops the one s that had no past
    clean = x[:, order:]  # x[-1] .. x[N - 1]
    divisor = 1.0 if scale is None else _per_sample(scale[..., None], hop)[..., 0]
    if noise is not None:
        moved = _injected(clean, x, _per_sample(coefficients, hop), noise, channels, divisor)
        x = torch.cat([x[:, :order], clean + moved], dim=1)
    prediction = _predicted(x, _per_sample(coefficients, hop), order)  # p[-1] .. p[N - 1]
    now = x[:, order:]
    inputs = [mulaw_compand(mulaw_quantize(((now - prediction) / divisor)[:, :-1], channels), channels)]
    if excitation.reads_signal:
        inputs = [mulaw_compand(now[:, :-1], channels), mulaw_compand(prediction[:, 1:], channels)] + inputs
    if excitation.f0_source:
        inputs.append(source[:, -(now.shape[1] - 1) :])  # the sine at t itself, t = 0 .. N - 1
    return torch.stack(inputs, dim=-1), ((clean - prediction) / divisor)[:, 1:]


def _predicted(x, per_sample, order):
    """p[-1] .. p[N - 1] from x [batch, order + N + 1] (its first `order` samples the history) and
    per-sample coefficients [batch, N + 1, order]. A period predictor (music.nsynth.period) weighs 4
    of its hundreds of lags: only those are computed."""
    lags = used_lags(per_sample)
    if not len(lags):  # no prediction at all
        return torch.zeros_like(x[:, order:])
    reach = int(lags[-1]) + 1
    return lpc_predict(x[:, order - reach :], per_sample[..., lags], lags)


def _per_sample(coefficients, hop):
    """Frame coefficients [batch, 1 + frames, k] as one row per sample from x[-1]: the frame before
    the segment's for x[-1], then each frame's for its `hop` samples."""
    return torch.cat([coefficients[:, :1], coefficients[:, 1:].repeat_interleave(hop, dim=1)], dim=1)


def _injected(clean, x, per_sample, levels, channels, divisor):
    """What noise injection adds to x[-1] .. x[N - 1] (LPCNet, Valin & Skoglund 2019): each
    excitation moved by `levels` μ-law levels of what the model draws (the excitation over
    `divisor`), passed through the synthesis filter.
    The noisy signal's excitation is then exactly the moved one, like a past built from draws
    (which never leave μ-law's range: an excitation beyond it is moved to its edge), while the
    target, clean x[t] minus the prediction from the noisy past, leads back to the clean signal."""
    drawn = (clean - _predicted(x, per_sample, x.shape[1] - clean.shape[1])) / divisor
    step = 2.0 / (channels - 1)  # one μ-law level, companded
    companded = (mulaw_compand(drawn, channels) + levels * step).clamp(-1, 1)
    moved = ((mulaw_expand(companded, channels) - drawn) * divisor).detach().double().numpy()
    coefficients = per_sample.detach().double().numpy()
    # per-sample coefficients are frames of one sample: hop 1
    shaped = np.stack([lpc_synthesize(row, row_coefficients, 1) for row, row_coefficients in zip(moved, coefficients)])
    return torch.from_numpy(shaped).to(clean.dtype)
