"""WaveNet training: segments, the Task on the shared loop, exact resume, export and the CLI."""

import dataclasses
import json

import numpy as np
import pytest
import torch

from corpus_fixtures import write_tone
from tts.cli.main import main
from tts.corpora.manifest import ManifestEntry, write_manifest
from tts.errors import SpecMismatchError
from tts.feature_cache import load_cached_audio
from tts.features import FeatureSpec
from tts.training import TrainConfig
from vocoders.wavenet.config import ConditioningConfig, OutputConfig, StackConfig, WaveNetConfig
from vocoders.wavenet.data import SegmentDataset, WaveNetDataConfig, prepare_corpus
from vocoders.wavenet.model import WaveNet
from vocoders.wavenet.task import WaveNetRunConfig, train_wavenet
from vocoders.wavenet.upsample import upsample_context

SPEC = FeatureSpec(sample_rate=8000, n_fft=64, hop_length=8, win_length=64, n_mels=5, fmax=4000.0)
SEGMENT = 6


@pytest.fixture
def manifest(tmp_path):
    entries = []
    for index, (speaker, seconds) in enumerate([("a", 0.2), ("a", 0.15), ("b", 0.25), ("b", 0.003)]):
        path = write_tone(tmp_path / "wavs" / f"u{index}.wav", seconds, 8000, seed=index)
        entries.append(ManifestEntry(f"u{index}", speaker, "text", path, seconds, 8000))
    path = tmp_path / "m.jsonl"
    write_manifest(path, entries)
    return path


def tiny_run(out_dir, output="mol", steps=8):
    model = WaveNetConfig(
        stack=StackConfig(layers=3, cycle=3, residual_channels=8, gate_channels=16, skip_channels=8),
        output=OutputConfig(kind=output, mulaw_channels=64, mixtures=2),
        conditioning=ConditioningConfig(upsample_scales=(2, 4), speaker_dim=4),
    )
    train = TrainConfig(
        out_dir=str(out_dir), max_steps=steps, batch_size=3, lr=3e-3, checkpoint_every=4, log_every=2,
        progress_bar=False, amp="off",
    )
    return WaveNetRunConfig(model=model, data=WaveNetDataConfig(spec=SPEC, segment_frames=SEGMENT), train=train)


def test_segments_are_shifted_waveforms_with_their_mel_and_context(manifest):
    utterances, skipped = prepare_corpus(manifest, WaveNetDataConfig(spec=SPEC, segment_frames=SEGMENT), progress=False)
    assert list(skipped) == ["u3"] and "shorter than one segment" in skipped["u3"]
    context = upsample_context((2, 4))
    dataset = SegmentDataset(utterances, ["a", "b"], segment_frames=SEGMENT, context=context, hop_length=8)
    torch.manual_seed(0)
    seen_starts = set()
    for _ in range(40):
        item = dataset[2]
        utterance = utterances[2]
        wav = load_cached_audio(utterance.wav_path)
        mel = np.load(utterance.mel_path)
        target = item["target"].numpy()
        start = next(s for s in range(utterance.n_frames - SEGMENT + 1) if np.array_equal(wav[s * 8 : (s + SEGMENT) * 8], target))
        seen_starts.add(start)
        assert item["history"].tolist() == [wav[start * 8 - 1] if start else 0.0]
        span, mask = item["mel"].numpy(), item["frame_mask"].numpy()
        assert span.shape == (SEGMENT + 2 * context, 5)
        for row in range(len(span)):
            frame = start - context + row
            inside = 0 <= frame < utterance.n_frames
            assert mask[row] == inside
            assert np.array_equal(span[row], mel[frame] if inside else np.zeros(5, np.float32))
        assert item["speaker"] == 1
    assert len(seen_starts) > 5  # starts are random, edges included
    assert utterance.n_frames == len(wav) // 8 == len(mel)


