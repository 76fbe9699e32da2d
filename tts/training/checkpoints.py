"""A run's checkpoint directory: one complete directory per step, and a `latest` pointer.

    checkpoints/step-00001000/weights.safetensors   training weights (+ kind, config, spec)
    checkpoints/step-00001000/ema.safetensors       EMA weights, when EMA is on
    checkpoints/step-00001000/state.pt              resume state (weights-only torch file)
    checkpoints/latest                              "step-00001000"

A step directory is filled under a temporary name and renamed into place, then `latest` is
rewritten atomically: a kill at any moment leaves `latest` naming a complete directory whose
files belong together.
"""

import shutil
import tempfile
from pathlib import Path

from tts.atomic import current_umask, write_text_atomic
from tts.checkpoint import load_weights, save_state, save_weights
from tts.errors import TTSError

WEIGHTS = "weights.safetensors"
EMA_WEIGHTS = "ema.safetensors"
STATE = "state.pt"
LATEST = "latest"
STEP_PREFIX = "step-"


class CheckpointDir:
    def __init__(self, root, *, keep):
        self.root = Path(root)
        self.keep = keep

    def latest(self):
        """The newest complete step directory, or None before the first checkpoint."""
        pointer = self.root / LATEST
        if pointer.is_file():
            step_dir = self.root / pointer.read_text(encoding="utf-8").strip()
            if step_dir.is_dir():
                return step_dir
        steps = self.step_dirs()  # a kill between the first rename and the first pointer write
        return steps[-1] if steps else None

    def step_dirs(self):
        return sorted(p for p in self.root.glob(f"{STEP_PREFIX}*") if p.is_dir())

    def step_dir(self, step):
        return self.root / f"{STEP_PREFIX}{step:08d}"

    def save(self, step, *, weights, ema, state, kind, config, spec):
        """Write one step's files into a fresh directory, publish it, then prune old ones."""
        self.root.mkdir(parents=True, exist_ok=True)
        final = self.step_dir(step)
        staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=self.root))
        staging.chmod(0o777 & ~current_umask())  # mkdtemp makes 0700; a run directory is shared as usual
        try:
            save_weights(staging / WEIGHTS, weights, kind=kind, config=config, spec=spec)
            if ema is not None:
                save_weights(staging / EMA_WEIGHTS, ema, kind=kind, config=config, spec=spec)
            save_state(staging / STATE, state)
            _publish(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        write_text_atomic(self.root / LATEST, final.name + "\n")
        self._prune(keep_also=final)
        return final

    def _prune(self, *, keep_also):
        for old in self.step_dirs()[: -self.keep]:
            if old != keep_also:
                shutil.rmtree(old, ignore_errors=True)


def _publish(staging, final):
    """Rename `staging` to `final`; a directory left there by a run killed before it updated
    `latest` (so nobody points at it) is moved aside first."""
    if final.exists():
        stale = Path(tempfile.mkdtemp(prefix=f".{final.name}.stale.", dir=final.parent))
        final.rename(stale / final.name)
        staging.rename(final)
        shutil.rmtree(stale, ignore_errors=True)
    else:
        staging.rename(final)


def find_step_dir(path):
    """A step directory from itself, a run's checkpoints/ directory, or the run's out_dir."""
    path = Path(path)
    if (path / WEIGHTS).is_file():
        return path
    for root in (path, path / "checkpoints"):
        if (root / LATEST).is_file() or any(root.glob(f"{STEP_PREFIX}*")):
            latest = CheckpointDir(root, keep=1).latest()
            if latest is not None:
                return latest
    raise TTSError(
        f"no checkpoint found in {path} (expected a step directory, checkpoints/ or a run directory)"
    )


def export_weights(source, dest, *, half=False):
    """Write the inference weights of a checkpoint (EMA when the run had it) as one standalone
    safetensors file with its kind, config and FeatureSpec. Returns `dest`.

    source: a run's out_dir, its checkpoints/, a step directory, or a weights file. half: store
    floating tensors as float16 (half the size; widened back to float32 on load).
    """
    source = Path(source)
    if source.suffix == ".safetensors" and source.is_file():
        chosen = source
    else:
        step_dir = find_step_dir(source)
        chosen = step_dir / EMA_WEIGHTS if (step_dir / EMA_WEIGHTS).is_file() else step_dir / WEIGHTS
    checkpoint = load_weights(chosen)
    state = checkpoint.state_dict
    if half:
        state = {key: value.half() if value.is_floating_point() else value for key, value in state.items()}
    return save_weights(dest, state, kind=checkpoint.kind, config=checkpoint.config, spec=checkpoint.spec)
