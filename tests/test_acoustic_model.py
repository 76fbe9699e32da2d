"""The acoustic model: shapes, masking, speakers, durations, pitch shift, save/load and losses."""

import math

import numpy as np
import pytest
import torch

from tts.acoustic.config import AcousticConfig, PostnetConfig, TransformerConfig, VarianceConfig
from tts.acoustic.layers import regulate_length
from tts.acoustic.losses import log_f0_mse, masked_mse, mel_l1, voicing_bce
from tts.acoustic.model import KIND, AcousticModel
from tts.checkpoint import save_weights
from tts.errors import SpecMismatchError, TTSError, UsageError
from tts.features import FeatureSpec

SYMBOLS = ("_", " ", ".", "a", "b", "d", "e", "i", "k", "o", "s", "t")
SPEAKERS = ("s1", "s2", "s3")
N_MELS = 12  # deliberately not the spec default: every width must come from the config


def tiny_config(postnet_layers=2):
    return AcousticConfig(
        symbols=SYMBOLS, inventory_version="test-1", speakers=SPEAKERS, n_mels=N_MELS, speaker_dim=8,
        encoder=TransformerConfig(layers=2, hidden=16, heads=2, ffn_kernel=3, ffn_channels=24, dropout=0.0),
        # a different decoder width exercises the bridge between the two
        decoder=TransformerConfig(layers=2, hidden=20, heads=2, ffn_kernel=3, ffn_channels=24, dropout=0.0),
        variance=VarianceConfig(channels=16, kernel=3, layers=2, dropout=0.0, embedding_kernel=3),
        postnet=PostnetConfig(layers=postnet_layers, channels=16, kernel=5, dropout=0.0),
        pitch_mean=math.log(150.0), pitch_std=0.3, energy_mean=-2.0, energy_std=0.8,
    )


@pytest.fixture
def model():
    torch.manual_seed(0)
    return AcousticModel(tiny_config()).eval()


def random_batch(rng, lengths):
    """ids, id_lengths, durations (1..4 frames, 0 on padding) for items of the given phoneme counts."""
    ids = torch.zeros(len(lengths), max(lengths), dtype=torch.int64)
    durations = torch.zeros_like(ids)
    for row, n in enumerate(lengths):
        ids[row, :n] = torch.from_numpy(rng.integers(1, len(SYMBOLS), n))
        durations[row, :n] = torch.from_numpy(rng.integers(1, 5, n))
    return ids, torch.tensor(lengths), durations


def test_output_shapes(model, rng):
    ids, lengths, durations = random_batch(rng, [7, 4, 5])
    out = model(ids, lengths, torch.tensor([0, 1, 2]), durations)
    frames = durations.sum(1)
    assert out.frame_lengths.tolist() == frames.tolist()
    n_frames = int(frames.max())
    assert out.mel.shape == out.postnet_mel.shape == (3, n_frames, N_MELS)
    assert out.pitch.shape == out.energy.shape == (3, 7)
    assert out.log_f0.shape == out.voicing.shape == (3, n_frames)
    for row, n in enumerate(frames.tolist()):
        assert (out.postnet_mel[row, n:] == 0).all() and (out.log_f0[row, n:] == 0).all()
    assert (out.pitch[1, 4:] == 0).all() and (out.energy[2, 5:] == 0).all()
    assert not torch.equal(out.mel, out.postnet_mel)


@pytest.mark.parametrize("teacher_forced", [False, True])
def test_padded_batch_matches_each_item_alone(model, rng, teacher_forced):
    lengths = [9, 3, 6]
    ids, id_lengths, durations = random_batch(rng, lengths)
    speakers = torch.tensor([2, 0, 1])
    pitch = torch.from_numpy(rng.normal(size=ids.shape).astype(np.float32)) if teacher_forced else None
    energy = torch.from_numpy(rng.normal(size=ids.shape).astype(np.float32)) if teacher_forced else None
    batched = model(ids, id_lengths, speakers, durations, pitch, energy)
    for row, n in enumerate(lengths):
        one = slice(row, row + 1)
        alone = model(ids[one, :n], id_lengths[one], speakers[one], durations[one, :n],
                      None if pitch is None else pitch[one, :n], None if energy is None else energy[one, :n])
        frames = int(alone.frame_lengths[0])
        assert int(batched.frame_lengths[row]) == frames
        for name in ("mel", "postnet_mel", "log_f0", "voicing"):
            torch.testing.assert_close(getattr(batched, name)[row, :frames], getattr(alone, name)[0], atol=1e-5, rtol=0)
        for name in ("pitch", "energy"):
            torch.testing.assert_close(getattr(batched, name)[row, :n], getattr(alone, name)[0], atol=1e-5, rtol=0)


