"""A run's checkpoint directory: one complete directory per step, and a `latest` pointer.

    checkpoints/step-00001000/weights.safetensors   training weights (+ kind, config, spec)
    checkpoints/step-00001000/ema.safetensors       EMA weights, when EMA is on
    checkpoints/step-00001000/state.pt              resume state (weights-only torch file)
    checkpoints/step-00001000/SHA256SUMS            sha256 of each file above (`sha256sum -c` reads it)
    checkpoints/latest                              "step-00001000"

A step directory is filled under a hidden temporary name and renamed into place, then `latest` is
rewritten atomically: a kill at any moment leaves `latest` naming a complete directory whose
files belong together, and the hidden leftovers go at the next save or resume. The checksums,
taken as the files are written, catch what loading cannot: a flipped bit in a weight still parses.
Resume takes the newest step that verifies, `latest` first, then older ones.
"""

import shutil
import tempfile
from pathlib import Path

from tts.atomic import current_umask, write_text_atomic
from tts.checkpoint import corrupt_error, load_weights, save_state, save_weights
from tts.checksums import checksum
from tts.errors import CorruptCheckpointError, TTSError

WEIGHTS = "weights.safetensors"
EMA_WEIGHTS = "ema.safetensors"
STATE = "state.pt"
CHECKSUMS = "SHA256SUMS"
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

    def newest_intact(self, read):
        """`read(step_dir)` of the newest step it succeeds on, trying `latest` first and then the older
        steps, with the (step_dir, error) of each newer one that raised CorruptCheckpointError."""
        newest = self.latest()
        corrupt = []
        for step_dir in reversed(self.step_dirs()):
            if newest is None or step_dir.name > newest.name:
                continue  # a kill before `latest` moved, or a corrupt step a resumed run went behind
            try:
                return read(step_dir), corrupt
            except CorruptCheckpointError as error:
                corrupt.append((step_dir, error))
        raise CorruptCheckpointError(
            f"no intact checkpoint in {self.root}: {'; '.join(str(error) for _, error in corrupt)}; "
            f"restore its files from a backup, or move {self.root} aside to train from the start"
        )

    def remove_staging(self):
        """Delete what a killed save left: staging directories, steps `_publish` set aside, a
        half-written `latest`. Their names are hidden; a complete step's never is."""
        for path in self.root.glob(".*"):
            if path.name.startswith(f".{STEP_PREFIX}") and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            elif path.name.startswith(f".{LATEST}.") and path.is_file():
                path.unlink(missing_ok=True)

    def step_dir(self, step):
        return self.root / f"{STEP_PREFIX}{step:08d}"

    def save(self, step, *, weights, ema, state, kind, config, spec):
        """Write one step's files into a fresh directory, publish it, then prune old ones."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.remove_staging()  # before making ours: one run writes here at a time
        final = self.step_dir(step)
        staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=self.root))
        staging.chmod(0o777 & ~current_umask())  # mkdtemp makes 0700; a run directory is shared as usual
        try:
            save_weights(staging / WEIGHTS, weights, kind=kind, config=config, spec=spec)
            if ema is not None:
                save_weights(staging / EMA_WEIGHTS, ema, kind=kind, config=config, spec=spec)
            save_state(staging / STATE, state)
            _write_checksums(staging)
            _publish(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        write_text_atomic(self.root / LATEST, final.name + "\n")
        self._prune(newest=final)
        return final

    def _prune(self, *, newest):
        # Steps past the one just written count for nothing: they are corrupt ones a resumed run
        # went behind, and it writes over them when it gets there.
        for old in [p for p in self.step_dirs() if p.name <= newest.name][: -self.keep]:
            shutil.rmtree(old, ignore_errors=True)


def verify(step_dir):
    """Check a step's files against the SHA256SUMS written with them: CorruptCheckpointError names
    the first one missing or changed. A step from before checksums has none; loading it is the check."""
    listing = step_dir / CHECKSUMS
    if not listing.is_file():
        return
    sums = _read_checksums(listing)
    for name, digest in sums.items():
        path = step_dir / name
        if not path.is_file():
            raise corrupt_error(path, f"missing, though {CHECKSUMS} lists it")
        if checksum(path) != digest:
            raise corrupt_error(path, f"does not match its sha256 in {CHECKSUMS} (changed since it was written)")


def resume_note(step_dir, step, corrupt):
    """The one line a resumed run prints: where it resumes, after what it found corrupt on the way."""
    line = "; ".join([*(str(error) for _, error in corrupt), f"resuming from step {step} ({step_dir})"])
    return f"warning: {line}" if corrupt else line


def _write_checksums(step_dir):
    names = sorted(p.name for p in step_dir.iterdir() if p.is_file())
    write_text_atomic(step_dir / CHECKSUMS, "".join(f"{checksum(step_dir / name)}  {name}\n" for name in names))


def _read_checksums(path):
    """{file name: sha256} from sha256sum's format; a damaged list is a corrupt checkpoint too."""
    sums = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name:
            raise corrupt_error(path, f"line {line[:80]!r} is not '<sha256>  <file>'")
        sums[name] = digest
    missing = [name for name in (WEIGHTS, STATE) if name not in sums]
    if missing:
        raise corrupt_error(path, f"lists no {', '.join(missing)}")
    return sums


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
    """A verified step directory from itself, a run's checkpoints/ directory, or the run's out_dir."""
    step_dir = _locate_step_dir(Path(path))
    verify(step_dir)
    return step_dir


def _locate_step_dir(path):
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


def halved(state):
    """`state` with its floating tensors as float16, as export_weights(half=True) stores them."""
    return {key: value.half() if value.is_floating_point() else value for key, value in state.items()}


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
        state = halved(state)
    return save_weights(dest, state, kind=checkpoint.kind, config=checkpoint.config, spec=checkpoint.spec)
