"""Acoustic model training: phoneme targets, length bucketing with exact resume, a tiny run, the CLI."""

import argparse
import dataclasses
import json
import math

import numpy as np
import pytest
import soundfile
import torch

from frontends.inventory import english_inventory
from tts.acoustic.config import AcousticConfig, PostnetConfig, TransformerConfig, VarianceConfig
from tts.acoustic.data import (
    AcousticDataset,
    FeatureStats,
    collate,
    frame_log_energy,
    phoneme_energy,
    phoneme_pitch,
)
from tts.acoustic.model import AcousticModel
from tts.acoustic.task import AcousticRunConfig, AcousticTask, train_acoustic
from tts.cli.train import acoustic as cli
from tts.corpora.manifest import ManifestEntry, write_manifest
from tts.durations import DurationRecord, default_durations_path, write_durations
from tts.errors import SpecMismatchError
from tts.features import FeatureSpec
from tts.training import TrainConfig
from tts.training.sampler import ResumableBatchSampler

INVENTORY = english_inventory()
PHONEMES = INVENTORY.symbols[3:9]
SPEC = FeatureSpec(sample_rate=8000, n_fft=128, hop_length=32, win_length=128, n_mels=8, fmax=4000.0)


# --- phoneme targets -------------------------------------------------------------------------

def test_phoneme_pitch_is_the_mean_log_f0_of_voiced_frames():
    f0 = np.array([0, 100, 100, 400, 0, 0, 150], dtype=np.float32)
    pitch = phoneme_pitch(f0, np.array([2, 2, 2, 1]))
    assert pitch[0] == pytest.approx(math.log(100))
    assert pitch[1] == pytest.approx(math.log(200))  # geometric mean of 100 and 400
    assert np.isnan(pitch[2])  # no voiced frame
    assert pitch[3] == pytest.approx(math.log(150))


@pytest.mark.parametrize("base, to_log", [("e", np.log), ("10", np.log10)])
def test_phoneme_energy_is_the_mean_log_mel_norm(base, to_log):
    spec = FeatureSpec(n_mels=2, log_base=base)
    magnitudes = np.array([[3, 4], [6, 8], [0.3, 0.4]])  # norms 5, 10, 0.5
    energy = frame_log_energy(to_log(magnitudes), spec)
    np.testing.assert_allclose(energy, np.log([5, 10, 0.5]), rtol=1e-5)
    per_phoneme = phoneme_energy(energy, np.array([2, 1]))
    np.testing.assert_allclose(per_phoneme, [np.log(50) / 2, np.log(0.5)], rtol=1e-5)


