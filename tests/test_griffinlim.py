"""Griffin-Lim vocoder: copy-synthesis keeps the spectrum, the pitch and the timing."""

import librosa
import numpy as np
import pytest
import torch

from tts.checkpoint import save_weights
from tts.errors import TTSError
from tts.features import FeatureSpec
from tts.mel import mel
from tts.registry import load_vocoder_class
from tts.utterance import Utterance
from vocoders.griffinlim.vocoder import GriffinLimVocoder

SPEC = FeatureSpec()


def harmonic_burst(f0=200.0, seconds=1.0, onset=0.5):
    """Silence, then a 5-harmonic tone from `onset` on."""
    t = np.arange(int(seconds * SPEC.sample_rate)) / SPEC.sample_rate
    wav = sum(0.3 / k * np.sin(2 * np.pi * k * f0 * t) for k in range(1, 6))
    return (wav * (t >= onset)).astype(np.float32)


def log_mel(wav):
    return mel(torch.from_numpy(wav), SPEC).numpy()


def test_copy_synthesis_keeps_spectrum_pitch_and_timing():
    wav = harmonic_burst()
    features = log_mel(wav)
    out = GriffinLimVocoder(SPEC, iterations=32)([Utterance("x", mel=features)])[0]
    assert out.dtype == np.float32 and out.shape == (len(features) * SPEC.hop_length,)
    assert GriffinLimVocoder(FeatureSpec(sample_rate=16000, fmax=7000.0)).sample_rate == 16000
    # the spectrum comes back where there is energy (elsewhere both sides are near the floor)
    again = log_mel(out)
    loud = features > np.log(1e-2)
    assert np.abs(again[loud] - features[loud]).mean() < 0.6  # 0.46 measured; random phase gives more (below)
    # the pitch comes back (YIN over the voiced half)
    f0 = librosa.yin(out[len(out) // 2 + 2048 :], fmin=80, fmax=400, sr=SPEC.sample_rate)
    assert np.median(f0) == pytest.approx(200.0, rel=0.02)
    # the timing comes back: the onset lands within one hop of 0.5 s
    envelope = np.abs(out) > 0.1 * np.abs(out).max()
    onset = np.flatnonzero(envelope)[0] / SPEC.sample_rate
    assert onset == pytest.approx(0.5, abs=SPEC.hop_length / SPEC.sample_rate)


def test_streamed_blocks_fit_as_well_as_the_whole_and_keep_the_pitch():
    wav = harmonic_burst(f0=180.0, seconds=1.2, onset=0.2)
    features = log_mel(wav)
    vocoder = GriffinLimVocoder(SPEC)
    blocks = list(vocoder.stream(Utterance("x", mel=features), chunk_frames=16))
    streamed = np.concatenate(blocks)
    assert len(blocks) == -(-len(features) // 16) and streamed.shape == (len(features) * SPEC.hop_length,)
    whole = vocoder.invert(features)
    loud = features > np.log(1e-2)
    streamed_error = np.abs(log_mel(streamed)[loud] - features[loud]).mean()
    assert streamed_error < 1.2 * np.abs(log_mel(whole)[loud] - features[loud]).mean()
    # held-fixed history: no phase jump where blocks meet, so the pitch runs on
    f0 = librosa.yin(streamed[int(0.3 * SPEC.sample_rate) :], fmin=80, fmax=400, sr=SPEC.sample_rate)
    assert np.median(f0) == pytest.approx(180.0, rel=0.02) and np.percentile(np.abs(f0 - 180.0), 90) < 5.0


def test_more_iterations_fit_better():
    features = log_mel(harmonic_burst())
    errors = []
    for iterations in (2, 32):
        out = GriffinLimVocoder(SPEC, iterations=iterations, seed=1).invert(features)
        errors.append(np.abs(log_mel(out) - features).mean())
    assert errors[1] < errors[0]


def test_settings_round_trip_checkpoint_spec_and_registration(tmp_path):
    vocoder = GriffinLimVocoder(FeatureSpec(hop_length=200), iterations=8, momentum=0.9, seed=3)
    vocoder.save(tmp_path / "griffinlim.json")
    loaded = GriffinLimVocoder.load(tmp_path)
    assert (loaded.spec, loaded.iterations, loaded.momentum, loaded.seed) == (FeatureSpec(hop_length=200), 8, 0.9, 3)
    save_weights(tmp_path / "m.safetensors", {"w": torch.zeros(1)}, kind="acoustic", config={}, spec=FeatureSpec(n_mels=64))
    assert GriffinLimVocoder.load(tmp_path / "m.safetensors").spec.n_mels == 64
    assert load_vocoder_class("griffinlim") is GriffinLimVocoder
    with pytest.raises(TTSError, match="no such Griffin-Lim settings"):
        GriffinLimVocoder.load(tmp_path / "missing.json")


def test_bad_input_is_a_clear_error():
    vocoder = GriffinLimVocoder(SPEC)
    with pytest.raises(TTSError, match=r"log-mel \[frames, 80\]"):
        vocoder.invert(np.zeros((10, 64)))
    with pytest.raises(TTSError, match="needs mel"):
        vocoder([Utterance("no mel yet")])
    with pytest.raises(TTSError, match="momentum"):
        GriffinLimVocoder(SPEC, momentum=1.5)
