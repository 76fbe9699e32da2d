"""MCD, PESQ and STOI on generated signals with known relations."""

import numpy as np
import pytest
import torch

from tts.errors import TTSError
from tts.features import FeatureSpec
from tts.mel import mel
from tts.metrics.mcd import mel_cepstral_distortion, mel_cepstrum
from tts.metrics.quality import pesq_score, stoi_score

RATE = 16000


def speechlike(seconds=2.0, seed=0):
    """A gliding harmonic tone with syllable-rate amplitude modulation, plus faint noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    f0 = 140 + 40 * np.sin(2 * np.pi * 0.7 * t)
    phase = 2 * np.pi * np.cumsum(f0) / RATE
    wav = sum(np.sin(k * phase) / k for k in range(1, 12)) * (0.55 + 0.45 * np.sin(2 * np.pi * 4 * t))
    return (0.2 * wav + 0.002 * rng.standard_normal(len(t))).astype(np.float32)


def log_mel(wav):
    return mel(torch.from_numpy(wav), FeatureSpec(sample_rate=RATE, fmax=8000.0)).numpy()


def test_mcd_is_zero_for_identical_and_grows_with_distortion():
    clean = log_mel(speechlike())
    assert mel_cepstral_distortion(clean, clean) == pytest.approx(0.0, abs=1e-9)
    rng = np.random.default_rng(1)
    small = mel_cepstral_distortion(clean + 0.05 * rng.standard_normal(clean.shape), clean, align=False)
    large = mel_cepstral_distortion(clean + 0.5 * rng.standard_normal(clean.shape), clean, align=False)
    assert 0 < small < large


def test_mcd_ignores_level_and_dtw_absorbs_timing():
    clean = log_mel(speechlike())
    assert mel_cepstral_distortion(clean + 2.0, clean, align=False) == pytest.approx(0.0, abs=1e-5)  # c0 only
    stretched = np.repeat(clean, 2, axis=0)[::2]  # same frames, realigned
    slowed = np.repeat(clean, 2, axis=0)  # twice as long
    assert mel_cepstral_distortion(slowed, clean) == pytest.approx(0.0, abs=1e-9)
    assert mel_cepstral_distortion(stretched, clean, align=False) == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(TTSError, match="DTW"):
        mel_cepstral_distortion(slowed, clean, align=False)


def test_mel_cepstrum_is_an_orthonormal_dct_without_c0():
    rng = np.random.default_rng(2)
    log_mel_ = rng.standard_normal((5, 80))
    cepstrum = mel_cepstrum(log_mel_, order=79)
    assert cepstrum.shape == (5, 79)
    c0 = log_mel_.sum(axis=1) / np.sqrt(80)
    assert np.allclose((cepstrum**2).sum(axis=1) + c0**2, (log_mel_**2).sum(axis=1))  # Parseval
    with pytest.raises(TTSError, match="n_mels"):
        mel_cepstrum(log_mel_[:, :10], order=24)


def test_pesq_and_stoi_rank_clean_above_noisy():
    clean = speechlike(3.0)
    noise = np.random.default_rng(3).standard_normal(len(clean)).astype(np.float32)
    noisy = clean + 0.05 * noise
    very_noisy = clean + 0.3 * noise
    assert pesq_score(clean, clean, RATE) > 4.4
    assert stoi_score(clean, clean, RATE) > 0.99
    assert pesq_score(clean, clean, RATE) > pesq_score(noisy, clean, RATE) > pesq_score(very_noisy, clean, RATE)
    assert stoi_score(noisy, clean, RATE) > stoi_score(very_noisy, clean, RATE)
    resampled = pesq_score(np.repeat(clean, 2), np.repeat(clean, 2), 2 * RATE)  # scored at 16 kHz
    assert resampled > 4.0
    with pytest.raises(TTSError, match="empty"):
        stoi_score(clean[:0], clean, RATE)
