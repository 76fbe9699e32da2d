"""The diagonal prior: for each mel frame, a beta-binomial distribution over the text positions.

Frame t of T (1-based) gets BetaBinomial(n = N - 1, a = s * t, b = s * (T + 1 - t)) over the N tokens,
whose mean n * t / (T + 1) walks down the diagonal; the scaling s sets how wide it is (larger is
narrower). Adding its log to the attention scores makes early training find the near-diagonal
alignment of speech instead of a degenerate one ("One TTS Alignment to Rule Them All", Badlani 2021).
Far from the diagonal it is floored, as in RAD-TTS, so it discourages but never forbids.
"""

import math

import torch

LOG_FLOOR = math.log(1e-8)


def log_beta_binomial_prior(token_lengths, frame_lengths, *, scaling=1.0):
    """Log prior [batch, max_frames, max_tokens] for a batch; 0 outside each item's lengths."""
    token_lengths = torch.as_tensor(token_lengths)
    frame_lengths = torch.as_tensor(frame_lengths)
    device = token_lengths.device
    max_tokens, max_frames = int(token_lengths.max()), int(frame_lengths.max())
    k = torch.arange(max_tokens, device=device, dtype=torch.float64)[None, None, :]
    t = torch.arange(1, max_frames + 1, device=device, dtype=torch.float64)[None, :, None]
    n = (token_lengths.to(torch.float64) - 1)[:, None, None]
    frames = frame_lengths.to(torch.float64)[:, None, None]
    a = scaling * t
    b = scaling * (frames + 1 - t)
    valid = (k <= n) & (t <= frames)
    # keep the math finite where invalid; those entries are zeroed below
    k_safe, b_safe = torch.minimum(k, n), b.clamp(min=scaling)
    log_choose = torch.lgamma(n + 1) - torch.lgamma(k_safe + 1) - torch.lgamma(n - k_safe + 1)
    log_prior = log_choose + _log_beta(k_safe + a, n - k_safe + b_safe) - _log_beta(a, b_safe)
    return torch.where(valid, log_prior.clamp(min=LOG_FLOOR), torch.zeros_like(log_prior)).to(torch.float32)


def _log_beta(x, y):
    return torch.lgamma(x) + torch.lgamma(y) - torch.lgamma(x + y)
