"""The aligner's loss: forward-sum, -log of the summed likelihood of every monotonic path.

The paths are those of monotonic alignment search (mas.py): tokens in order, each for one or more
frames, optional tokens (separators, pauses) possibly skipped. Maximizing the sum teaches the
encoders to put each frame near its token without ever fixing a hard alignment ("One TTS
Alignment to Rule Them All"). RAD-TTS computes it with CTC's blank trick; a forward-backward
kernel of its own lets separators and pauses be optional, so they need not steal frames from
the words around them when there is no silence.
"""

import numba
import numpy as np
import torch

from frontends.aligner.mas import path_inputs


def forward_sum_loss(log_attention, token_lengths, frame_lengths, optional):
    """Mean over the batch of -log(sum over paths) per token.

    log_attention [batch, max_frames, max_tokens]: each frame's log-probabilities over the tokens
    (entries beyond the lengths are ignored); optional [batch, max_tokens] bool.
    """
    per_item = _ForwardSum.apply(log_attention, token_lengths, frame_lengths, optional)
    return (per_item / token_lengths.to(per_item.dtype)).mean()


class _ForwardSum(torch.autograd.Function):
    """-log(sum over paths) per item; its gradient is minus each cell's posterior occupancy."""

    @staticmethod
    def forward(ctx, log_attention, token_lengths, frame_lengths, optional):
        log_likelihood = log_attention.detach().transpose(1, 2).double().cpu().numpy()
        arrays = path_inputs(log_likelihood, token_lengths.cpu(), frame_lengths.cpu(), optional.cpu())
        totals = np.zeros(len(log_likelihood))
        posteriors = np.zeros_like(arrays[0])
        _path_sums(*arrays, totals, posteriors)
        gradient = -torch.from_numpy(posteriors).transpose(1, 2)
        ctx.save_for_backward(gradient.to(log_attention.device, log_attention.dtype))
        return torch.from_numpy(-totals).to(log_attention.device, log_attention.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        (gradient,) = ctx.saved_tensors
        return gradient * grad_output[:, None, None], None, None, None


@numba.njit(cache=True)
def _path_sums(log_likelihood, token_lengths, frame_lengths, optional, totals, posteriors):
    for item in range(log_likelihood.shape[0]):
        n, t = token_lengths[item], frame_lengths[item]
        totals[item] = _path_sum(log_likelihood[item, :n, :t], optional[item, :n], posteriors[item, :n, :t])


@numba.njit(cache=True)
def _path_sum(log_likelihood, optional, posterior):
    """Forward-backward in the log domain; fills `posterior`, returns log of the summed paths."""
    n_tokens, n_frames = log_likelihood.shape
    forward = np.full((n_tokens, n_frames), -np.inf)
    backward = np.full((n_tokens, n_frames), -np.inf)
    for i in range(n_tokens):  # paths start on any token that only optional ones precede
        forward[i, 0] = log_likelihood[i, 0]
        if not optional[i]:
            break
    for j in range(1, n_frames):
        for i in range(n_tokens):
            total = forward[i, j - 1]
            k = i - 1  # move from i - 1, or skip the run of optional tokens just before i
            while k >= 0:
                total = _log_add(total, forward[k, j - 1])
                if not optional[k]:
                    break
                k -= 1
            forward[i, j] = total + log_likelihood[i, j]
    for i in range(n_tokens - 1, -1, -1):  # ... and end on any token that only optional ones follow
        backward[i, n_frames - 1] = 0.0
        if not optional[i]:
            break
    for j in range(n_frames - 2, -1, -1):
        for i in range(n_tokens):
            total = backward[i, j + 1] + log_likelihood[i, j + 1]
            k = i + 1
            while k < n_tokens:
                total = _log_add(total, backward[k, j + 1] + log_likelihood[k, j + 1])
                if not optional[k]:
                    break
                k += 1
            backward[i, j] = total
    log_total = -np.inf
    for i in range(n_tokens):
        log_total = _log_add(log_total, forward[i, 0] + backward[i, 0])
    for i in range(n_tokens):
        for j in range(n_frames):
            posterior[i, j] = np.exp(forward[i, j] + backward[i, j] - log_total)
    return log_total


@numba.njit(cache=True)
def _log_add(a, b):
    if a == -np.inf:
        return b
    if b == -np.inf:
        return a
    high, low = (a, b) if a > b else (b, a)
    return high + np.log1p(np.exp(low - high))
