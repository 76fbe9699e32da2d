"""F0 errors of a contour against a reference, frame by frame.

Both contours are [frames] in Hz with 0 marking unvoiced frames (tts.pitch.frame_f0, and the
acoustic model's output), paired frame for frame, so they must have the same length. The F0 errors
are root-mean-square over the frames voiced in both (NaN where there is none); the voicing error is
the share of all frames whose voicing decision differs.
"""

import numpy as np

from tts.errors import TTSError


def voiced_in_both(f0, reference):
    """[frames] bool: the frames where both contours are voiced."""
    f0, reference = _pair(f0, reference)
    return (f0 > 0) & (reference > 0)


def f0_rmse(f0, reference):
    """Root-mean-square F0 difference in Hz over the frames voiced in both; NaN where there is none."""
    f0, reference = _pair(f0, reference)
    both = voiced_in_both(f0, reference)
    return _rms(f0[both] - reference[both])


def f0_rmse_cents(f0, reference):
    """Root-mean-square F0 difference in cents (1200 log2 of the ratio) over the frames voiced in both;
    NaN where there is none."""
    f0, reference = _pair(f0, reference)
    both = voiced_in_both(f0, reference)
    return _rms(1200.0 * np.log2(f0[both] / reference[both]))


def voicing_error(f0, reference):
    """Share of the frames whose voicing (F0 > 0) differs between the contours."""
    f0, reference = _pair(f0, reference)
    if len(f0) == 0:
        raise TTSError("cannot compare voicing over zero frames")
    return float(np.mean((f0 > 0) != (reference > 0)))


def _pair(f0, reference):
    f0, reference = np.asarray(f0, dtype=np.float64), np.asarray(reference, dtype=np.float64)
    if f0.ndim != 1 or f0.shape != reference.shape:
        raise TTSError(f"expected two F0 contours [frames] of one length, got shapes {f0.shape} and {reference.shape}")
    return f0, reference


def _rms(differences):
    return float(np.sqrt(np.mean(differences**2))) if len(differences) else float("nan")
