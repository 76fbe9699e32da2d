"""tts.evaluation.mel_ceiling: a recording rebuilt from its mel's magnitude with its own phase."""

import numpy as np
import pytest

from tts.evaluation.mel_ceiling import mel_with_own_phase, with_own_phase
from tts.features import FeatureSpec
from tts.mel import analysis_frames, mel_numpy

SPEC = FeatureSpec()


def gliding_vowel(seconds=0.8):
    """Harmonics of an F0 gliding around 140 Hz under one formant at 700 Hz."""
    t = np.arange(int(seconds * SPEC.sample_rate)) / SPEC.sample_rate
    f0 = 140 + 30 * np.sin(2 * np.pi * 1.5 * t)
    phase = 2 * np.pi * np.cumsum(f0) / SPEC.sample_rate
    harmonics = (np.sin(k * phase) / k * np.exp(-(((k * f0 - 700) / 600) ** 2)) for k in range(1, 40))
    return (0.3 * sum(harmonics)).astype(np.float32)


@pytest.mark.parametrize("samples", [SPEC.hop_length * 3, 22050 + 77])
def test_its_own_magnitude_gives_the_waveform_back(samples):
    wav = (0.1 * np.random.default_rng(samples).standard_normal(samples)).astype(np.float32)
    magnitude = np.abs(np.fft.rfft(analysis_frames(wav, SPEC), axis=1))
    np.testing.assert_allclose(with_own_phase(wav, magnitude, SPEC), wav, atol=1e-6)


def test_the_mels_magnitude_with_the_own_phase_keeps_the_waveform_and_its_mel():
    vowel = gliding_vowel()
    target = mel_numpy(vowel, SPEC)
    rebuilt = mel_with_own_phase(vowel, target, SPEC)
    assert rebuilt.shape == vowel.shape and rebuilt.dtype == np.float32
    assert np.abs(mel_numpy(rebuilt, SPEC) - target).mean() < 0.15  # measured 0.07
    assert np.corrcoef(rebuilt, vowel)[0, 1] > 0.98  # measured 0.997
    assert np.abs(rebuilt - vowel).max() > 0.05  # the mel smooths what lies within a band (0.19 of 0.38)
    # the phase is what keeps it: the same magnitude on noise's phase is another waveform
    noise = np.random.default_rng(1).standard_normal(len(vowel)).astype(np.float32)
    other = with_own_phase(noise, np.abs(np.fft.rfft(analysis_frames(vowel, SPEC), axis=1)), SPEC)
    assert abs(np.corrcoef(other, vowel)[0, 1]) < 0.3