def test_dataset_normalizes_and_collate_pads(tmp_path):
    from tts.acoustic.data import PreparedUtterance

    utterances = []
    for index, (n, frames) in enumerate([(3, 7), (2, 4)]):
        mel_path, f0_path = tmp_path / f"m{index}.npy", tmp_path / f"f{index}.npy"
        np.save(mel_path, np.full((frames, 5), float(index), np.float32))
        np.save(f0_path, np.full(frames, 100.0, np.float32))
        durations = np.full(n, frames // n, np.int64)
        durations[-1] += frames - durations.sum()
        pitch = np.array([math.log(100)] * (n - 1) + [np.nan], np.float32)
        utterances.append(PreparedUtterance(f"u{index}", "s", np.arange(1, n + 1), durations, mel_path, f0_path,
                                            pitch, np.zeros(n, np.float32)))
    stats = FeatureStats(pitch_mean=math.log(50), pitch_std=2.0, energy_mean=1.0, energy_std=0.5)
    dataset = AcousticDataset(utterances, ["s"], stats)
    assert dataset.lengths == [7, 4]
    item = dataset[0]
    np.testing.assert_allclose(item["pitch"].numpy(), [math.log(2) / 2, math.log(2) / 2, 0.0], rtol=1e-6)
    np.testing.assert_allclose(item["energy"].numpy(), [-2.0, -2.0, -2.0])
    batch = collate([dataset[0], dataset[1]])
    assert batch["mel"].shape == (2, 7, 5) and batch["f0"].shape == (2, 7)
    assert batch["lengths"].tolist() == [3, 2] and batch["frame_lengths"].tolist() == [7, 4]
    assert (batch["mel"][1, 4:] == 0).all() and (batch["f0"][1, 4:] == 0).all() and (batch["ids"][1, 2:] == 0).all()
    assert (batch["durations"].sum(1) == batch["frame_lengths"]).all()


# --- length bucketing ------------------------------------------------------------------------

def take(sampler, n):
    iterator = iter(sampler)
    return [next(iterator) for _ in range(n)]


def test_bucketed_batches_have_similar_lengths_and_cover_each_epoch():
    rng = np.random.default_rng(0)
    lengths = rng.integers(10, 1000, size=203).tolist()
    batch_size, n_batches = 8, 203 // 8
    refs = take(ResumableBatchSampler(203, batch_size, seed=3, rank=0, world_size=1, lengths=lengths,
                                      bucket_batches=100), 2 * n_batches)
    for epoch in (0, 1):
        seen = [i for ref in refs if ref.epoch == epoch for i in ref.indices]
        assert len(seen) == len(set(seen)) == n_batches * batch_size
    spread = np.mean([np.ptp([lengths[i] for i in ref.indices]) for ref in refs])
    plain = take(ResumableBatchSampler(203, batch_size, seed=3, rank=0, world_size=1), 2 * n_batches)
    plain_spread = np.mean([np.ptp([lengths[i] for i in ref.indices]) for ref in plain])
    assert spread < plain_spread / 10  # sorted pools: neighbours in length share a batch
    assert [ref.indices for ref in refs[:n_batches]] != [ref.indices for ref in refs[n_batches:]]  # reshuffled
    # batches come in random order, not shortest first
    means = [np.mean([lengths[i] for i in ref.indices]) for ref in refs[:n_batches]]
    assert means != sorted(means)


def test_bucketed_sampler_resumes_exactly_and_splits_over_ranks():
    lengths = list(np.random.default_rng(1).integers(1, 50, size=40))
    whole = take(ResumableBatchSampler(40, 4, seed=0, rank=0, world_size=1, lengths=lengths, bucket_batches=3), 25)
    for stop in (1, 7, 10, 13):  # mid-epoch and at an epoch boundary (10 batches an epoch)
        position = {"epoch": whole[stop - 1].epoch, "start": whole[stop - 1].start + 4}
        resumed = take(ResumableBatchSampler(40, 4, seed=0, rank=0, world_size=1, lengths=lengths,
                                             bucket_batches=3, **position), 25 - stop)
        assert resumed == whole[stop:]
    ranks = [take(ResumableBatchSampler(40, 4, seed=0, rank=r, world_size=2, lengths=lengths, bucket_batches=3), 25)
             for r in (0, 1)]
    assert [a.indices + b.indices for a, b in zip(*ranks)] == [ref.indices for ref in whole]


# --- a tiny training run ---------------------------------------------------------------------

def voiced_clip(seconds, hz, seed):
    """Faint noise (unvoiced), then a tone at `hz` whose loudness grows."""
    rng = np.random.default_rng(seed)
    silence = int(0.06 * SPEC.sample_rate)
    n = int(seconds * SPEC.sample_rate)
    t = np.arange(n - silence) / SPEC.sample_rate
    tone = np.linspace(0.1, 0.4, len(t)) * np.sin(2 * np.pi * hz * t)
    return np.concatenate([0.003 * rng.standard_normal(silence), tone]).astype(np.float32)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("acoustic_corpus")
    rng = np.random.default_rng(0)
    entries, records = [], []
    for index in range(8):
        speaker = ("a", "b")[index % 2]
        seconds = 0.2 + 0.03 * index
        wav = voiced_clip(seconds, (140.0, 230.0)[index % 2], index)
        path = root / "wavs" / f"u{index}.wav"
        path.parent.mkdir(exist_ok=True)
        soundfile.write(str(path), wav, SPEC.sample_rate, subtype="PCM_16")
        key = f"{speaker}_{index:03d}"
        entries.append(ManifestEntry(key, speaker, "text", path, seconds, SPEC.sample_rate))
        n_frames = SPEC.n_frames(len(wav))
        n = int(rng.integers(4, 8))
        cuts = np.sort(rng.choice(np.arange(1, n_frames), size=n - 1, replace=False))
        durations = np.diff(cuts, prepend=0, append=n_frames)
        phonemes = tuple(rng.choice(PHONEMES, size=n))
        records.append(DurationRecord(key, speaker, ("w",), phonemes, durations, np.zeros(n, np.int64)))
    manifest = root / "m.jsonl"
    write_manifest(manifest, entries)
    write_durations(default_durations_path(manifest), records, spec=SPEC, inventory=INVENTORY.version)
    return manifest


def tiny_model():
    block = dict(layers=1, hidden=16, heads=2, ffn_kernel=3, ffn_channels=24, dropout=0.0)
    return AcousticConfig(
        speaker_dim=4, encoder=TransformerConfig(**block), decoder=TransformerConfig(**block),
        variance=VarianceConfig(channels=8, kernel=3, layers=1, dropout=0.0),
        postnet=PostnetConfig(layers=2, channels=8, kernel=3, dropout=0.0),
    )


def tiny_run(out_dir, steps):
    train = TrainConfig(out_dir=str(out_dir), max_steps=steps, batch_size=2, lr=3e-3, checkpoint_every=4,
                        log_every=2, progress_bar=False, amp="off", device="cpu")
    return AcousticRunConfig(model=tiny_model(), holdout_fraction=0.25, train=train)


def run_training(corpus, out_dir, steps):
    return train_acoustic(corpus, default_durations_path(corpus), tiny_run(out_dir, steps),
                          symbols=INVENTORY.symbols, inventory_version=INVENTORY.version, progress=False)


def test_training_learns_round_trips_and_checks_the_spec(corpus, tmp_path):
    weights, report = run_training(corpus, tmp_path / "run", steps=40)
    assert report["utterances"] == 2 and report["skipped"] == 0 and report["mel_l1"] > 0
    assert json.loads((tmp_path / "run" / "held_out.json").read_text())["report"] == report
    f0_files = sorted(p.name for p in corpus.with_name("m.cache").glob("f0-*/*.npy"))
    assert len(f0_files) == 8
    model = AcousticModel.load(weights, spec=SPEC)
    config = model.config
    assert config.speakers == ("a", "b") and config.n_mels == SPEC.n_mels and config.symbols == INVENTORY.symbols
    assert math.log(140) < config.pitch_mean < math.log(230) and config.pitch_std > 0.05
    with pytest.raises(SpecMismatchError, match="hop_length"):
        AcousticModel.load(weights, spec=dataclasses.replace(SPEC, hop_length=16))

    # the trained model's loss on training batches is far below a fresh model's
    from tts.acoustic.data import AcousticDataConfig, AcousticDataset, feature_stats, prepare_corpus
    from tts.durations import read_durations

    utterances, _ = prepare_corpus(corpus, read_durations(default_durations_path(corpus)), SPEC,
                                   INVENTORY.symbols, AcousticDataConfig(), progress=False)
    stats = feature_stats(utterances, SPEC)
    assert stats.pitch_mean != pytest.approx(config.pitch_mean)  # held-out utterances are not in the stats
    dataset = AcousticDataset(utterances, config.speakers, stats)
    task = AcousticTask(config, dataset, SPEC)
    batch = collate([dataset[i] for i in range(len(dataset))])
    torch.manual_seed(0)
    fresh = AcousticModel(config).eval()
    with torch.no_grad():
        trained_loss, scalars = task.loss(model, batch)
        fresh_loss, fresh_scalars = task.loss(fresh, batch)
    assert trained_loss < 0.6 * fresh_loss
    assert scalars["mel_l1"] < 0.8 * fresh_scalars["mel_l1"]
    mel, f0 = model.synthesize(utterances[0].ids, utterances[0].durations, 0)
    assert mel.shape == (utterances[0].n_frames, SPEC.n_mels) and f0.shape == (utterances[0].n_frames,)


def test_resumed_training_equals_uninterrupted(corpus, tmp_path):
    whole, _ = run_training(corpus, tmp_path / "whole", steps=8)
    run_training(corpus, tmp_path / "split", steps=4)
    split, _ = run_training(corpus, tmp_path / "split", steps=8)
    a, b = AcousticModel.load(whole).state_dict(), AcousticModel.load(split).state_dict()
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key


def test_cli_trains(corpus, tmp_path, capsys):
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    overrides = ["model.encoder.layers=1", "model.encoder.hidden=8", "model.decoder.layers=1",
                 "model.decoder.hidden=8", "model.postnet.layers=0", "train.batch_size=2",
                 "train.progress_bar=false", "train.amp=off", "holdout_fraction=0.25"]
    args = parser.parse_args(["acoustic", "--manifest", str(corpus), "--out", str(tmp_path / "cli"), "--steps", "2",
                              *overrides])
    assert args.func(args) == 0
    assert (tmp_path / "cli" / "acoustic.safetensors").is_file() and (tmp_path / "cli" / "acoustic.yaml").is_file()
    out = capsys.readouterr().out
    assert "wrote" in out and "held-out: mel L1" in out
