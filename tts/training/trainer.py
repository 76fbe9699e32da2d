"""The one training loop every trainable stage uses.

    result = train(task, TrainConfig(out_dir="exp/acoustic", max_steps=200_000, ema_decay=0.999))
    export_weights(result.checkpoint, "acoustic.safetensors")

Exact resume: a checkpoint holds the weights, EMA, optimizer and loss-scaler state, the step
(the LR is a pure function of it), the sampler position, the NaN-guard counters and every
rank's python/numpy/torch RNG state; batches and data randomness depend only on the seed and
the position (see sampler.py). A resumed run therefore makes the very updates the uninterrupted
run would have made. It resumes from the newest checkpoint whose files verify (checkpoints.py),
saying which newer ones it found corrupt.
"""

import dataclasses
import math
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import torch
from torch.nn.parallel import DistributedDataParallel
from torch.nn.utils import clip_grads_with_norm_, get_total_norm
from torch.utils.data import DataLoader

from tts.checkpoint import apply_weights, load_state, load_weights, require_finite, require_fit
from tts.errors import TTSError
from tts.training.checkpoints import EMA_WEIGHTS, STATE, WEIGHTS, CheckpointDir, resume_note, verify
from tts.training.distributed import distributed_session
from tts.training.ema import EMA
from tts.training.evaluations import EvaluationLog
from tts.training.guard import NonFiniteGuard
from tts.training.precision import autocast, autocast_dtype, grad_scaler
from tts.training.progress import TrainingLog, say
from tts.training.rng import TRAINING_STREAM, capture_rng, derive_seed, restore_rng, seed_everything
from tts.training.sampler import ResumableBatchSampler, SeededBatches, keep_as_is, position_after
from tts.training.schedule import learning_rate

STATE_VERSION = 2  # 2 added train_seconds (migrated_state reads 1)


@dataclass(frozen=True)
class Saved:
    """A step directory's contents, read and checked before any of it is applied."""

    step_dir: Path
    weights: dict
    ema: dict | None  # None when the run had EMA off
    state: dict


@dataclass(frozen=True)
class TrainResult:
    step: int  # steps finished
    checkpoint: Path | None  # the last step directory written
    skipped_steps: int  # non-finite steps skipped over the whole run


def train(task, config):
    """Train `task` under `config`, resuming from config.out_dir when it holds a checkpoint.

    Started by torchrun it trains data-parallel; rank 0 alone writes checkpoints and logs.
    """
    with distributed_session(config.device) as dist:
        return Trainer(task, config, dist).run()


