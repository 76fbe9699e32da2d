"""The stage skeleton (tts.training.stage) and the held-out file: every stage's run folder holds its
weights, its config as trained and held_out.json in the one format, whose ids are the shared split."""

import dataclasses
import json
from types import SimpleNamespace

import pytest
import yaml

from frontends.aligner.data import AlignerDataConfig
from frontends.aligner.layers import ConvStackConfig
from frontends.aligner.model import AlignerConfig
from frontends.aligner.task import AlignerRunConfig, train_aligner
from frontends.aligner.transcribe import Transcriber
from frontends.duration.model import DurationConfig
from frontends.duration.task import DurationRunConfig, train_duration
from frontends.g2p import G2P
from frontends.inventory import english_inventory
from training_fixtures import TinyConfig, TinyTask
from tts.acoustic.config import AcousticConfig, PostnetConfig, TransformerConfig, VarianceConfig
from tts.acoustic.data import AcousticDataConfig
from tts.acoustic.task import AcousticRunConfig, train_acoustic
from tts.checkpoint import load_weights
from tts.config import load_config
from tts.corpora.holdout import holdout_split, read_held_out_ids
from tts.corpora.manifest import read_manifest
from tts.durations import default_durations_path
from tts.errors import TTSError
from tts.training import TrainConfig
from tts.training.stage import StageResult, run_stage
from vocoders.wavenet.config import ConditioningConfig, OutputConfig, StackConfig, WaveNetConfig
from vocoders.wavenet.data import WaveNetDataConfig
from vocoders.wavenet.task import WaveNetRunConfig, train_wavenet
from voice_fixtures import SPEC, make_aligned_corpus

SPEAKERS = ("p225", "p226")
INVENTORY = english_inventory()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """10 utterances of each speaker: the shared 10 % holds out the last of each."""
    return make_aligned_corpus(tmp_path_factory.mktemp("stage"), SPEAKERS, 10)


def tiny_train(out_dir):
    return TrainConfig(out_dir=str(out_dir), max_steps=2, batch_size=4, checkpoint_every=2, log_every=1,
                       progress_bar=False, amp="off", device="cpu")


def run_aligner(corpus, out_dir):
    stack = ConvStackConfig(channels=8, kernel_size=1, layers=1, dropout=0.0)
    model = AlignerConfig(attention_dim=8, text_encoder=stack, mel_encoder=stack, speaker_dim=4, mel_deltas=1)
    run = AlignerRunConfig(model=model, data=AlignerDataConfig(spec=SPEC), train=tiny_train(out_dir))
    return run, train_aligner(corpus, run, Transcriber(G2P()), progress=False), {}


def run_duration(corpus, out_dir):
    model = DurationConfig(embedding_dim=8, speaker_dim=4,
                           encoder=ConvStackConfig(channels=8, kernel_size=3, layers=1, dropout=0.0))
    run = DurationRunConfig(model=model, train=tiny_train(out_dir))
    weights, report = train_duration(default_durations_path(corpus), run, progress=False)
    return run, weights, report


def run_acoustic(corpus, out_dir):
    block = {"layers": 1, "hidden": 8, "heads": 2, "ffn_kernel": 3, "ffn_channels": 8, "dropout": 0.0}
    model = AcousticConfig(
        speaker_dim=4, encoder=TransformerConfig(**block), decoder=TransformerConfig(**block),
        variance=VarianceConfig(channels=8, kernel=3, layers=1, dropout=0.0), postnet=PostnetConfig(layers=0),
    )
    run = AcousticRunConfig(model=model, data=AcousticDataConfig(), train=tiny_train(out_dir))
    weights, report = train_acoustic(corpus, default_durations_path(corpus), run, symbols=INVENTORY.symbols,
                                     inventory_version=INVENTORY.version, progress=False)
    return run, weights, report


def run_wavenet(corpus, out_dir):
    model = WaveNetConfig(
        stack=StackConfig(layers=2, cycle=2, residual_channels=4, gate_channels=8, skip_channels=4),
        output=OutputConfig(kind="mulaw", mulaw_channels=32),
        conditioning=ConditioningConfig(upsample_scales=(8, 8), speaker_dim=4),
    )
    run = WaveNetRunConfig(model=model, data=WaveNetDataConfig(spec=SPEC, segment_frames=4), train=tiny_train(out_dir))
    return run, train_wavenet(corpus, run, progress=False), {}


STAGES = {"aligner": run_aligner, "duration": run_duration, "acoustic": run_acoustic, "wavenet": run_wavenet}


