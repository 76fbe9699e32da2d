"""What a run reports: TensorBoard scalars every `log_every` steps, a tqdm bar and one-line notes, rank 0 only."""

import sys
import time
from collections import defaultdict

from tqdm import tqdm


class TrainingLog:
    def __init__(self, log_dir, *, start_step, max_steps, log_every, samples_per_step, enabled, show_bar):
        self.log_every = log_every
        self.samples_per_step = samples_per_step
        self.enabled = enabled
        self.writer = _summary_writer(log_dir, start_step) if enabled else None
        self.bar = tqdm(
            total=max_steps, initial=start_step, disable=not (enabled and show_bar), dynamic_ncols=True
        )
        self._reset_window()

    def record(self, step, *, scalars, lr, grad_norm, skipped_total):
        """Note the step just finished (`step` counts finished steps); write a point when due."""
        self.bar.update(1)
        if not self.enabled:
            return
        for name, value in scalars.items():
            self.sums[name] += float(value)
        self.counted += bool(scalars)
        if grad_norm is not None:
            self.grad_norms.append(grad_norm)
        self.steps_in_window += 1
        if step % self.log_every == 0:
            self._write(step, lr=lr, skipped_total=skipped_total)

    def record_evaluation(self, step, figures):
        """Held-out figures at `step` (Task.evaluate)."""
        if self.writer is not None:
            for name, value in figures.items():
                self.writer.add_scalar(f"heldout/{name}", value, step)

    def close(self):
        self.bar.close()
        if self.writer is not None:
            self.writer.close()

    def _write(self, step, *, lr, skipped_total):
        means = {name: total / max(self.counted, 1) for name, total in self.sums.items()}
        for name, value in means.items():
            self.writer.add_scalar(f"train/{name}", value, step)
        elapsed = max(time.perf_counter() - self.window_start, 1e-9)
        self.writer.add_scalar("train/lr", lr, step)
        self.writer.add_scalar("train/skipped_steps", skipped_total, step)
        self.writer.add_scalar(
            "train/samples_per_s", self.steps_in_window * self.samples_per_step / elapsed, step
        )
        if self.grad_norms:
            self.writer.add_scalar("train/grad_norm", sum(self.grad_norms) / len(self.grad_norms), step)
        if "loss" in means:
            self.bar.set_postfix(loss=f"{means['loss']:.4g}", lr=f"{lr:.3g}", skipped=skipped_total)
        self._reset_window()

    def _reset_window(self):
        self.sums = defaultdict(float)
        self.counted = 0
        self.grad_norms = []
        self.steps_in_window = 0
        self.window_start = time.perf_counter()


def say(line):
    """One line for whoever runs the training, on stderr as the bar is, with or without the bar."""
    tqdm.write(line, file=sys.stderr)


def _summary_writer(log_dir, start_step):
    from torch.utils.tensorboard import SummaryWriter  # imported on rank 0 only: it is slow to import

    # purge_step drops points a killed run wrote after its last checkpoint, so curves do not overlap.
    return SummaryWriter(log_dir=str(log_dir), purge_step=start_step or None)
