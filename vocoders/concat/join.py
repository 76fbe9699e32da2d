"""Joining selected units: straight copies across natural joins, phase-aligned crossfades elsewhere.

A piece that starts where the previous one ended in the same recording is copied straight on:
the recording continues. At any other join the two sides overlap by a raised-cosine crossfade
centred on the join, and the right side is first shifted by up to `search` samples to the lag of
greatest normalized cross-correlation with what followed the left side in its own recording. In
voiced speech that lines the two waveforms up period for period, which is what pitch-synchronous
overlap-add achieves with pitch marks, without needing marks at the joins.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Concatenation:
    wav: np.ndarray  # [samples] float32
    starts: np.ndarray  # [n + 1] int64: piece i fills wav[starts[i]:starts[i + 1]]
    sources: np.ndarray  # [n] int64: the source sample where piece i begins (after its shift)


def concatenate(pieces, sources, *, fade, search):
    """Concatenation of `pieces` ([(source key, start, end)] sample ranges of the arrays in `sources`)."""
    starts, shifted, fades = [0], [], []
    for index, (key, start, end) in enumerate(pieces):
        if index and (key, start) == (pieces[index - 1][0], pieces[index - 1][2]):
            lag, overlap = 0, 0
        elif index:
            previous_key, _, previous_end = pieces[index - 1]
            reach = min(search, (end - start) // 4)
            overlap = _even(min(fade, starts[-1] - starts[-2], end - start - reach))
            lag = _best_lag(sources[previous_key], previous_end, sources[key], start, overlap, reach)
        else:
            lag, overlap = 0, 0
        shifted.append(start + lag)
        fades.append(overlap)
        starts.append(starts[-1] + end - start - lag)
    wav = np.zeros(starts[-1], dtype=np.float64)
    for index, (key, _, end) in enumerate(pieces):
        fade_in = fades[index]
        fade_out = fades[index + 1] if index + 1 < len(pieces) else 0
        grain = segment(sources[key], shifted[index] - fade_in // 2, end + fade_out // 2)
        if fade_in:
            grain[:fade_in] *= ramp(fade_in)
        if fade_out:
            grain[len(grain) - fade_out :] *= ramp(fade_out)[::-1]
        _add(wav, grain, starts[index] - fade_in // 2)
    return Concatenation(wav.astype(np.float32), np.asarray(starts, dtype=np.int64), np.asarray(shifted, dtype=np.int64))


def _best_lag(left, left_end, right, right_start, overlap, reach):
    """Shift of the right side, in [-reach, reach], best matching the left side's continuation."""
    if overlap == 0 or reach == 0:
        return 0
    reference = segment(left, left_end - overlap // 2, left_end + overlap // 2)
    if np.dot(reference, reference) < 1e-8 * overlap:  # silence: no phase to line up with
        return 0
    window = segment(right, right_start - reach - overlap // 2, right_start + reach + overlap // 2)
    energy = np.sqrt(np.convolve(window**2, np.ones(overlap), mode="valid") * np.dot(reference, reference))
    score = np.correlate(window, reference, mode="valid") / np.maximum(energy, 1e-12)
    return int(np.argmax(score)) - reach


def segment(source, start, end):
    """source[start:end] as float64, zero outside the source."""
    out = np.zeros(end - start, dtype=np.float64)
    lo, hi = max(start, 0), min(end, len(source))
    if hi > lo:
        out[lo - start : hi - start] = source[lo:hi]
    return out


def _add(wav, grain, at):
    lo, hi = max(at, 0), min(at + len(grain), len(wav))
    if hi > lo:
        wav[lo:hi] += grain[lo - at : hi - at]


def ramp(n):
    """Raised-cosine fade-in of n samples; with its reverse as the fade-out the two sum to 1."""
    return np.sin(0.5 * np.pi * (np.arange(n) + 0.5) / n) ** 2


def _even(n):
    return max(0, int(n) // 2 * 2)