def test_training_learns_exports_and_checks_the_spec(manifest, tmp_path):
    run = tiny_run(tmp_path / "run", steps=40)
    weights = train_wavenet(manifest, run, progress=False)
    model = WaveNet.load(weights, spec=SPEC)
    assert json.loads((tmp_path / "run" / "held_out.json").read_text())["ids"] == []  # 2 a speaker: none at 10 %
    assert model.config.conditioning.speakers == ("a", "b")
    assert model.config.conditioning.n_mels == 5
    with pytest.raises(SpecMismatchError, match="hop_length"):
        WaveNet.load(weights, spec=dataclasses.replace(SPEC, hop_length=16))
    # the trained model predicts the tone far better than a fresh one
    utterances, _ = prepare_corpus(manifest, run.data, progress=False)
    dataset = SegmentDataset(utterances, ["a", "b"], segment_frames=SEGMENT, context=upsample_context((2, 4)), hop_length=8)
    from vocoders.wavenet.task import WaveNetTask

    task = WaveNetTask(model.config, dataset, SPEC)
    torch.manual_seed(1)
    batch = {key: torch.stack([torch.as_tensor(dataset[i][key]) for i in range(3)]) for key in dataset[0]}
    fresh = WaveNet(model.config)
    with torch.no_grad():
        trained_loss, _ = task.loss(model, batch)
        fresh_loss, _ = task.loss(fresh, batch)
    assert trained_loss < fresh_loss - 1.0


@pytest.mark.parametrize("output", ["mol", "mulaw"])
def test_resumed_training_equals_uninterrupted(manifest, tmp_path, output):
    whole = train_wavenet(manifest, tiny_run(tmp_path / "whole", output, steps=8), progress=False)
    train_wavenet(manifest, tiny_run(tmp_path / "split", output, steps=4), progress=False)
    split = train_wavenet(manifest, tiny_run(tmp_path / "split", output, steps=8), progress=False)
    a, b = WaveNet.load(whole).state_dict(), WaveNet.load(split).state_dict()
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key


def test_cli_trains_and_rejects_a_hop_the_upsampler_cannot_make(manifest, tmp_path, capsys):
    spec_args = [f"data.spec.{k}={v}" for k, v in SPEC.to_dict().items()]
    tiny = ["model.stack.layers=2", "model.stack.residual_channels=4", "model.stack.gate_channels=8",
            "model.stack.skip_channels=4", "model.output.mixtures=2", "data.segment_frames=4",
            "train.batch_size=2", "train.progress_bar=false", "train.amp=off"]
    out = tmp_path / "cli"
    status = main(["train", "wavenet", "--manifest", str(manifest), "--out", str(out), "--steps", "2",
                   *spec_args, *tiny, "model.conditioning.upsample_scales=[2,4]"])
    assert status == 0
    assert (out / "wavenet.safetensors").is_file() and (out / "wavenet.yaml").is_file()
    assert "wrote" in capsys.readouterr().out
    status = main(["train", "wavenet", "--manifest", str(manifest), "--out", str(tmp_path / "bad"), "--steps", "2",
                   *spec_args, *tiny, "model.conditioning.upsample_scales=[4,4]"])
    assert status == 1
    assert "multiply to 16" in capsys.readouterr().err


def test_describe_reports_the_receptive_field():
    from vocoders.wavenet.task import describe

    line = describe(WaveNetConfig(), 22050)
    assert "receptive field 2047 samples (92.8 ms)" in line and "no speakers" in line


def test_a_single_speaker_corpus_trains_without_global_conditioning(tmp_path):
    entries = []
    for index in range(3):
        path = write_tone(tmp_path / f"lj{index}.wav", 0.2, 8000, seed=index)
        entries.append(ManifestEntry(f"LJ{index}", "LJ", "text", path, 0.2, 8000))
    write_manifest(tmp_path / "lj.jsonl", entries)
    weights = train_wavenet(tmp_path / "lj.jsonl", tiny_run(tmp_path / "run", steps=2), progress=False)
    model = WaveNet.load(weights)
    assert model.config.conditioning.speakers == () and model.speaker_embedding is None
