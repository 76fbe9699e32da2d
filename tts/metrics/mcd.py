"""Mel-cepstral distortion (MCD) between two log-mel spectrograms, in dB.

The mel cepstrum is the DCT-II (orthonormal) of the natural-log mel spectrum; c0 (overall level) is
left out, as is usual. MCD = 10 / ln 10 * sqrt(2 * sum_k (c_k - c'_k)^2), averaged over frames.
Where the lengths differ (a model's timing against the recording), frames are paired by dynamic
time warping on the cepstra (librosa.sequence.dtw) first.
"""

import math

import librosa
import numpy as np
import scipy.fft

from tts.errors import TTSError

MCD_SCALE = 10.0 / math.log(10.0) * math.sqrt(2.0)


def mel_cepstrum(log_mel, *, order=24):
    """[frames, order] cepstral coefficients c1..c_order of a natural-log mel [frames, n_mels]."""
    log_mel = np.asarray(log_mel, dtype=np.float64)
    if log_mel.ndim != 2 or log_mel.shape[1] <= order:
        raise TTSError(f"expected a log-mel [frames, n_mels > {order}], got shape {log_mel.shape}")
    return scipy.fft.dct(log_mel, type=2, norm="ortho", axis=1)[:, 1 : order + 1]


def mel_cepstral_distortion(log_mel, reference, *, order=24, align=True):
    """MCD in dB of `log_mel` against `reference` (both [frames, n_mels], natural log).
    With `align`, frames are paired by DTW; without it, both must have the same length."""
    a, b = mel_cepstrum(log_mel, order=order), mel_cepstrum(reference, order=order)
    if align:
        pairs = _dtw_pairs(a, b)
        a, b = a[pairs[:, 0]], b[pairs[:, 1]]
    elif len(a) != len(b):
        raise TTSError(f"{len(a)} frames against {len(b)}: pass align=True to pair them by DTW")
    return float(MCD_SCALE * np.sqrt(((a - b) ** 2).sum(axis=1)).mean())


def dtw_pairs(log_mel, reference, *, order=24):
    """[pairs, 2] frame indices (into `log_mel`, into `reference`) paired by DTW on the mel cepstra,
    in time order: the pairing mel_cepstral_distortion(align=True) scores."""
    return _dtw_pairs(mel_cepstrum(log_mel, order=order), mel_cepstrum(reference, order=order))


def _dtw_pairs(a, b):
    _, path = librosa.sequence.dtw(X=a.T, Y=b.T, metric="euclidean")
    return path[::-1]