class Trainer:
    def __init__(self, task, config, dist):
        self.task = task
        self.config = config
        self.dist = dist
        self.checkpoints = CheckpointDir(Path(config.out_dir) / "checkpoints", keep=config.keep_checkpoints)
        seed_everything(config.seed)  # the same initial weights on every rank
        self.model = task.build_model().to(dist.device)
        if config.compile:
            self.model.compile()  # in place: parameter names, and so checkpoints, stay the same
        self.optimizer = torch.optim.AdamW(
            self.model.parameters(), lr=config.lr, betas=config.betas, weight_decay=config.weight_decay
        )
        self.amp_dtype = autocast_dtype(config.amp, dist.device)
        self.scaler = grad_scaler(self.amp_dtype, dist.device)
        self.guard = NonFiniteGuard(config.max_bad_steps)
        self.step = 0
        self.train_seconds = 0.0  # wall time in training steps, over every session of the run
        self.position = {"epoch": 0, "start": 0}
        self.last_checkpoint = None
        if dist.is_main:
            self.checkpoints.remove_staging()  # what a kill during a save left; rank 0 alone writes
        latest = self.checkpoints.latest()
        saved = self._resume(latest) if latest is not None else None
        self.saved_rng = saved.state["rng"] if saved is not None else None
        # Built after resuming: a run that turns EMA on later starts averaging from its weights.
        self.ema = EMA(self.model, config.ema_decay) if config.ema_decay else None
        if self.ema is not None and saved is not None and saved.ema is not None:
            self._resume_ema(saved)  # else EMA was off in the run resumed: average from its weights

    def run(self):
        config = self.config
        loader = self._batches()
        model = self._wrap_for_ddp()
        self._start_rng()
        log = TrainingLog(
            Path(config.out_dir) / "tensorboard",
            start_step=self.step,
            max_steps=config.max_steps,
            log_every=config.log_every,
            samples_per_step=config.batch_size,
            enabled=self.dist.is_main,
            show_bar=config.progress_bar,
        )
        evaluations = self._evaluation_log()
        batches = iter(loader) if self.step < config.max_steps else None
        try:
            while self.step < config.max_steps:
                started = time.perf_counter()
                ref, batch = next(batches)
                lr = learning_rate(self.step, config)
                scalars, grad_norm = self._train_step(model, _move_to(batch, self.dist.device), lr)
                self.step += 1
                self.train_seconds += time.perf_counter() - started
                self.position = position_after(ref, config.batch_size)
                log.record(
                    self.step,
                    scalars=scalars,
                    lr=lr,
                    grad_norm=grad_norm,
                    skipped_total=self.guard.skipped_total,
                )
                if evaluations is not None and self.step % config.eval_every == 0:
                    figures = self._evaluate()
                    if figures:
                        evaluations.append(self.step, self.train_seconds, figures)
                        log.record_evaluation(self.step, figures)
                if self.step % config.checkpoint_every == 0 or self.step == config.max_steps:
                    self._save()
        finally:
            log.close()
        self.dist.barrier()  # every rank returns only once rank 0's last checkpoint is on disk
        return TrainResult(self.step, self.last_checkpoint, self.guard.skipped_total)

    def _evaluation_log(self):
        if not (self.config.eval_every and self.dist.is_main):
            return None
        return EvaluationLog(self.config.out_dir, resumed_step=self.step)

    def _evaluate(self):
        """The task's held-out figures of the model as it is now; it goes back to training mode after."""
        self.model.eval()
        try:
            with torch.no_grad():
                return self.task.evaluate(self.model)
        finally:
            self.model.train()

    def _train_step(self, model, batch, lr):
        """One update, or none when the loss or gradients are non-finite.

        Returns the scalars to log ({} for a skipped step) and the gradient norm (None if not finite).
        """
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        with autocast(self.amp_dtype, self.dist.device):
            loss, scalars = self.task.loss(model, batch)
        self.scaler.scale(loss).backward()
        self.scaler.unscale_(self.optimizer)
        grad_norm = get_total_norm([p.grad for p in self.model.parameters() if p.grad is not None])
        # Every rank must take the same decision; gradients are already all-reduced, the loss is not.
        loss_finite = not self.dist.any(not torch.isfinite(loss.detach()).all().item())
        grads_finite = math.isfinite(grad_norm.item())
        if loss_finite and grads_finite:
            if self.config.grad_clip is not None:
                clip_grads_with_norm_(self.model.parameters(), self.config.grad_clip, grad_norm)
            self.scaler.step(self.optimizer)
            if self.ema is not None:
                self.ema.update(self.model)
        self.scaler.update()
        self.optimizer.zero_grad(set_to_none=True)
        # With fp16 loss scaling, inf gradients under a finite loss are an overflow the scaler just
        # handled by lowering its scale: skipped, but not a sign of bad data.
        fp16_overflow = self.scaler.is_enabled() and loss_finite and not grads_finite
        self.guard.record(
            (loss_finite and grads_finite) or fp16_overflow,
            step=self.step + 1,
            last_checkpoint=self.last_checkpoint,
        )
        if not (loss_finite and grads_finite):
            return {}, None
        return {"loss": loss.detach(), **scalars}, grad_norm.item()

    def _batches(self):
        sampler = ResumableBatchSampler(
            len(self.task.dataset),
            self.config.batch_size,
            seed=self.config.seed,
            rank=self.dist.rank,
            world_size=self.dist.world_size,
            lengths=self.task.lengths,
            **self.position,
        )
        return DataLoader(
            SeededBatches(self.task.dataset, self.task.collate, self.config.seed),
            sampler=sampler,
            batch_size=None,  # the sampler yields whole batches; SeededBatches collates them
            collate_fn=keep_as_is,
            num_workers=self.config.num_workers,
            pin_memory=self.dist.device.type == "cuda",
            # Its own generator: creating the iterator must not draw from the global RNG (dropout's).
            generator=torch.Generator().manual_seed(self.config.seed),
        )

    def _wrap_for_ddp(self):
        if not self.dist.is_distributed:
            return self.model
        device_ids = [self.dist.local_rank] if self.dist.device.type == "cuda" else None
        return DistributedDataParallel(
            self.model, device_ids=device_ids, find_unused_parameters=self.task.find_unused_parameters
        )

    def _start_rng(self):
        """Restore this rank's RNG from the checkpoint, or seed a per-rank training stream."""
        if self.saved_rng is not None and len(self.saved_rng) == self.dist.world_size:
            restore_rng(self.saved_rng[self.dist.rank])
            return
        if self.saved_rng is not None:
            warnings.warn(
                f"resuming {len(self.saved_rng)}-process checkpoint with {self.dist.world_size} processes: "
                "dropout and other training randomness will differ from the original run",
                stacklevel=2,
            )
        seed_everything(derive_seed(self.config.seed, TRAINING_STREAM, self.step, self.dist.rank))

    def _save(self):
        rng_states = self.dist.gather(capture_rng())  # a collective: every rank takes part
        if self.dist.is_main:
            self.checkpoints.save(
                self.step,
                weights=self.model.state_dict(),
                ema=self.ema.state_dict() if self.ema is not None else None,
                state=self._resume_state(rng_states),
                kind=self.task.kind,
                config=self.task.model_config,
                spec=self.task.spec,
            )
        self.last_checkpoint = self.checkpoints.step_dir(self.step)

    def _resume_state(self, rng_states):
        return {
            "version": STATE_VERSION,
            "step": self.step,
            "train_seconds": self.train_seconds,
            "seed": self.config.seed,
            "sampler": dict(self.position),
            "optimizer": self.optimizer.state_dict(),
            "scaler": self.scaler.state_dict(),
            "guard": self.guard.state_dict(),
            "rng": rng_states,
        }

    def _resume(self, latest):
        """Load the newest intact checkpoint into the model, optimizer and counters; return it."""
        if not self.config.resume:
            raise TTSError(
                f"{self.config.out_dir} already holds checkpoints (latest {latest.name}); "
                "set resume to continue that run or choose a new out_dir"
            )
        saved, corrupt = self.checkpoints.newest_intact(self._read)
        state = migrated_state(saved.state)
        if state.get("version") != STATE_VERSION:
            raise TTSError(
                f"resume state {saved.step_dir / STATE} has version {state.get('version')!r}, "
                f"this toolkit reads {STATE_VERSION}; start a new out_dir from exported weights"
            )
        if state["seed"] != self.config.seed:
            raise TTSError(
                f"{saved.step_dir} was trained with seed {state['seed']}, the config says {self.config.seed}; "
                "keep the seed to resume (batch order depends on it) or choose a new out_dir"
            )
        apply_weights(self.model, saved.weights, source=saved.step_dir / WEIGHTS)
        self.optimizer.load_state_dict(state["optimizer"])
        self.scaler.load_state_dict(state["scaler"])
        self.guard.load_state_dict(state["guard"])
        self.step = state["step"]
        self.train_seconds = state["train_seconds"]
        self.position = state["sampler"]
        self.last_checkpoint = saved.step_dir
        if self.dist.is_main:
            say(resume_note(saved.step_dir, self.step, corrupt))
        return saved

    def _read(self, step_dir):
        """Every file of `step_dir`, checked; CorruptCheckpointError makes resume try an older step."""
        verify(step_dir)
        ema_path = step_dir / EMA_WEIGHTS
        return Saved(
            step_dir=step_dir,
            weights=self._read_weights(step_dir / WEIGHTS),
            ema=self._read_weights(ema_path) if ema_path.is_file() else None,
            state=load_state(step_dir / STATE),
        )

    def _resume_ema(self, saved):
        require_fit(self.ema.state_dict(), saved.ema, source=saved.step_dir / EMA_WEIGHTS)
        self.ema.load_state_dict(saved.ema)

    def _read_weights(self, path):
        weights = load_weights(path, kind=self.task.kind, spec=self.task.spec).state_dict
        require_finite(weights, source=path)  # also catches NaN in steps written before checksums
        return weights


def migrated_state(state):
    """A resume state of an older version brought to STATE_VERSION; other versions as they are."""
    if state.get("version") == 1:  # before train_seconds: the time of those steps is unknown
        state = {**state, "version": 2, "train_seconds": 0.0}
    return state


def _move_to(batch, device):
    """`batch` with every tensor in it (through dicts, lists, tuples, dataclasses) on `device`."""
    if isinstance(batch, torch.Tensor):
        return batch.to(device, non_blocking=True)
    if isinstance(batch, dict):
        return {key: _move_to(value, device) for key, value in batch.items()}
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):  # namedtuple
        return type(batch)(*(_move_to(value, device) for value in batch))
    if isinstance(batch, (list, tuple)):
        return type(batch)(_move_to(value, device) for value in batch)
    if dataclasses.is_dataclass(batch) and not isinstance(batch, type):
        moved = {
            f.name: _move_to(getattr(batch, f.name), device) for f in dataclasses.fields(batch) if f.init
        }
        return dataclasses.replace(batch, **moved)
    return batch