def test_speaker_embedding_changes_output_and_one_hot_mix_equals_index(model, rng):
    ids, lengths, durations = random_batch(rng, [6])
    by_index = [model(ids, lengths, torch.tensor([s]), durations).postnet_mel for s in range(3)]
    assert (by_index[0] - by_index[2]).abs().max() > 1e-3
    one_hot = model(ids, lengths, torch.tensor([[0.0, 0.0, 1.0]]), durations).postnet_mel
    torch.testing.assert_close(one_hot, by_index[2], atol=1e-6, rtol=0)
    half = model(ids, lengths, torch.tensor([[0.5, 0.0, 0.5]]), durations).postnet_mel
    assert (half - by_index[0]).abs().max() > 1e-3 and (half - by_index[2]).abs().max() > 1e-3
    mel, _ = model.synthesize(ids[0], durations[0], [1, 0, 1])  # synthesize normalizes the weights
    np.testing.assert_allclose(mel, half[0].detach().numpy(), atol=1e-5)
    with pytest.raises(UsageError, match=r"valid speakers: 0 \(s1\), 1 \(s2\), 2 \(s3\)"):
        model.synthesize(ids[0], durations[0], 3)


def test_length_regulator_repeats_tokens_and_skips_zero_durations():
    hidden = torch.arange(2 * 4 * 3, dtype=torch.float32).view(2, 4, 3)
    durations = torch.tensor([[2, 0, 3, 1], [0, 1, 0, 0]])
    frames, lengths = regulate_length(hidden, durations)
    assert lengths.tolist() == [6, 1] and frames.shape == (2, 6, 3)
    torch.testing.assert_close(frames[0], hidden[0, [0, 0, 2, 2, 2, 3]], atol=0, rtol=0)
    torch.testing.assert_close(frames[1, 0], hidden[1, 1], atol=0, rtol=0)
    assert (frames[1, 1:] == 0).all()


def test_durations_control_the_length(model, rng):
    ids, _, durations = random_batch(rng, [8])
    ids, durations = ids[0].numpy(), durations[0].numpy()
    mel, f0 = model.synthesize(ids, durations, 0)
    doubled, doubled_f0 = model.synthesize(ids, 2 * durations, 0)
    assert mel.shape == (durations.sum(), N_MELS) and f0.shape == (durations.sum(),)
    assert doubled.shape == (2 * durations.sum(), N_MELS) and doubled_f0.shape == (2 * durations.sum(),)
    skipped = durations.copy()
    skipped[[2, 5]] = 0
    assert model.synthesize(ids, skipped, 0)[0].shape == (skipped.sum(), N_MELS)
    with pytest.raises(UsageError, match="durations"):
        model.synthesize(ids, np.zeros_like(durations), 0)


def test_synthesize_batch_matches_synthesize(model, rng):
    ids, lengths, durations = random_batch(rng, [7, 3])
    items = [(ids[row, :n].numpy(), durations[row, :n].numpy()) for row, n in enumerate(lengths.tolist())]
    batch = model.synthesize_batch([i for i, _ in items], [d for _, d in items], [1, [0.2, 0.8, 0.0]])
    for (mel, f0), (item_ids, item_durations), speaker in zip(batch, items, [1, [0.2, 0.8, 0.0]]):
        alone_mel, alone_f0 = model.synthesize(item_ids, item_durations, speaker)
        np.testing.assert_allclose(mel, alone_mel, atol=1e-5)
        np.testing.assert_allclose(f0, alone_f0, rtol=1e-5)
        assert ((f0 == 0) | (f0 > 0)).all() and mel.dtype == np.float32


