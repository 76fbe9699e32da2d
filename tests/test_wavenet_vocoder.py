"""The WaveNet vocoder plugin: registered like a third-party one, loads its weights, renders utterances."""

import numpy as np
import pytest
import torch

from tts.checkpoint import save_weights
from tts.config import config_to_dict
from tts.errors import TTSError
from tts.features import FeatureSpec
from tts.registry import installed_vocoders, load_vocoder_class
from tts.utterance import Utterance
from vocoders.wavenet.config import ConditioningConfig, OutputConfig, StackConfig, WaveNetConfig
from vocoders.wavenet.model import KIND, WaveNet
from vocoders.wavenet.vocoder import WaveNetVocoder

SPEC = FeatureSpec(sample_rate=8000, n_fft=64, hop_length=8, win_length=64, n_mels=5, fmax=4000.0)


def saved_model(path, speakers):
    torch.manual_seed(0)
    config = WaveNetConfig(
        stack=StackConfig(layers=3, cycle=3, residual_channels=8, gate_channels=16, skip_channels=8),
        output=OutputConfig(mixtures=2),
        conditioning=ConditioningConfig(n_mels=5, upsample_scales=(2, 4), speakers=speakers, speaker_dim=4),
    )
    save_weights(path, WaveNet(config).state_dict(), kind=KIND, config=config_to_dict(config), spec=SPEC)
    return path


def test_wavenet_is_a_registered_vocoder():
    assert load_vocoder_class("wavenet") is WaveNetVocoder
    assert installed_vocoders()["wavenet"] is WaveNetVocoder


def test_renders_each_utterance_at_its_length(tmp_path):
    vocoder = WaveNetVocoder.load(saved_model(tmp_path / "w.safetensors", ("a", "b")))
    assert vocoder.needs == ("mel", "speaker") and vocoder.spec == SPEC and vocoder.sample_rate == 8000
    rng = np.random.default_rng(0)
    utterances = [
        Utterance("x", mel=rng.standard_normal((n, 5)).astype(np.float32), speaker=s)
        for n, s in [(6, 0), (9, {0: 0.5, 1: 0.5})]
    ]
    wavs = vocoder(utterances)
    assert [w.shape for w in wavs] == [(48,), (72,)]
    assert all(w.dtype == np.float32 and np.abs(w).max() <= 1 for w in wavs)
    again = vocoder(utterances)  # seeded: the same call gives the same audio
    assert all(np.array_equal(a, b) for a, b in zip(wavs, again))
    streamed = np.concatenate(list(vocoder.stream(utterances[1], chunk_frames=2)))
    assert streamed.shape == (72,)


def test_missing_speaker_is_a_clear_error(tmp_path):
    vocoder = WaveNetVocoder.load(saved_model(tmp_path / "w.safetensors", ("a", "b")))
    with pytest.raises(TTSError, match="needs speaker"):
        vocoder([Utterance("hello", mel=np.zeros((4, 5), np.float32))])


def test_single_speaker_model_needs_only_the_mel(tmp_path):
    vocoder = WaveNetVocoder.load(saved_model(tmp_path / "w.safetensors", ()))
    assert vocoder.needs == ("mel",)
    assert vocoder([Utterance("hello", mel=np.zeros((4, 5), np.float32))])[0].shape == (32,)
