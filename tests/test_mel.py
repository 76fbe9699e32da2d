import librosa
import numpy as np
import pytest
import torch

from tts.errors import AudioFormatError
from tts.features import FeatureSpec
from tts.mel import MelSpectrogram, mel, mel_filterbank, mel_numpy, padding

SPECS = [
    FeatureSpec(),
    FeatureSpec(sample_rate=16000, n_fft=512, hop_length=128, win_length=512, n_mels=64, fmax=8000.0),
    FeatureSpec(sample_rate=24000, n_fft=2048, hop_length=300, win_length=1200, n_mels=100, fmax=12000.0),
    FeatureSpec(n_fft=1024, hop_length=255, win_length=1000, log_base="10"),  # odd padding, log10
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"hop{s.hop_length}")
@pytest.mark.parametrize("seconds", [0.25, 1.0])
def test_torch_matches_numpy_reference(spec, seconds, rng):
    wav = (0.2 * rng.standard_normal(int(seconds * spec.sample_rate))).astype(np.float32)
    reference = mel_numpy(wav, spec)
    batched = mel(torch.from_numpy(np.stack([wav, wav[::-1].copy()])), spec).numpy()
    assert batched.shape == (2, len(wav) // spec.hop_length, spec.n_mels)
    assert np.max(np.abs(batched[0] - reference)) < 1e-5
    assert np.max(np.abs(batched[1] - mel_numpy(wav[::-1].copy(), spec))) < 1e-5


@pytest.mark.parametrize("hop", [64, 100, 128, 256, 333, 512])
@pytest.mark.parametrize("extra", [0, 1, 17])
@pytest.mark.parametrize("hops", [1, 2, 3, 7, 40])
def test_one_frame_per_full_hop(hop, extra, hops, rng):
    spec = FeatureSpec(n_fft=1024, hop_length=hop, win_length=1024)
    n = hops * hop + extra
    wav = rng.uniform(-0.5, 0.5, n).astype(np.float32)
    out = MelSpectrogram(spec)(torch.from_numpy(wav))
    assert spec.n_frames(n) == hops and out.shape == (hops, spec.n_mels)
    assert mel_numpy(wav, spec).shape == (hops, spec.n_mels)


def test_matches_librosa_stft_on_the_same_padding(rng):
    spec = FeatureSpec()
    wav = (0.3 * rng.standard_normal(spec.sample_rate)).astype(np.float32)
    left, right = padding(spec)
    padded = np.pad(wav, (left, right), mode="reflect")
    magnitude = np.abs(librosa.stft(padded, n_fft=spec.n_fft, hop_length=spec.hop_length, center=False))
    expected = np.log(np.maximum(mel_filterbank(spec) @ magnitude, spec.log_floor)).T
    assert np.max(np.abs(mel(torch.from_numpy(wav), spec).numpy() - expected)) < 1e-3


def test_silence_hits_the_floor_and_a_tone_peaks_in_its_band():
    spec = FeatureSpec()
    silence = mel(torch.zeros(4096), spec)
    assert torch.allclose(silence, torch.full_like(silence, np.log(spec.log_floor)), atol=1e-3)
    t = torch.arange(spec.sample_rate) / spec.sample_rate
    out = mel(torch.sin(2 * np.pi * 1000.0 * t), spec)
    centres = librosa.mel_frequencies(n_mels=spec.n_mels + 2, fmin=spec.fmin, fmax=spec.fmax)[1:-1]
    assert abs(centres[int(out[10].argmax())] - 1000.0) < 60.0


def test_too_short_and_wrong_rank_are_clear_errors():
    with pytest.raises(AudioFormatError, match="shorter than one hop"):
        mel(torch.zeros(100))
    with pytest.raises(AudioFormatError, match="expects \\[samples\\] or \\[batch, samples\\]"):
        mel(torch.zeros(2, 2, 1000))
    with pytest.raises(AudioFormatError, match="mono"):
        mel_numpy(np.zeros((2, 1000)))