def test_pitch_shift_scales_f0_by_the_semitone_ratio(model, rng):
    """Asserted exactly on a fresh model, whose contour head starts at zero: frame log-F0 is then
    the embedded phoneme pitch, which the shift moves by semitones * ln 2 / 12. A trained contour
    head also sees the shifted decoder states, so there the ratio holds only approximately."""
    ids, _, durations = random_batch(rng, [10])
    ids, durations = ids[0].numpy(), durations[0].numpy()
    mel, f0 = model.synthesize(ids, durations, 0)
    for semitones in (12.0, -5.0):
        shifted_mel, shifted_f0 = model.synthesize(ids, durations, 0, pitch_shift=semitones)
        both = (f0 > 0) & (shifted_f0 > 0)
        assert both.sum() >= 3
        np.testing.assert_allclose(shifted_f0[both] / f0[both], 2 ** (semitones / 12), rtol=1e-4)
        assert np.abs(shifted_mel - mel).max() > 1e-3  # the mel follows the shifted pitch embedding


def test_energy_scale_changes_the_mel(model, rng):
    ids, _, durations = random_batch(rng, [6])
    louder, _ = model.synthesize(ids[0], durations[0], 0, energy_scale=2.0)
    assert np.abs(louder - model.synthesize(ids[0], durations[0], 0)[0]).max() > 1e-3
    with pytest.raises(UsageError, match="energy_scale"):
        model.synthesize(ids[0], durations[0], 0, energy_scale=0.0)


def test_no_postnet_returns_the_decoder_mel(rng):
    torch.manual_seed(0)
    model = AcousticModel(tiny_config(postnet_layers=0)).eval()
    ids, lengths, durations = random_batch(rng, [5])
    out = model(ids, lengths, torch.tensor([0]), durations)
    assert model.postnet is None and torch.equal(out.mel, out.postnet_mel)


def test_save_load_round_trip_and_spec_check(model, rng, tmp_path):
    spec = FeatureSpec(n_mels=N_MELS)
    path = tmp_path / "acoustic.safetensors"
    save_weights(path, model.state_dict(), kind=KIND, config=model.config, spec=spec)
    loaded = AcousticModel.load(path, spec=spec)
    assert loaded.config == model.config and loaded.spec == spec and not loaded.training
    ids, lengths, durations = random_batch(rng, [7, 4])
    speakers = torch.tensor([0, 2])
    before, after = model(ids, lengths, speakers, durations), loaded(ids, lengths, speakers, durations)
    for name in ("postnet_mel", "log_f0", "voicing", "pitch", "energy"):
        assert torch.equal(getattr(before, name), getattr(after, name))
    with pytest.raises(SpecMismatchError, match="hop_length"):
        AcousticModel.load(path, spec=FeatureSpec(n_mels=N_MELS, hop_length=128))


def test_config_rejects_impossible_shapes():
    with pytest.raises(TTSError, match="heads"):
        TransformerConfig(hidden=30, heads=4)
    with pytest.raises(TTSError, match="odd"):
        VarianceConfig(kernel=4)
    with pytest.raises(TTSError, match="speaker"):
        AcousticModel(AcousticConfig(symbols=SYMBOLS))


def test_losses_are_zero_when_perfect_and_ignore_padding(rng):
    lengths = torch.tensor([5, 3])
    mel = torch.from_numpy(rng.normal(size=(2, 5, N_MELS)).astype(np.float32))
    target_f0 = torch.tensor([[0.0, 120.0, 130.0, 0.0, 140.0], [200.0, 0.0, 210.0, 999.0, 999.0]])
    log_f0 = torch.where(target_f0 > 0, target_f0, 1.0).log()
    logits = torch.where(target_f0 > 0, 50.0, -50.0)
    logits[1, 3:] = -50.0  # padding: wrong on purpose, must not count
    assert mel_l1(mel, mel, lengths) == 0 and masked_mse(mel[..., 0], mel[..., 0], lengths) == 0
    assert log_f0_mse(log_f0, target_f0, lengths) == 0 and voicing_bce(logits, target_f0, lengths) < 1e-6

    noisy = mel.clone()
    noisy[1, 3:] += 10.0  # padding only
    assert mel_l1(noisy, mel, lengths) == 0
    noisy[0, 2, 1] += 1.0
    assert mel_l1(noisy, mel, lengths) == pytest.approx(1.0 / (8 * N_MELS), rel=1e-5)
    assert masked_mse(noisy[..., 1], mel[..., 1], lengths) == pytest.approx(1.0 / 8, rel=1e-5)
    assert log_f0_mse(log_f0 + 0.1, target_f0, lengths) == pytest.approx(0.01, rel=1e-5)
    assert voicing_bce(-logits, target_f0, lengths) > 1.0
