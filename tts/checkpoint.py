"""Checkpoint files: model weights in safetensors, resume state in a weights-only torch file.

A weights file is self-contained: its safetensors metadata holds the format version, the model
kind, the model config (JSON of its config dataclass) and the FeatureSpec, so a model can be
rebuilt from the file alone. No pickle is ever executed: weights go through safetensors, and the
resume state loads only with `torch.load(..., weights_only=True)`, which refuses arbitrary objects.

Old files are upgraded by `migrate`, one version step at a time, so compatibility lives in one
place instead of in defaults scattered over the loaders.
"""

import dataclasses
import json
import pickle
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import safetensors
import safetensors.torch
import torch

from tts.atomic import atomic_path
from tts.config import config_from_dict
from tts.errors import CorruptCheckpointError, TTSError
from tts.features import FeatureSpec

FORMAT_VERSION = 1

# {version: function upgrading metadata of that version to version + 1}. Version 1 is the first
# released format, so nothing needs upgrading yet; a format change adds its step here.
UPGRADES = {}

PICKLE_MAGIC = b"\x80"
ZIP_MAGIC = b"PK\x03\x04"  # torch.save's zip container


@dataclass(frozen=True)
class Checkpoint:
    state_dict: dict[str, torch.Tensor]
    kind: str
    config: dict[str, Any]
    spec: FeatureSpec | None
    version: int


def save_weights(path, state_dict, *, kind, config, spec=None):
    """Write `state_dict` atomically as safetensors with kind, config and spec in its metadata.

    `config` is the model's config dataclass (or an already plain dict); it must be JSON-able.
    """
    metadata = {
        "format_version": str(FORMAT_VERSION),
        "kind": kind,
        "config": json.dumps(_plain_config(config), sort_keys=True),
        "spec": json.dumps(spec.to_dict() if spec is not None else None, sort_keys=True),
    }
    tensors = _standalone_tensors(state_dict)
    with atomic_path(path) as tmp:
        safetensors.torch.save_file(tensors, str(tmp), metadata=metadata)
    return Path(path)


def load_weights(path, *, kind=None, spec=None):
    """Read a weights file; check its kind and FeatureSpec when the caller says what it expects.

    Raises CorruptCheckpointError for anything that is not a complete checkpoint of this format,
    TTSError for a wrong kind, SpecMismatchError (naming the fields) for a different spec.
    """
    path = Path(path)
    _require_readable(path)
    try:
        with safetensors.safe_open(str(path), framework="pt") as f:
            raw_metadata = f.metadata() or {}
            state_dict = {key: f.get_tensor(key) for key in f.keys()}
    except safetensors.SafetensorError as error:
        raise corrupt_error(path, _describe_unreadable(path, error)) from None
    metadata = migrate(raw_metadata, source=path)
    checkpoint = Checkpoint(
        state_dict=state_dict,
        kind=metadata["kind"],
        config=_parse_json(metadata["config"], path, "config"),
        spec=_parse_spec(metadata["spec"], path),
        version=int(metadata["format_version"]),
    )
    if kind is not None and checkpoint.kind != kind:
        raise TTSError(f"checkpoint {path} holds a {checkpoint.kind!r} model, expected {kind!r}")
    if spec is not None:
        if checkpoint.spec is None:
            raise TTSError(f"checkpoint {path} records no FeatureSpec, expected one matching {spec}")
        spec.require_same(checkpoint.spec, what=f"the expected features and checkpoint {path}")
    return checkpoint


def migrate(metadata, *, source):
    """Return `metadata` upgraded to FORMAT_VERSION; the one place old formats are handled."""
    if "format_version" not in metadata:
        raise corrupt_error(source, "safetensors file without a tts format_version (not a tts checkpoint)")
    try:
        version = int(metadata["format_version"])
    except ValueError:
        raise corrupt_error(source, f"format_version {metadata['format_version']!r} is not an integer") from None
    if version > FORMAT_VERSION:
        raise TTSError(
            f"checkpoint {source} has format version {version}, newer than this toolkit's "
            f"{FORMAT_VERSION}; upgrade tts-toolkit to read it"
        )
    while version < FORMAT_VERSION:
        if version not in UPGRADES:
            raise corrupt_error(source, f"unknown format version {version}")
        metadata = UPGRADES[version](dict(metadata))
        version = int(metadata["format_version"])
    missing = [key for key in ("kind", "config", "spec") if key not in metadata]
    if missing:
        raise corrupt_error(source, f"metadata lacks {missing}")
    return metadata


