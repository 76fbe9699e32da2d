"""Monotonic alignment search: the most likely hard alignment under a soft one (Glow-TTS, RAD-TTS).

A path starts on the first token at frame 0, ends on the last token at the last frame, and from
one frame to the next stays on its token or moves to the next one. Tokens marked optional (word
separators and pauses: they stand for silence that may not be there) may also be skipped, so they
can get zero frames; every other token gets at least one.

Dynamic programming over O(tokens * frames) cells in one numba kernel that loops over the batch
(losses.py sums over the same paths). Ties go to staying, then to the nearest earlier token.
"""

import numba
import numpy as np

from tts.errors import TTSError


def path_inputs(log_likelihood, token_lengths, frame_lengths, optional):
    """The inputs as contiguous float64 / int64 / bool arrays, with clear errors for bad ones."""
    log_likelihood = np.ascontiguousarray(log_likelihood, dtype=np.float64)
    token_lengths = np.asarray(token_lengths, dtype=np.int64)
    frame_lengths = np.asarray(frame_lengths, dtype=np.int64)
    if optional is None:
        optional = np.zeros(log_likelihood.shape[:2], dtype=np.bool_)
    optional = np.ascontiguousarray(optional, dtype=np.bool_)
    if (
        log_likelihood.ndim != 3
        or optional.shape != log_likelihood.shape[:2]
        or not len(log_likelihood) == len(token_lengths) == len(frame_lengths)
        or token_lengths.max(initial=0) > log_likelihood.shape[1]
        or frame_lengths.max(initial=0) > log_likelihood.shape[2]
    ):
        raise TTSError(
            f"expected log-likelihoods [batch, tokens, frames], optional [batch, tokens] and one length "
            f"per item within them, got {log_likelihood.shape}, {optional.shape}, {token_lengths.shape}, {frame_lengths.shape}"
        )
    for item, (n_tokens, n_frames) in enumerate(zip(token_lengths, frame_lengths)):
        required = int(n_tokens - optional[item, :n_tokens].sum())
        if n_tokens < 1 or n_frames < max(required, 1):
            raise TTSError(
                f"cannot align item {item}: {n_frames} frames for {n_tokens} tokens of which {required} "
                "need at least one frame each"
            )
    return log_likelihood, token_lengths, frame_lengths, optional


def monotonic_alignment(log_likelihood, token_lengths, frame_lengths, optional=None):
    """Durations [batch, max_tokens] int64 of the best path (0 beyond each token length, and 0 for
    skipped optional tokens) from log-likelihoods [batch, max_tokens, max_frames]."""
    arrays = path_inputs(log_likelihood, token_lengths, frame_lengths, optional)
    durations = np.zeros(arrays[0].shape[:2], dtype=np.int64)
    _best_paths(*arrays, durations)
    return durations


@numba.njit(cache=True)
def _best_paths(log_likelihood, token_lengths, frame_lengths, optional, durations):
    for item in range(log_likelihood.shape[0]):
        n, t = token_lengths[item], frame_lengths[item]
        _best_path(log_likelihood[item, :n, :t], optional[item, :n], durations[item, :n])


@numba.njit(cache=True)
def _best_path(log_likelihood, optional, durations):
    n_tokens, n_frames = log_likelihood.shape
    best = np.full((n_tokens, n_frames), -np.inf)
    came_from = np.zeros((n_tokens, n_frames), dtype=np.int64)  # the token at the previous frame
    for i in range(n_tokens):  # a path may start on any token that only optional ones precede
        best[i, 0] = log_likelihood[i, 0]
        if not optional[i]:
            break
    for j in range(1, n_frames):
        for i in range(n_tokens):
            score, previous = best[i, j - 1], i
            # move from i - 1, or skip the run of optional tokens just before i
            k = i - 1
            while k >= 0:
                if best[k, j - 1] > score:
                    score, previous = best[k, j - 1], k
                if not optional[k]:
                    break
                k -= 1
            best[i, j] = score + log_likelihood[i, j]
            came_from[i, j] = previous
    token = n_tokens - 1  # the path ends on the last token, or before a run of optional last ones
    k = n_tokens - 1
    while k >= 1 and optional[k]:
        if best[k - 1, n_frames - 1] > best[token, n_frames - 1]:
            token = k - 1
        k -= 1
    for j in range(n_frames - 1, -1, -1):
        durations[token] += 1
        token = came_from[token, j]
