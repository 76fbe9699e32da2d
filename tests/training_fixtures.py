"""A tiny seeded regression task for the training-loop tests.

Run as a script (`python training_fixtures.py '<json>'`, optionally under torchrun) it trains the
task with the TrainConfig fields and TinyTask options given in the JSON; `dump_dir` makes every
rank save its final weights and count the checkpoint files it wrote; `kill_at_save` SIGKILLs the
process when it is about to write the resume state of that save (1 = the first).
"""

import json
import os
import random
import signal
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.data import Dataset

from tts.training import Task, TrainConfig


@dataclass
class TinyConfig:
    n_in: int = 4
    hidden: int = 16
    n_out: int = 2
    dropout: float = 0.2


class TinyModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(config.n_in, config.hidden),
            nn.Tanh(),
            nn.Dropout(config.dropout),
            nn.Linear(config.hidden, config.n_out),
        )

    def forward(self, x):
        return self.net(x)


class NoisyRegression(Dataset):
    """Seeded linear targets; each fetch adds noise from python, numpy and torch's global RNGs,
    standing in for the random crops and augmentation of real datasets."""

    def __init__(self, n_items, config, seed=0):
        generator = torch.Generator().manual_seed(seed)
        self.x = torch.randn(n_items, config.n_in, generator=generator)
        self.y = self.x @ torch.randn(config.n_in, config.n_out, generator=generator)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, index):
        noise = torch.randn(self.x.shape[1]) + float(np.random.randn()) + random.random()
        return {"x": self.x[index] + 0.05 * noise, "y": self.y[index]}


class Interrupted(Exception):
    """Raised by TinyTask to stop a run abruptly, without its final checkpoint."""


class TinyTask(Task):
    kind = "tiny"

    def __init__(
        self,
        *,
        n_items=48,
        dropout=0.2,
        spec=None,
        draw_in_loss=True,
        nan_calls=(),
        stop_at_call=None,
        kill_at_call=None,
    ):
        self.model_config = TinyConfig(dropout=dropout)
        self.dataset = NoisyRegression(n_items, self.model_config)
        self.spec = spec
        self.draw_in_loss = draw_in_loss  # main-process python/numpy draws, so their RNG restore matters
        self.nan_calls = set(nan_calls)
        self.stop_at_call = stop_at_call
        self.kill_at_call = kill_at_call
        self.calls = 0

    def build_model(self):
        return TinyModel(self.model_config)

    def loss(self, model, batch):
        self.calls += 1
        if self.calls == self.kill_at_call:
            os.kill(os.getpid(), signal.SIGKILL)
        if self.calls == self.stop_at_call:
            raise Interrupted(f"stopped at call {self.calls}")
        loss = nn.functional.mse_loss(model(batch["x"]), batch["y"])
        if self.draw_in_loss:
            loss = loss * (1.0 + 1e-3 * (random.random() + float(np.random.rand())))
        if self.calls in self.nan_calls:
            loss = loss * float("nan")
        return loss, {"mse": loss.detach()}


def bit_rot(path, value=float("nan")):
    """Overwrite the last float32 of a weights file (the end of its tensor data) with `value`: the
    file still parses, as after bit-rot on a disk; only a number is wrong."""
    data = bytearray(Path(path).read_bytes())
    data[-4:] = struct.pack("<f", value)
    Path(path).write_bytes(bytes(data))


def tiny_config(out_dir, **overrides):
    """A fast TrainConfig exercising shuffling, warmup + cosine decay, clipping and EMA."""
    values = dict(
        out_dir=str(out_dir),
        max_steps=20,
        batch_size=8,
        lr=1e-2,
        warmup_steps=3,
        lr_decay="cosine",
        grad_clip=1.0,
        ema_decay=0.9,
        checkpoint_every=5,
        keep_checkpoints=2,
        log_every=5,
        seed=7,
        progress_bar=False,
    )
    values.update(overrides)
    return TrainConfig(**values)


def _main(options):
    from tts.training import checkpoints
    from tts.training.distributed import distributed_session
    from tts.training.trainer import Trainer

    task = TinyTask(**options.pop("task", {}))
    dump_dir = options.pop("dump_dir", None)
    kill_at_save = options.pop("kill_at_save", None)
    config = tiny_config(**options)
    writes = []
    for name in ("save_weights", "save_state"):  # count this process's checkpoint writes
        setattr(checkpoints, name, _recording(getattr(checkpoints, name), writes))
    if kill_at_save:
        checkpoints.save_state = _killing(checkpoints.save_state, kill_at_save)
    with distributed_session(config.device) as dist:
        trainer = Trainer(task, config, dist)
        trainer.run()
        if dump_dir:
            Path(dump_dir).mkdir(parents=True, exist_ok=True)
            ema = trainer.ema.state_dict() if trainer.ema is not None else {}
            dump = {"weights": trainer.model.state_dict(), "ema": ema, "writes": len(writes)}
            torch.save(dump, Path(dump_dir) / f"rank{dist.rank}.pt")


def _recording(write, paths):
    def recorded_write(path, *args, **kwargs):
        paths.append(path)
        return write(path, *args, **kwargs)

    return recorded_write


def _killing(write, at_call):
    calls = []

    def write_or_die(path, *args, **kwargs):
        calls.append(path)
        if len(calls) == at_call:  # the weights of this save are written, its state is not
            os.kill(os.getpid(), signal.SIGKILL)
        return write(path, *args, **kwargs)

    return write_or_die


if __name__ == "__main__":
    _main(json.loads(sys.argv[1]))
