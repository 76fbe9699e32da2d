"""WORLD vocoder and frame-level F0: copy-synthesis keeps the pitch, the length and the timing."""

import numpy as np
import pytest
import torch

from tts.errors import TTSError
from tts.features import FeatureSpec
from tts.mel import mel
from tts.pitch import frame_f0
from tts.registry import load_vocoder_class
from tts.utterance import Utterance
from vocoders.world.vocoder import WorldVocoder

SPEC = FeatureSpec()


def vowel(f0=150.0, seconds=1.0, onset=0.3):
    """A synthetic /a/: a harmonic source shaped by formants at 700, 1200 and 2600 Hz, from `onset` on."""
    rate = SPEC.sample_rate
    t = np.arange(int(seconds * rate)) / rate
    wav = np.zeros_like(t)
    for k in range(1, int(5000 / f0)):
        frequency = k * f0
        gain = sum(1.0 / (1.0 + ((frequency - formant) / 120.0) ** 2) for formant in (700, 1200, 2600))
        wav += gain / k * np.sin(2 * np.pi * frequency * t)
    wav *= t >= onset
    return (0.3 * wav / np.abs(wav).max()).astype(np.float32)


def log_mel(wav):
    return mel(torch.from_numpy(wav), SPEC).numpy()


def test_frame_f0_follows_the_mel_frames():
    wav = vowel()
    f0 = frame_f0(wav, SPEC)
    assert f0.shape == (len(wav) // SPEC.hop_length,) == (len(log_mel(wav)),)
    voiced = f0 > 0
    onset_frame = int(0.3 * SPEC.sample_rate / SPEC.hop_length)
    assert not voiced[: onset_frame - 2].any() and voiced[onset_frame + 3 : -3].all()
    assert np.median(f0[voiced]) == pytest.approx(150.0, rel=0.01)


def test_copy_synthesis_of_a_vowel_keeps_its_f0_within_2_percent():
    wav = vowel()
    features, f0 = log_mel(wav), frame_f0(wav, SPEC)
    out = WorldVocoder(SPEC)([Utterance("a", mel=features, f0=f0)])[0]
    assert out.dtype == np.float32 and out.shape == (len(features) * SPEC.hop_length,)
    assert WorldVocoder(SPEC).sample_rate == SPEC.sample_rate
    again = frame_f0(out, SPEC)
    both = (again > 0) & (f0 > 0)
    assert both.sum() > 0.8 * (f0 > 0).sum()
    assert np.median(np.abs(again[both] / f0[both] - 1)) < 0.02
    # the level and the timing follow the input
    loud = features.max(axis=1) > np.median(features.max(axis=1))
    assert abs(log_mel(out)[loud].mean() - features[loud].mean()) < 0.5
    onset = np.flatnonzero(np.abs(out) > 0.1 * np.abs(out).max())[0] / SPEC.sample_rate
    assert onset == pytest.approx(0.3, abs=2 * SPEC.hop_length / SPEC.sample_rate)


def test_f0_drives_the_pitch():
    features = log_mel(vowel())
    f0 = np.where(features.max(axis=1) > -4, 200.0, 0.0).astype(np.float32)  # an imposed contour
    out = WorldVocoder(SPEC).synthesize(features, f0)
    again = frame_f0(out, SPEC)
    assert np.median(again[again > 0]) == pytest.approx(200.0, rel=0.02)


def test_contract_and_bad_input(tmp_path):
    assert load_vocoder_class("world") is WorldVocoder
    vocoder = WorldVocoder(SPEC)
    assert vocoder.needs == ("mel", "f0")
    with pytest.raises(TTSError, match="needs f0"):
        vocoder([Utterance("x", mel=np.zeros((10, 80), np.float32))])
    with pytest.raises(TTSError, match=r"expected \[10\]"):
        vocoder.synthesize(np.zeros((10, 80)), np.zeros(9))
    (tmp_path / "world.json").write_text('{"spec": {"hop_length": 200}, "smoothing_hz": 100}')
    loaded = WorldVocoder.load(tmp_path)
    assert loaded.spec.hop_length == 200 and loaded.smoothing_hz == 100


def test_analysis_synthesis_reference_keeps_length_and_pitch():
    wav = vowel()
    out = WorldVocoder(SPEC).analysis_synthesis(wav)
    assert out.dtype == np.float32 and out.shape == (len(wav) // SPEC.hop_length * SPEC.hop_length,)
    f0 = frame_f0(out, SPEC)
    assert np.median(f0[f0 > 0]) == pytest.approx(150.0, rel=0.02)
