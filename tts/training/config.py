"""TrainConfig: every knob of the shared training loop, with the reason for each default."""

import math
from dataclasses import dataclass, fields

from tts.errors import TTSError

LR_DECAYS = ("constant", "linear", "cosine", "inverse_sqrt")
AMP_MODES = ("auto", "bf16", "fp16", "off")
DEVICES = ("auto", "cpu", "cuda")
POSITIVE_COUNTS = (
    "max_steps",
    "batch_size",
    "checkpoint_every",
    "keep_checkpoints",
    "log_every",
    "max_bad_steps",
)
NON_NEGATIVE_COUNTS = ("warmup_steps", "num_workers", "seed", "eval_every")


@dataclass
class TrainConfig:
    out_dir: str = "exp/train"  # checkpoints/ and tensorboard/ go here
    max_steps: int = 100_000  # one step = one global batch, skipped (non-finite) steps included
    batch_size: int = 16  # global: split evenly over torchrun ranks, so results do not depend on them
    lr: float = 1e-3  # peak learning rate, reached at the end of warmup
    betas: tuple[float, float] = (0.9, 0.999)  # AdamW
    weight_decay: float = 0.0  # AdamW's decoupled decay
    warmup_steps: int = 0  # linear ramp from 0 to lr
    # after warmup: constant | linear | cosine (both reach min_lr_ratio at max_steps) | inverse_sqrt
    lr_decay: str = "constant"
    min_lr_ratio: float = 0.0  # floor of linear/cosine decay, as a fraction of lr
    grad_clip: float | None = 1.0  # max global gradient norm; None = no clipping
    ema_decay: float | None = None  # e.g. 0.999; None = no EMA. With EMA on, export gives EMA weights
    checkpoint_every: int = 1000  # steps between checkpoints (one more is written at the end)
    keep_checkpoints: int = 3  # older step directories are deleted
    log_every: int = 50  # steps between TensorBoard points
    # steps between held-out evaluations (Task.evaluate, tts/training/evaluations.py); 0 = none
    eval_every: int = 0
    max_bad_steps: int = 10  # non-finite steps in a row before training stops
    seed: int = 0  # model init, batch order, data randomness and dropout all derive from it
    num_workers: int = 0  # DataLoader worker processes per rank
    amp: str = "auto"  # auto = bf16 (or fp16 where bf16 is unsupported) autocast on CUDA, off on CPU
    compile: bool = False  # torch.compile the model: minutes of compiling, then faster steps
    device: str = "auto"  # auto = cuda when available, else cpu
    resume: bool = True  # continue from out_dir's latest checkpoint when there is one
    progress_bar: bool = True  # tqdm bar on rank 0

    def __post_init__(self):
        self.betas = tuple(self.betas)  # YAML and JSON give lists
        for name in POSITIVE_COUNTS:
            _require(getattr(self, name) >= 1, f"{name} must be at least 1, got {getattr(self, name)!r}")
        for name in NON_NEGATIVE_COUNTS:
            _require(getattr(self, name) >= 0, f"{name} must be non-negative, got {getattr(self, name)!r}")
        _require(math.isfinite(self.lr) and self.lr > 0, f"lr must be positive, got {self.lr!r}")
        _require(
            len(self.betas) == 2 and all(0 <= b < 1 for b in self.betas),
            f"betas must be two numbers in [0, 1), got {self.betas!r}",
        )
        _require(self.weight_decay >= 0, f"weight_decay must be non-negative, got {self.weight_decay!r}")
        _require(0 <= self.min_lr_ratio <= 1, f"min_lr_ratio must be in [0, 1], got {self.min_lr_ratio!r}")
        _require(
            self.grad_clip is None or self.grad_clip > 0,
            f"grad_clip must be positive or None, got {self.grad_clip!r}",
        )
        _require(
            self.ema_decay is None or 0 < self.ema_decay < 1,
            f"ema_decay must be in (0, 1) or None, got {self.ema_decay!r}",
        )
        _require(self.lr_decay in LR_DECAYS, f"lr_decay must be one of {LR_DECAYS}, got {self.lr_decay!r}")
        _require(self.amp in AMP_MODES, f"amp must be one of {AMP_MODES}, got {self.amp!r}")
        _require(self.device in DEVICES, f"device must be one of {DEVICES}, got {self.device!r}")

    @classmethod
    def from_dict(cls, data):
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        _require(not unknown, f"unknown TrainConfig fields {unknown}; known fields are {sorted(known)}")
        return cls(**data)


def _require(condition, message):
    if not condition:
        raise TTSError(f"TrainConfig: {message}")
