import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

import pytest
import safetensors.torch
import torch
from torch import nn

import tts.atomic
from training_fixtures import bit_rot
from tts import checkpoint
from tts.checkpoint import apply_weights, load_state, load_weights, save_state, save_weights
from tts.errors import CorruptCheckpointError, SpecMismatchError, TTSError
from tts.features import FeatureSpec
from tts.training.checkpoints import CheckpointDir, export_weights, verify


@dataclass
class NetConfig:
    width: int = 3
    name: str = "net"


def small_state(width=3):
    return {
        "layer.weight": torch.arange(width * 2, dtype=torch.float32).reshape(2, width),
        "layer.bias": torch.ones(2),
    }


class MakesMarker:
    """A pickle payload that would create `path` if it were ever unpickled."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (os.mknod, (self.path,))


def assert_corrupt_one_line(path, load):
    with pytest.raises(CorruptCheckpointError) as caught:
        load(path)
    message = str(caught.value)
    assert message.startswith(f"corrupt checkpoint {path}: ") and "\n" not in message
    return message


def test_round_trip_keeps_tensors_kind_config_and_spec(tmp_path):
    spec = FeatureSpec(sample_rate=16000, fmax=7600.0)
    path = save_weights(
        tmp_path / "m.safetensors", small_state(), kind="acoustic", config=NetConfig(), spec=spec
    )
    loaded = load_weights(path, kind="acoustic", spec=spec)
    assert loaded.kind == "acoustic" and loaded.version == checkpoint.FORMAT_VERSION
    assert loaded.config == {"width": 3, "name": "net"} and NetConfig(**loaded.config) == NetConfig()
    assert loaded.spec == spec
    for key, value in small_state().items():
        assert torch.equal(loaded.state_dict[key], value)


def test_tied_and_view_tensors_are_saved(tmp_path):
    shared = torch.randn(4, 4)
    state = {"embed.weight": shared, "out.weight": shared, "row": shared[1]}
    loaded = load_weights(save_weights(tmp_path / "t.safetensors", state, kind="k", config={}))
    assert torch.equal(loaded.state_dict["out.weight"], shared) and torch.equal(
        loaded.state_dict["row"], shared[1]
    )


def test_wrong_kind_is_refused(tmp_path):
    path = save_weights(tmp_path / "m.safetensors", small_state(), kind="wavenet", config={})
    with pytest.raises(TTSError, match="holds a 'wavenet' model, expected 'acoustic'"):
        load_weights(path, kind="acoustic")


def test_feature_spec_mismatch_names_every_differing_field(tmp_path):
    path = save_weights(tmp_path / "m.safetensors", small_state(), kind="k", config={}, spec=FeatureSpec())
    with pytest.raises(SpecMismatchError) as caught:
        load_weights(path, spec=FeatureSpec(sample_rate=24000, n_mels=100, fmax=12000.0))
    message = str(caught.value)
    assert str(path) in message
    for field in ("sample_rate: 24000 != 22050", "n_mels: 100 != 80", "fmax: 12000.0 != 8000.0"):
        assert field in message
    assert "hop_length" not in message


def test_missing_spec_is_refused_when_one_is_expected(tmp_path):
    path = save_weights(tmp_path / "m.safetensors", small_state(), kind="k", config={})
    assert load_weights(path).spec is None
    with pytest.raises(TTSError, match="records no FeatureSpec"):
        load_weights(path, spec=FeatureSpec())


def test_shape_mismatch_lists_mismatched_missing_and_unexpected_keys(tmp_path):
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 2))
    state = {"0.weight": torch.zeros(2, 5), "0.bias": torch.zeros(2), "extra": torch.zeros(1)}
    with pytest.raises(TTSError) as caught:
        apply_weights(model, state, source="m.safetensors")
    message = str(caught.value)
    assert "shape mismatch: 0.weight (checkpoint [2, 5] vs model [2, 3])" in message
    assert "missing: 1.weight, 1.bias" in message and "unexpected: extra" in message


def test_truncated_weights_are_corrupt(tmp_path):
    path = save_weights(tmp_path / "m.safetensors", small_state(), kind="k", config={})
    path.write_bytes(path.read_bytes()[:-5])
    assert_corrupt_one_line(path, load_weights)


def test_zero_byte_weights_are_corrupt(tmp_path):
    path = tmp_path / "empty.safetensors"
    path.touch()
    assert "empty file" in assert_corrupt_one_line(path, load_weights)


def test_wrong_format_and_foreign_safetensors_are_corrupt(tmp_path):
    text = tmp_path / "notes.safetensors"
    text.write_text("this is not a checkpoint at all\n" * 10)
    assert_corrupt_one_line(text, load_weights)
    foreign = tmp_path / "foreign.safetensors"
    safetensors.torch.save_file(small_state(), str(foreign))  # valid safetensors, no tts metadata
    assert "not a tts checkpoint" in assert_corrupt_one_line(foreign, load_weights)


@pytest.mark.parametrize("writer", ["pickle", "torch.save"])
def test_code_running_pickle_is_refused_as_weights_and_as_state(tmp_path, writer):
    live = tmp_path / "live"
    pickle.loads(pickle.dumps(MakesMarker(live)))
    assert live.exists()  # the payload really runs code when unpickled
    marker = tmp_path / "marker"
    path = tmp_path / "evil.ckpt"
    payload = {"weights": MakesMarker(marker)}
    if writer == "pickle":
        path.write_bytes(pickle.dumps(payload))
    else:
        torch.save(payload, path)
    assert "pickle" in assert_corrupt_one_line(path, load_weights)
    assert_corrupt_one_line(path, load_state)
    assert not marker.exists()


def test_state_round_trips_plain_data_and_tensors(tmp_path):
    state = {"step": 3, "rng": (3, (1, 2), None), "optimizer": {"state": {0: {"m": torch.ones(2)}}}}
    loaded = load_state(save_state(tmp_path / "state.pt", state))
    assert loaded["step"] == 3 and loaded["rng"] == (3, (1, 2), None)
    assert torch.equal(loaded["optimizer"]["state"][0]["m"], torch.ones(2))


def test_truncated_and_zero_byte_state_are_corrupt(tmp_path):
    path = save_state(tmp_path / "state.pt", {"x": torch.randn(100)})
    path.write_bytes(path.read_bytes()[:50])
    assert_corrupt_one_line(path, load_state)
    path.write_bytes(b"")
    assert_corrupt_one_line(path, load_state)


def test_missing_file_says_not_found(tmp_path):
    with pytest.raises(TTSError, match="checkpoint not found"):
        load_weights(tmp_path / "absent.safetensors")


def test_newer_format_version_asks_for_an_upgrade(tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoint, "FORMAT_VERSION", checkpoint.FORMAT_VERSION + 1)
    path = save_weights(tmp_path / "m.safetensors", small_state(), kind="k", config={})
    monkeypatch.undo()
    with pytest.raises(TTSError, match="newer than this toolkit"):
        load_weights(path)


def test_migrate_upgrades_old_versions_step_by_step(tmp_path, monkeypatch):
    path = save_weights(tmp_path / "m.safetensors", small_state(), kind="old-name", config={"width": 3})

    def rename_kind(metadata):
        return {**metadata, "kind": "new-name", "format_version": "2"}

    monkeypatch.setattr(checkpoint, "FORMAT_VERSION", 2)
    monkeypatch.setattr(checkpoint, "UPGRADES", {1: rename_kind})
    loaded = load_weights(path, kind="new-name")
    assert loaded.version == 2 and loaded.config == {"width": 3}


def test_failed_rename_during_save_leaves_previous_weights_loadable(tmp_path, monkeypatch):
    path = save_weights(tmp_path / "m.safetensors", small_state(), kind="k", config={})

    def failing_replace(src, dst):
        raise OSError("killed during rename")

    monkeypatch.setattr(tts.atomic.os, "replace", failing_replace)
    with pytest.raises(OSError, match="killed during rename"):
        save_weights(path, small_state(width=5), kind="k", config={})
    monkeypatch.undo()
    assert load_weights(path).state_dict["layer.weight"].shape == (2, 3)
    assert [p.name for p in tmp_path.iterdir()] == ["m.safetensors"]  # no temp file left


def test_failed_step_save_keeps_latest_on_the_previous_complete_step(tmp_path, monkeypatch):
    directory = CheckpointDir(tmp_path, keep=3)
    common = dict(kind="k", config={}, spec=None, ema=None)
    directory.save(1, weights=small_state(), state={"step": 1}, **common)

    def crash_mid_write(path, state):
        Path(path).write_bytes(b"half")
        raise KeyboardInterrupt  # what a kill looks like to the writing code

    monkeypatch.setattr("tts.training.checkpoints.save_state", crash_mid_write)
    with pytest.raises(KeyboardInterrupt):
        directory.save(2, weights=small_state(width=5), state={"step": 2}, **common)
    latest = directory.latest()
    assert latest.name == "step-00000001"
    assert load_state(latest / "state.pt") == {"step": 1}
    assert load_weights(latest / "weights.safetensors").state_dict["layer.weight"].shape == (2, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest", "step-00000001"]


def test_export_prefers_ema_and_finds_the_latest_step(tmp_path):
    directory = CheckpointDir(tmp_path / "checkpoints", keep=2)
    ema = {key: value + 1 for key, value in small_state().items()}
    for step in (1, 2):
        directory.save(
            step, weights=small_state(), ema=ema, state={}, kind="k", config={"w": step}, spec=FeatureSpec()
        )
    exported = load_weights(
        export_weights(tmp_path, tmp_path / "out.safetensors"), kind="k", spec=FeatureSpec()
    )
    assert exported.config == {"w": 2}
    assert torch.equal(exported.state_dict["layer.bias"], torch.full((2,), 2.0))


def test_saved_weights_get_ordinary_permissions(tmp_path):
    import os

    from tts.atomic import current_umask
    from tts.checkpoint import save_weights

    path = tmp_path / "w.safetensors"
    save_weights(path, {"w": torch.zeros(2)}, kind="test", config={})
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~current_umask()


def save_step(directory, step, **overrides):
    values = dict(weights=small_state(), ema=None, state={"step": step}, kind="k", config={}, spec=None)
    return directory.save(step, **{**values, **overrides})


def test_a_step_records_the_sha256_of_every_file_and_verifies_it(tmp_path):
    ema = {key: value + 1 for key, value in small_state().items()}
    step_dir = save_step(CheckpointDir(tmp_path, keep=3), 1, ema=ema)
    files = ["ema.safetensors", "state.pt", "weights.safetensors"]
    # sha256sum's own format, so `sha256sum -c SHA256SUMS` checks a step by hand as well
    expected = "".join(f"{hashlib.sha256((step_dir / f).read_bytes()).hexdigest()}  {f}\n" for f in files)
    assert (step_dir / "SHA256SUMS").read_text() == expected
    verify(step_dir)
    bit_rot(step_dir / "ema.safetensors", 2.0)
    with pytest.raises(CorruptCheckpointError) as caught:
        verify(step_dir)
    message = str(caught.value)
    assert message.startswith(f"corrupt checkpoint {step_dir / 'ema.safetensors'}: ") and "sha256" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "damage, reason",
    [
        (lambda d: (d / "state.pt").unlink(), "missing"),
        (lambda d: (d / "SHA256SUMS").write_text("not a checksum line\n"), "SHA256SUMS"),
        (lambda d: (d / "SHA256SUMS").write_text(""), "state.pt"),
    ],
)
def test_a_step_with_missing_files_or_a_damaged_checksum_list_fails_verification(tmp_path, damage, reason):
    step_dir = save_step(CheckpointDir(tmp_path, keep=3), 1)
    damage(step_dir)
    with pytest.raises(CorruptCheckpointError, match=reason):
        verify(step_dir)


def test_a_save_removes_stale_staging_and_keeps_every_complete_step(tmp_path):
    directory = CheckpointDir(tmp_path, keep=3)
    save_step(directory, 1)
    (tmp_path / ".step-00000002.abc123").mkdir()
    (tmp_path / ".step-00000002.abc123" / "weights.safetensors").write_bytes(b"half")
    (tmp_path / ".step-00000001.stale.def456" / "step-00000001").mkdir(parents=True)
    (tmp_path / ".latest.ghi789.tmp").write_text("step-0")
    save_step(directory, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest", "step-00000001", "step-00000003"]
    assert load_state(tmp_path / "step-00000001" / "state.pt") == {"step": 1}


def test_export_refuses_a_step_whose_files_changed(tmp_path):
    step_dir = save_step(CheckpointDir(tmp_path / "checkpoints", keep=2), 1)
    bit_rot(step_dir / "weights.safetensors", 3.0)
    with pytest.raises(CorruptCheckpointError, match="sha256"):
        export_weights(tmp_path, tmp_path / "out.safetensors")
