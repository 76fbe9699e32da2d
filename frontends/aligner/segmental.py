"""Duration-informed alignment search: the best monotonic path when each phoneme's length also
has a prior, a semi-Markov (segmental) version of monotonic alignment search (mas.py).

Where the audio does not say where one sound ends and the next begins (two vowels in a row, a
nasal before a nasal, the closures of two stops), the frames score alike for both tokens and MAS
puts the boundary anywhere in the flat stretch. A log-normal prior on each phoneme's frames
(duration_prior.py) moves it to where usual lengths put it: a path's score is the sum of its
cells' log-likelihoods plus `weight` times the log prior of every phoneme's length. Separators
and pauses (the optional tokens) have no length prior: they stay on their token frame by frame,
or are skipped, as in MAS. So with weight 0 the best path is MAS's.

Phoneme lengths are searched up to `max_frames`: dynamic programming over O(tokens * frames *
max_frames) cells, in one numba kernel.
"""

import numba
import numpy as np

from frontends.aligner.mas import path_inputs


def segmental_alignment(log_likelihood, optional, mean_log_frames, std_log_frames, *, weight, max_frames):
    """Durations [tokens] int64 of the best path for one item.

    log_likelihood [tokens, frames]; optional [tokens] bool; mean_log_frames and std_log_frames
    [tokens]: each phoneme's log-normal length prior in frames (ignored for optional tokens).
    """
    log_likelihood, _, _, optional = path_inputs(
        log_likelihood[None], [len(log_likelihood)], [log_likelihood.shape[1]], np.asarray(optional)[None]
    )
    mean = np.ascontiguousarray(mean_log_frames, dtype=np.float64)
    std = np.ascontiguousarray(std_log_frames, dtype=np.float64)
    if mean.shape != std.shape or mean.shape != optional.shape[1:] or not (std > 0).all():
        raise ValueError(f"one positive-std prior per token expected, got {mean.shape} and {std.shape}")
    durations, score = _best_segmental_path(log_likelihood[0], optional[0], mean, std, float(weight), int(max_frames))
    if score == -np.inf:
        raise ValueError(f"no path gives every phoneme at most {max_frames} frames")
    return durations


@numba.njit(cache=True)
def _best_segmental_path(log_likelihood, optional, mean, std, weight, max_frames):
    n_tokens, n_frames = log_likelihood.shape
    cumulative = np.zeros((n_tokens, n_frames + 1))  # cumulative[i, t] = sum of token i's cells before frame t
    for i in range(n_tokens):
        for t in range(n_frames):
            cumulative[i, t + 1] = cumulative[i, t] + log_likelihood[i, t]
    # ends[i + 1, t]: best score of tokens 0..i covering frames [0, t); ends[0] is before any token
    ends = np.full((n_tokens + 1, n_frames + 1), -np.inf)
    ends[0, 0] = 0.0
    length = np.zeros((n_tokens + 1, n_frames + 1), dtype=np.int64)  # token i's frames on that best path
    running = np.full(n_frames + 1, -np.inf)  # optional token: best score with its run ending at t
    run_length = np.zeros(n_frames + 1, dtype=np.int64)
    for i in range(n_tokens):
        before, here = ends[i], ends[i + 1]
        if optional[i]:
            for t in range(1, n_frames + 1):  # stay on the token one more frame, or start its run here
                start, stay = before[t - 1], running[t - 1]
                if stay >= start:
                    running[t], run_length[t] = stay, run_length[t - 1] + 1
                else:
                    running[t], run_length[t] = start, 1
                running[t] += log_likelihood[i, t - 1]
            for t in range(n_frames + 1):
                if running[t] > before[t]:
                    here[t], length[i + 1, t] = running[t], run_length[t]
                else:  # skipped
                    here[t], length[i + 1, t] = before[t], 0
            continue
        for t in range(1, n_frames + 1):
            best, best_frames = -np.inf, 0
            for frames in range(1, min(max_frames, t) + 1):
                previous = before[t - frames]
                if previous == -np.inf:
                    continue
                z = (np.log(frames) - mean[i]) / std[i]
                prior = -0.5 * z * z - np.log(std[i]) - np.log(frames)
                score = previous + cumulative[i, t] - cumulative[i, t - frames] + weight * prior
                if score > best:
                    best, best_frames = score, frames
            here[t], length[i + 1, t] = best, best_frames
    durations = np.zeros(n_tokens, dtype=np.int64)
    t = n_frames
    for i in range(n_tokens, 0, -1):
        durations[i - 1] = length[i, t]
        t -= length[i, t]
    return durations, ends[n_tokens, n_frames]