@pytest.mark.parametrize("kind", STAGES)
def test_every_stage_leaves_the_same_run_folder(corpus, tmp_path, kind):
    out_dir = tmp_path / kind
    run, weights, report = STAGES[kind](corpus, out_dir)
    assert weights == out_dir / f"{kind}.safetensors" and weights.is_file()

    # the dumped config carries the model config as trained, what came from the data included,
    # and is a config `tts train --config` takes back
    dumped = yaml.safe_load((out_dir / f"{kind}.yaml").read_text())
    assert dumped["model"] == load_weights(weights, kind=kind).config
    model = dumped["model"]["conditioning"] if kind == "wavenet" else dumped["model"]
    assert model["speakers"] == list(SPEAKERS)
    if kind != "duration":
        assert model["n_mels"] == SPEC.n_mels
    assert load_config(type(run), out_dir / f"{kind}.yaml").train == run.train

    # one held-out format; the ids are the shared split (nothing for the aligner, which aligns all)
    expected = [] if kind == "aligner" else sorted(e.id for e in holdout_split(read_manifest(corpus), 0.1)[1])
    assert kind == "aligner" or expected == ["p225_009", "p226_009"]
    assert json.loads((out_dir / "held_out.json").read_text()) == {"ids": expected, "report": report}
    assert read_held_out_ids(out_dir / "held_out.json") == expected
    if kind in ("duration", "acoustic"):
        assert report["utterances"] == 2


@dataclasses.dataclass
class TinyRun:
    model: TinyConfig
    train: TrainConfig


def test_run_stage_prints_skipped_and_the_model_then_writes_the_report(tmp_path, capsys):
    task = TinyTask()
    run = TinyRun(model=TinyConfig(hidden=3), train=tiny_train(tmp_path / "run"))
    held_out = [SimpleNamespace(id="b"), SimpleNamespace(id="a")]
    result = run_stage(run, task, held_out=held_out, skipped={"z": "too short", "y": "no audio"},
                       report=lambda weights, held: {"weights": weights.name, "held": len(held)})
    assert result == StageResult(tmp_path / "run" / "tiny.safetensors", {"weights": "tiny.safetensors", "held": 2})
    assert json.loads((tmp_path / "run" / "held_out.json").read_text()) == {"ids": ["a", "b"], "report": result.report}
    assert yaml.safe_load((tmp_path / "run" / "tiny.yaml").read_text())["model"]["hidden"] == 16  # the task's
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["skipped y: no audio", "skipped z: too short", "tiny model: 114 parameters, 48 training items"]

    run_stage(dataclasses.replace(run, train=tiny_train(tmp_path / "quiet")), task, skipped={"z": "too short"},
              progress=False)
    assert capsys.readouterr().out.splitlines() == ["skipped z: too short"]  # skipped is a result, not progress


def test_other_ranks_train_but_write_and_print_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RANK", "1")
    run = TinyRun(model=TinyConfig(), train=tiny_train(tmp_path / "run"))
    result = run_stage(run, TinyTask(), held_out=[SimpleNamespace(id="a")], skipped={"z": "too short"})
    assert result == StageResult(None, None)
    assert [p for p in (tmp_path / "run").rglob("*") if p.is_file()] == [] and capsys.readouterr().out == ""


def test_the_reader_takes_the_run_format_and_a_bare_list_and_names_a_bad_file(tmp_path):
    run_file, old_file = tmp_path / "run.json", tmp_path / "old.json"
    run_file.write_text(json.dumps({"ids": ["p225_009", "p226_009"], "report": {"utterances": 2}}))
    old_file.write_text(json.dumps(["p225_010", "p225_020"]))  # what WaveNet runs wrote before
    assert read_held_out_ids(run_file) == ["p225_009", "p226_009"]
    assert read_held_out_ids(old_file) == ["p225_010", "p225_020"]
    for name, text in [("report.json", '{"utterances": 2, "mel_l1": 0.5}'), ("numbers.json", "[1, 2]"),
                       ("broken.json", '["p225_'), ("ids.json", '{"ids": "p225_009"}')]:
        (tmp_path / name).write_text(text)
        with pytest.raises(TTSError) as error:
            read_held_out_ids(tmp_path / name)
        assert str(error.value).startswith(f"{tmp_path / name}: ") and "\n" not in str(error.value)
    with pytest.raises(TTSError, match="missing.json: cannot read"):
        read_held_out_ids(tmp_path / "missing.json")
