import json
import os
import random
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from training_fixtures import Interrupted, TinyTask, bit_rot, tiny_config
from tts.checkpoint import load_state, load_weights
from tts.errors import CorruptCheckpointError, SpecMismatchError, TTSError
from tts.features import FeatureSpec
from tts.training import TrainConfig, export_weights, train
from tts.training import checkpoints as checkpoints_module
from tts.training.checkpoints import CheckpointDir
from tts.training.schedule import learning_rate

FIXTURES = Path(__file__).with_name("training_fixtures.py")


def final_weights(out_dir, name="weights.safetensors"):
    latest = CheckpointDir(Path(out_dir) / "checkpoints", keep=1).latest()
    return load_weights(latest / name).state_dict


def assert_same_tensors(a, b):
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key


def run_fixture_script(options, *, torchrun=False, timeout=120):
    launcher = [sys.executable]
    if torchrun:
        launcher += [
            "-m",
            "torch.distributed.run",
            "--nproc_per_node",
            "2",
            "--master_port",
            str(free_port()),
        ]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    return subprocess.run(
        [*launcher, str(FIXTURES), json.dumps(options)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """The reference run: 20 steps with dropout, EMA, shuffling and main-process RNG draws."""
    out_dir = tmp_path_factory.mktemp("uninterrupted")
    result = train(TinyTask(), tiny_config(out_dir))
    assert result.step == 20 and result.skipped_steps == 0
    return out_dir


def test_resume_after_interruption_matches_uninterrupted_run_exactly(uninterrupted, tmp_path):
    # Stopped mid-run at step 13: steps 11-12 are lost and redone from the step-10 checkpoint.
    with pytest.raises(Interrupted):
        train(TinyTask(stop_at_call=13), tiny_config(tmp_path))
    assert CheckpointDir(tmp_path / "checkpoints", keep=1).latest().name == "step-00000010"
    result = train(TinyTask(), tiny_config(tmp_path))
    assert result.step == 20
    assert_same_tensors(final_weights(tmp_path), final_weights(uninterrupted))
    assert_same_tensors(
        final_weights(tmp_path, "ema.safetensors"), final_weights(uninterrupted, "ema.safetensors")
    )
    resumed, reference = (
        load_state(Path(d) / "checkpoints/step-00000020/state.pt") for d in (tmp_path, uninterrupted)
    )
    assert resumed["sampler"] == reference["sampler"]
    assert_same_tensors(resumed["optimizer"]["state"][0], reference["optimizer"]["state"][0])


def test_resume_after_sigkill_matches_uninterrupted_run_exactly(uninterrupted, tmp_path):
    killed = run_fixture_script({"out_dir": str(tmp_path), "task": {"kill_at_call": 13}})
    assert killed.returncode == -9, killed.stderr
    train(TinyTask(), tiny_config(tmp_path))
    assert_same_tensors(final_weights(tmp_path), final_weights(uninterrupted))
    assert_same_tensors(
        final_weights(tmp_path, "ema.safetensors"), final_weights(uninterrupted, "ema.safetensors")
    )


def test_kill_during_a_save_leaves_no_staging_behind_after_resume(uninterrupted, tmp_path):
    killed = run_fixture_script({"out_dir": str(tmp_path), "kill_at_save": 3})  # inside the step-15 save
    assert killed.returncode == -9, killed.stderr
    root = tmp_path / "checkpoints"
    assert any(p.name.startswith(".step-00000015.") for p in root.iterdir())
    train(TinyTask(), tiny_config(tmp_path))
    assert sorted(p.name for p in root.iterdir()) == ["latest", "step-00000015", "step-00000020"]
    assert_same_tensors(final_weights(tmp_path), final_weights(uninterrupted))


def test_stale_staging_is_removed_even_when_nothing_is_left_to_train(tmp_path):
    train(TinyTask(), tiny_config(tmp_path, max_steps=10))
    root = tmp_path / "checkpoints"
    (root / ".step-00000015.x1y2z3").mkdir()
    (root / ".step-00000015.x1y2z3" / "weights.safetensors").write_bytes(b"half")
    (root / ".latest.a1b2c3.tmp").write_text("step-000")
    train(TinyTask(), tiny_config(tmp_path, max_steps=10))
    assert sorted(p.name for p in root.iterdir()) == ["latest", "step-00000005", "step-00000010"]


def corrupt_state(step_dir):
    state = step_dir / "state.pt"
    state.write_bytes(random.Random(0).randbytes(state.stat().st_size))


def test_corrupt_latest_state_resumes_from_the_newest_intact_checkpoint(uninterrupted, tmp_path, capsys):
    train(TinyTask(), tiny_config(tmp_path))  # keeps step-00000015 and step-00000020
    corrupt_state(tmp_path / "checkpoints/step-00000020")
    capsys.readouterr()
    assert train(TinyTask(), tiny_config(tmp_path)).step == 20
    assert_same_tensors(final_weights(tmp_path), final_weights(uninterrupted))
    err = capsys.readouterr().err
    [line] = [line for line in err.splitlines() if "step-00000020" in line]
    assert "corrupt" in line and "state.pt" in line and "resuming from step 15" in line
    assert "good" not in err


def test_bit_rot_in_the_latest_weights_is_caught_by_the_checksum(uninterrupted, tmp_path, capsys):
    train(TinyTask(), tiny_config(tmp_path))
    bit_rot(tmp_path / "checkpoints/step-00000020/weights.safetensors", 1.5)  # a finite, wrong number
    capsys.readouterr()
    train(TinyTask(), tiny_config(tmp_path))
    assert_same_tensors(final_weights(tmp_path), final_weights(uninterrupted))
    err = capsys.readouterr().err
    assert "step-00000020" in err and "weights.safetensors" in err and "sha256" in err
    assert "resuming from step 15" in err


def test_nan_weights_without_checksums_are_not_resumed_from(tmp_path, capsys):
    # A run written before checksums: NaN in its newest weights must not be trained on (the guard
    # would then stop the run, calling that very checkpoint the one to go back to).
    train(TinyTask(), tiny_config(tmp_path))
    latest = tmp_path / "checkpoints/step-00000020"
    for step_dir in (latest, tmp_path / "checkpoints/step-00000015"):
        (step_dir / "SHA256SUMS").unlink()
    bit_rot(latest / "weights.safetensors")
    capsys.readouterr()
    result = train(TinyTask(), tiny_config(tmp_path, max_steps=30, max_bad_steps=3))
    assert result.step == 30 and result.skipped_steps == 0
    err = capsys.readouterr().err
    assert "step-00000020" in err and "NaN" in err and "resuming from step 15" in err
    assert "good" not in err


def test_no_intact_checkpoint_is_a_one_line_error_naming_the_folder(tmp_path):
    train(TinyTask(), tiny_config(tmp_path))
    root = tmp_path / "checkpoints"
    for step_dir in root.glob("step-*"):
        corrupt_state(step_dir)
    with pytest.raises(CorruptCheckpointError) as caught:
        train(TinyTask(), tiny_config(tmp_path))
    message = str(caught.value)
    assert str(root) in message and "step-00000015" in message and "step-00000020" in message
    assert "\n" not in message and "good" not in message


@pytest.mark.parametrize("progress_bar", [False, True])
def test_a_resumed_run_says_where_it_resumes(tmp_path, capsys, progress_bar):
    train(TinyTask(), tiny_config(tmp_path, max_steps=10, progress_bar=progress_bar))
    assert "resuming" not in capsys.readouterr().err
    train(TinyTask(), tiny_config(tmp_path, max_steps=20, progress_bar=progress_bar))
    [line] = [line for line in capsys.readouterr().err.splitlines() if "resuming" in line]
    assert "resuming from step 10" in line and "step-00000010" in line


def test_worker_processes_load_the_same_batches_as_the_main_process(uninterrupted, tmp_path):
    train(TinyTask(), tiny_config(tmp_path, num_workers=2))
    assert_same_tensors(final_weights(tmp_path), final_weights(uninterrupted))


def test_different_seeds_give_different_runs(uninterrupted, tmp_path):
    train(TinyTask(), tiny_config(tmp_path, seed=8))
    assert not torch.equal(
        final_weights(tmp_path)["net.0.weight"], final_weights(uninterrupted)["net.0.weight"]
    )


def test_two_process_gloo_run_equals_one_process_run(tmp_path):
    options = {"max_steps": 12, "checkpoint_every": 4, "task": {"dropout": 0.0, "draw_in_loss": False}}
    ddp_dir, dumps = tmp_path / "ddp", tmp_path / "dumps"
    ddp = run_fixture_script({**options, "out_dir": str(ddp_dir), "dump_dir": str(dumps)}, torchrun=True)
    assert ddp.returncode == 0, ddp.stderr[-3000:]
    single_dir = tmp_path / "single"
    train(TinyTask(**options.pop("task")), tiny_config(single_dir, **options))

    rank0, rank1 = (torch.load(dumps / f"rank{r}.pt", weights_only=True) for r in (0, 1))
    for part, file_name in (("weights", "weights.safetensors"), ("ema", "ema.safetensors")):
        assert_same_tensors(rank0[part], rank1[part])
        assert_same_tensors(rank0[part], final_weights(ddp_dir, file_name))
        for key, value in final_weights(single_dir, file_name).items():
            torch.testing.assert_close(rank0[part][key], value, rtol=1e-5, atol=1e-6)
    assert rank0["writes"] > 0 and rank1["writes"] == 0  # only rank 0 wrote checkpoints
    assert len(list((ddp_dir / "tensorboard").iterdir())) == 1  # and only rank 0 logged


def test_a_nan_step_is_skipped_counted_and_changes_nothing(tmp_path):
    config = tiny_config(tmp_path, max_steps=6, checkpoint_every=1, keep_checkpoints=10, ema_decay=None)
    result = train(TinyTask(nan_calls={4}), config)
    assert result.step == 6 and result.skipped_steps == 1
    steps = tmp_path / "checkpoints"
    before, at, after = (
        load_weights(steps / f"step-0000000{s}" / "weights.safetensors").state_dict for s in (3, 4, 5)
    )
    assert_same_tensors(before, at)
    assert not torch.equal(at["net.0.weight"], after["net.0.weight"])
    state_before, state_at = (load_state(steps / f"step-0000000{s}" / "state.pt") for s in (3, 4))
    assert_same_tensors(state_before["optimizer"]["state"][0], state_at["optimizer"]["state"][0])
    assert state_at["guard"] == {"bad_in_a_row": 1, "skipped_total": 1}


def test_nan_steps_in_a_row_stop_training_and_keep_last_good_checkpoint(tmp_path):
    config = tiny_config(tmp_path, max_bad_steps=3)
    with pytest.raises(TTSError, match=r"step 8: 3 steps in a row .*non-finite.*step-00000005") as caught:
        train(TinyTask(nan_calls=range(6, 100)), config)
    assert "resumes from" in str(caught.value)
    latest = CheckpointDir(tmp_path / "checkpoints", keep=1).latest()
    assert latest.name == "step-00000005"
    good = load_weights(latest / "weights.safetensors", kind="tiny").state_dict
    clean = tmp_path / "clean"
    train(TinyTask(), tiny_config(clean, keep_checkpoints=4))
    assert_same_tensors(
        good, load_weights(clean / "checkpoints/step-00000005/weights.safetensors").state_dict
    )


def test_failed_save_keeps_previous_checkpoint_and_run_resumes(uninterrupted, tmp_path, monkeypatch):
    original = checkpoints_module.save_state
    calls = []

    def fail_on_third_save(path, state):
        calls.append(path)
        if len(calls) == 3:
            raise OSError("disk full")
        return original(path, state)

    monkeypatch.setattr(checkpoints_module, "save_state", fail_on_third_save)
    with pytest.raises(OSError, match="disk full"):
        train(TinyTask(), tiny_config(tmp_path))
    root = tmp_path / "checkpoints"
    assert CheckpointDir(root, keep=1).latest().name == "step-00000010"
    assert sorted(p.name for p in root.iterdir()) == ["latest", "step-00000005", "step-00000010"]
    monkeypatch.setattr(checkpoints_module, "save_state", original)
    train(TinyTask(), tiny_config(tmp_path))
    assert_same_tensors(final_weights(tmp_path), final_weights(uninterrupted))


def test_resuming_with_a_different_feature_spec_names_the_fields(tmp_path):
    train(TinyTask(spec=FeatureSpec()), tiny_config(tmp_path, max_steps=5))
    with pytest.raises(SpecMismatchError, match=r"checkpoint .*step-00000005.*sample_rate: 16000 != 22050"):
        train(TinyTask(spec=FeatureSpec(sample_rate=16000)), tiny_config(tmp_path, max_steps=10))


def test_existing_checkpoints_without_resume_is_an_error(tmp_path):
    train(TinyTask(), tiny_config(tmp_path, max_steps=5))
    with pytest.raises(TTSError, match="already holds checkpoints"):
        train(TinyTask(), tiny_config(tmp_path, max_steps=10, resume=False))


def test_export_gives_ema_weights_with_config_and_spec(tmp_path):
    spec = FeatureSpec(n_mels=40)
    result = train(TinyTask(spec=spec), tiny_config(tmp_path, max_steps=5))
    exported = load_weights(export_weights(tmp_path, tmp_path / "tiny.safetensors"), kind="tiny", spec=spec)
    assert_same_tensors(exported.state_dict, load_weights(result.checkpoint / "ema.safetensors").state_dict)
    assert exported.config == {"n_in": 4, "hidden": 16, "n_out": 2, "dropout": 0.2}
    assert not torch.equal(exported.state_dict["net.0.weight"], final_weights(tmp_path)["net.0.weight"])


def test_old_checkpoints_are_pruned(tmp_path):
    train(TinyTask(), tiny_config(tmp_path, max_steps=12, checkpoint_every=2, keep_checkpoints=2))
    names = sorted(p.name for p in (tmp_path / "checkpoints").iterdir())
    assert names == ["latest", "step-00000010", "step-00000012"]


def test_tensorboard_gets_losses_lr_and_counters(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    train(TinyTask(nan_calls={2}), tiny_config(tmp_path, max_steps=10, log_every=5))
    events = EventAccumulator(str(tmp_path / "tensorboard"))
    events.Reload()
    tags = set(events.Tags()["scalars"])
    expected = {
        "train/loss",
        "train/mse",
        "train/lr",
        "train/grad_norm",
        "train/skipped_steps",
        "train/samples_per_s",
    }
    assert expected <= tags
    assert [e.step for e in events.Scalars("train/loss")] == [5, 10]
    assert events.Scalars("train/skipped_steps")[-1].value == 1


def test_learning_rate_warms_up_then_decays():
    config = TrainConfig(lr=1.0, warmup_steps=4, lr_decay="cosine", min_lr_ratio=0.1, max_steps=104)
    lrs = [learning_rate(step, config) for step in range(104)]
    assert lrs[:4] == [0.25, 0.5, 0.75, 1.0]
    assert lrs[4] == 1.0 and lrs[4:] == sorted(lrs[4:], reverse=True)
    assert lrs[-1] == pytest.approx(0.1, abs=1e-3)


@pytest.mark.parametrize(
    "field, value",
    [
        ("batch_size", 0),
        ("lr", -1.0),
        ("ema_decay", 1.0),
        ("amp", "fp8"),
        ("lr_decay", "step"),
        ("betas", (0.9,)),
    ],
)
def test_bad_train_config_values_are_refused(field, value):
    with pytest.raises(TTSError, match=field):
        TrainConfig(**{field: value})


def test_train_config_from_dict_takes_yaml_lists_and_refuses_unknown_keys():
    assert TrainConfig.from_dict({"betas": [0.8, 0.99]}).betas == (0.8, 0.99)
    with pytest.raises(TTSError, match=r"unknown TrainConfig fields \['learning_rate'\]"):
        TrainConfig.from_dict({"learning_rate": 1e-3})


def test_batch_larger_than_dataset_is_refused(tmp_path):
    with pytest.raises(TTSError, match="fewer than one batch"):
        train(TinyTask(n_items=4), tiny_config(tmp_path))