def shape_mismatches(expected, state_dict):
    """Lines naming every key whose shape differs, is missing from, or is extra in `state_dict`.

    `expected` is the state dict of the model the weights are meant for.
    """
    mismatched = [
        f"{key} (checkpoint {list(state_dict[key].shape)} vs model {list(value.shape)})"
        for key, value in expected.items()
        if key in state_dict and state_dict[key].shape != value.shape
    ]
    missing = [key for key in expected if key not in state_dict]
    unexpected = [key for key in state_dict if key not in expected]
    problems = []
    for label, keys in (("shape mismatch", mismatched), ("missing", missing), ("unexpected", unexpected)):
        if keys:
            problems.append(f"{label}: {', '.join(keys)}")
    return problems


def require_fit(expected, state_dict, *, source):
    problems = shape_mismatches(expected, state_dict)
    if problems:
        raise TTSError(f"checkpoint {source} does not fit the model: " + "; ".join(problems))


def require_finite(state_dict, *, source):
    """Refuse weights with NaN or infinity: bit-rot or a diverged run, never a point to train on."""
    for key, value in state_dict.items():
        if value.is_floating_point() and not torch.isfinite(value).all():
            raise corrupt_error(source, f"tensor {key!r} holds NaN or infinite values")


def apply_weights(model, state_dict, *, source):
    """Load `state_dict` into `model` after checking that every key and shape matches."""
    require_fit(model.state_dict(), state_dict, source=source)
    model.load_state_dict(state_dict)


def save_state(path, state):
    """Write resume state (tensors, numbers, strings, containers only) atomically."""
    with atomic_path(path) as tmp:
        torch.save(state, tmp)
    return Path(path)


def load_state(path):
    """Read resume state with weights_only=True: a pickle that would run code is refused unrun."""
    path = Path(path)
    _require_readable(path)
    if path.stat().st_size == 0:
        raise corrupt_error(path, "empty file (0 bytes)")
    try:
        with warnings.catch_warnings():
            # torch's note about foreign pickle protocols is noise next to our own error.
            warnings.filterwarnings("ignore", message="Detected pickle protocol")
            return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        # torch's own message suggests weights_only=False, which is exactly what must not be done.
        raise corrupt_error(path, "holds objects other than tensors and plain data; refused unloaded") from None
    except Exception as error:  # truncation shows up as RuntimeError, EOFError, ValueError...
        raise corrupt_error(path, f"not a complete torch file ({_one_line(error)})") from None


def _plain_config(config):
    if dataclasses.is_dataclass(config) and not isinstance(config, type):
        return dataclasses.asdict(config)
    if isinstance(config, dict):
        return config
    raise TTSError(f"model config must be a dataclass instance or a dict, got {type(config).__name__}")


def _standalone_tensors(state_dict):
    """CPU, contiguous tensors that own their storage (safetensors refuses shared or strided ones)."""
    seen_storages = set()
    tensors = {}
    for key, value in state_dict.items():
        tensor = value.detach().cpu().contiguous()
        storage = tensor.untyped_storage()
        if storage.data_ptr() in seen_storages or storage.nbytes() != tensor.nbytes:
            tensor = tensor.clone()  # tied weights or a view: give this key its own copy
        seen_storages.add(tensor.untyped_storage().data_ptr())
        tensors[key] = tensor
    return tensors


def _require_readable(path):
    if not path.is_file():
        raise TTSError(f"checkpoint not found: {path}")


def _describe_unreadable(path, error):
    with open(path, "rb") as f:
        head = f.read(4)
    if not head:
        return "empty file (0 bytes)"
    if head.startswith(PICKLE_MAGIC) or head == ZIP_MAGIC:
        return "this is a pickle/torch.save file, not safetensors; pickles are never loaded"
    return f"not a complete safetensors file ({_one_line(error)})"


def _parse_json(text, path, field):
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise corrupt_error(path, f"metadata {field} is not JSON ({_one_line(error)})") from None


def _parse_spec(text, path):
    data = _parse_json(text, path, "spec")
    if data is None:
        return None
    try:
        return FeatureSpec.from_dict(data)
    except (TTSError, TypeError) as error:
        raise corrupt_error(path, f"metadata spec is invalid ({_one_line(error)})") from None


def _one_line(error):
    return " ".join(str(error).split()) or type(error).__name__


def corrupt_error(path, reason):
    """The one-line CorruptCheckpointError every checkpoint check raises."""
    return CorruptCheckpointError(f"corrupt checkpoint {path}: {reason}")


def load_model(model_class, config_class, path, *, kind, spec=None):
    """A model in eval mode from a weights file: built from the config stored in it, its weights
    checked and applied, and `model.spec` set to the FeatureSpec it was trained for."""
    checkpoint = load_weights(path, kind=kind, spec=spec)
    model = model_class(config_from_dict(config_class, checkpoint.config))
    apply_weights(model, checkpoint.state_dict, source=path)
    model.spec = checkpoint.spec
    return model.eval()
