"""The output heads' distributions: losses over the next sample and sampling from them.

Both take the head's output `params` [batch, time, channels] and targets in [-1, 1] [batch, time].
- μ-law: a softmax over μ-law classes; cross-entropy against the target's class.
- Mixture of logistics (PixelCNN++, Parallel WaveNet): `mixtures` logistics, each with a logit,
  a mean and a log scale, discretized over `bins` levels in [-1, 1]; the edge bins take the tails.
"""

import math

import torch
import torch.nn.functional as F

from vocoders.wavenet.mulaw import mulaw_decode, mulaw_encode


def mulaw_loss(params, target, channels):
    return F.cross_entropy(params.reshape(-1, channels).float(), mulaw_encode(target, channels).reshape(-1))


def mulaw_sample(params, temperature=1.0, generator=None):
    """[batch, time, channels] -> waveform [batch, time] drawn from the softmax at `temperature`
    (0 = the most likely class)."""
    channels = params.shape[-1]
    if temperature == 0:
        index = params.argmax(dim=-1)
    else:
        probs = torch.softmax(params.double() / temperature, dim=-1)
        index = torch.multinomial(probs.reshape(-1, channels), 1, generator=generator).reshape(probs.shape[:2])
    return mulaw_decode(index, channels)


def split_mixture(params, log_scale_min):
    """(logits, means, log_scales), each [batch, time, mixtures]."""
    logits, means, log_scales = params.chunk(3, dim=-1)
    return logits, means, log_scales.clamp(min=log_scale_min)


def mol_loss(params, target, *, bins, log_scale_min):
    """Mean negative log-likelihood of `target` under the discretized mixture."""
    logits, means, log_scales = split_mixture(params.float(), log_scale_min)
    x = target.float()[:, :, None]
    centered = x - means
    inv_scale = torch.exp(-log_scales)
    half_bin = 1.0 / (bins - 1)
    cdf_plus = torch.sigmoid(inv_scale * (centered + half_bin))
    cdf_minus = torch.sigmoid(inv_scale * (centered - half_bin))
    log_cdf_plus = inv_scale * (centered + half_bin) - F.softplus(inv_scale * (centered + half_bin))  # left tail
    log_one_minus_cdf_minus = -F.softplus(inv_scale * (centered - half_bin))  # right tail
    mass = cdf_plus - cdf_minus
    # where the bin's mass underflows, use the density at its centre times the bin width
    mid = inv_scale * centered
    log_density_mid = mid - log_scales - 2 * F.softplus(mid)
    log_mass = torch.where(
        mass > 1e-5, torch.log(mass.clamp(min=1e-12)), log_density_mid + math.log(2 * half_bin)
    )
    log_prob = torch.where(x < -0.999, log_cdf_plus, torch.where(x > 0.999, log_one_minus_cdf_minus, log_mass))
    return -torch.logsumexp(log_prob + torch.log_softmax(logits, dim=-1), dim=-1).mean()


def mol_sample(params, *, log_scale_min, temperature=1.0, generator=None):
    """[batch, time, 3 * mixtures] -> waveform [batch, time]: pick a component by its weight, then
    draw from its logistic with the scale times `temperature` (0 = the mean of the most likely
    component)."""
    logits, means, log_scales = split_mixture(params.double(), log_scale_min)
    batch, time, mixtures = logits.shape
    if temperature == 0:
        component = logits.argmax(dim=-1, keepdim=True)
    else:
        probs = torch.softmax(logits, dim=-1).reshape(-1, mixtures)
        component = torch.multinomial(probs, 1, generator=generator).reshape(batch, time, 1)
    mean = means.gather(-1, component)[..., 0]
    scale = torch.exp(log_scales.gather(-1, component)[..., 0])
    u = torch.rand(mean.shape, dtype=torch.float64, generator=generator).clamp(1e-5, 1 - 1e-5)
    return (mean + temperature * scale * (torch.log(u) - torch.log1p(-u))).clamp(-1, 1).float()
