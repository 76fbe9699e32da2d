"""The duration model: shapes, masking, speed, speakers, save/load, the split and a training run."""

import numpy as np
import pytest
import torch

from frontends.aligner.layers import ConvStackConfig
from frontends.duration.data import DurationDataset, collate
from frontends.duration.model import DurationConfig, DurationModel, frames_from_log_durations
from frontends.duration.task import DurationRunConfig, train_duration
from frontends.inventory import english_inventory
from tts.corpora.holdout import holdout_split
from tts.durations import DurationRecord, write_durations
from tts.errors import SpecMismatchError, UsageError
from tts.features import FeatureSpec
from tts.training import TrainConfig

INVENTORY = english_inventory()
SPEAKERS = ("p1", "p2", "p3")


def tiny_config():
    return DurationConfig(
        symbols=INVENTORY.symbols,
        inventory_version=INVENTORY.version,
        speakers=SPEAKERS,
        embedding_dim=16,
        speaker_dim=8,
        encoder=ConvStackConfig(channels=24, kernel_size=3, layers=2, dropout=0.0),
    )


@pytest.fixture
def model():
    torch.manual_seed(0)
    return DurationModel(tiny_config()).eval()


def test_output_shape_and_padding(model):
    ids = torch.randint(1, len(INVENTORY), (3, 11))
    lengths = torch.tensor([11, 7, 4])
    out = model(ids, lengths, torch.tensor([0, 1, 2]))
    assert out.shape == (3, 11)
    assert (out[1, 7:] == 0).all() and (out[2, 4:] == 0).all()


def test_padding_does_not_change_the_prediction(model):
    ids = torch.randint(1, len(INVENTORY), (2, 15))
    alone = model(ids[1:, :6], torch.tensor([6]), torch.tensor([1]))
    batched = model(ids, torch.tensor([15, 6]), torch.tensor([0, 1]))
    torch.testing.assert_close(batched[1, :6], alone[0], atol=1e-5, rtol=1e-5)


def test_speaker_embedding_changes_the_output(model):
    ids = torch.randint(1, len(INVENTORY), (1, 9))
    lengths = torch.tensor([9])
    first, second = model(ids, lengths, torch.tensor([0])), model(ids, lengths, torch.tensor([2]))
    assert (first - second).abs().max() > 1e-3


def test_speed_scales_the_total_length():
    rng = np.random.default_rng(0)
    log_durations = np.log1p(rng.uniform(3, 12, size=40))
    normal = frames_from_log_durations(log_durations)
    fast = frames_from_log_durations(log_durations, speed=2.0)
    slow = frames_from_log_durations(log_durations, speed=0.5)
    assert (normal >= 1).all() and (fast >= 1).all()
    assert abs(normal.sum() - np.expm1(log_durations).sum()) <= 0.5
    assert fast.sum() == pytest.approx(normal.sum() / 2, rel=0.03)
    assert slow.sum() == pytest.approx(normal.sum() * 2, rel=0.03)
    with pytest.raises(UsageError, match="speed"):
        frames_from_log_durations(log_durations, speed=0)


def test_predict_takes_speaker_names_indices_or_mixes(model):
    ids = INVENTORY.ids(("h", "ə", "l", "ˈoʊ"))[0]
    by_name = model.predict(ids, "p2")
    assert by_name.tolist() == model.predict(ids, 1).tolist() == model.predict(ids, {"p2": 0.3, 1: 0.2}).tolist()
    assert by_name.dtype == np.int64 and len(by_name) == 4 and (by_name >= 1).all()
    with pytest.raises(UsageError, match=r"unknown speaker 'p9'; valid speakers: 0 \(p1\), 1 \(p2\), 2 \(p3\)"):
        model.predict(ids, "p9")
    with pytest.raises(UsageError, match="unknown speaker 3"):
        model.predict(ids, 3)


def synthetic_records(n_per_speaker, seed=0):
    """Utterances whose durations depend on the phoneme and the speaker's tempo."""
    rng = np.random.default_rng(seed)
    phonemes = ("h", "ə", "l", "ˈoʊ", "w", "ˈɜː", "d", "s", "ˈæ", "t")
    base = dict(zip(phonemes, rng.uniform(2, 10, size=len(phonemes))))
    records = []
    for speaker_index, speaker in enumerate(SPEAKERS):
        tempo = 0.7 + 0.3 * speaker_index
        for n in range(n_per_speaker):
            chosen = tuple(rng.choice(phonemes, size=int(rng.integers(5, 15))))
            durations = np.maximum(1, np.round([base[p] * tempo for p in chosen])).astype(np.int64)
            records.append(
                DurationRecord(
                    f"{speaker}_{n:03d}", speaker, ("w",), chosen, durations, np.zeros(len(chosen), np.int64)
                )
            )
    return records


def test_holdout_split_is_deterministic_and_per_speaker():
    records = synthetic_records(20)
    train, held_out = holdout_split(records, 0.1)
    assert len(held_out) == 6 and len(train) == 54
    assert sorted(r.speaker for r in held_out) == ["p1", "p1", "p2", "p2", "p3", "p3"]
    assert sorted(r.id for r in holdout_split(list(reversed(records)), 0.1)[1]) == sorted(r.id for r in held_out)


def test_collate_pads_and_masks():
    dataset = DurationDataset(synthetic_records(2), INVENTORY, SPEAKERS)
    batch = collate([dataset[0], dataset[3]])
    assert batch["ids"].shape == batch["durations"].shape
    for row, index in enumerate((0, 3)):
        n = len(dataset[index]["ids"])
        assert batch["lengths"][row] == n and (batch["durations"][row, n:] == 0).all()


def test_training_round_trip_and_spec_check(tmp_path):
    spec = FeatureSpec()
    path = write_durations(tmp_path / "m.durations.jsonl", synthetic_records(20), spec=spec, inventory=INVENTORY.version)
    train_config = TrainConfig(out_dir=str(tmp_path / "run"), max_steps=60, batch_size=12, lr=3e-3,
                               checkpoint_every=100, log_every=10, progress_bar=False)
    run = DurationRunConfig(model=tiny_config(), holdout_fraction=0.1, train=train_config)
    weights, report = train_duration(path, run)
    assert report["utterances"] == 6
    assert report["within_10_percent"] >= 0.5  # tempo and phoneme identity are easy to learn
    model = DurationModel.load(weights, spec=spec)
    assert model.config == run.model and model.spec == spec
    with pytest.raises(SpecMismatchError, match="hop_length"):
        DurationModel.load(weights, spec=FeatureSpec(hop_length=128))
    ids = INVENTORY.ids(("s", "ˈæ", "t"))[0]
    slow, fast = model.predict(ids, "p3"), model.predict(ids, "p1")
    assert slow.sum() > fast.sum()  # the slow speaker's durations are longer


def test_only_rank_zero_writes_anything(tmp_path, monkeypatch):
    # a second torchrun process (RANK=1) trains but leaves every file to rank 0
    monkeypatch.setenv("RANK", "1")
    path = write_durations(tmp_path / "m.durations.jsonl", synthetic_records(5), spec=FeatureSpec(), inventory=INVENTORY.version)
    train_config = TrainConfig(out_dir=str(tmp_path / "run"), max_steps=3, batch_size=4, checkpoint_every=1,
                               progress_bar=False)
    assert train_duration(path, DurationRunConfig(model=tiny_config(), train=train_config)) == (None, None)
    assert [p for p in (tmp_path / "run").rglob("*") if p.is_file()] == []
