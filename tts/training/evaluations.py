"""Held-out figures during training: every `eval_every` steps the loop asks the task to score its
held-out items (Task.evaluate) and appends one row to <out_dir>/evaluations.jsonl, beside the
TensorBoard points `heldout/<figure>`:

    {"step": 2000, "train_seconds": 431.7, "nll": 1.93, "accuracy": 0.41}

`train_seconds` is the wall time spent training up to that step, summed over resumed sessions and
without the evaluations themselves, so two runs can be compared on time (for example, the time one
model takes to reach the other's best held-out loss). Rank 0 alone writes.
"""

import json
from pathlib import Path

from tts.atomic import write_text_atomic

EVALUATIONS_FILE = "evaluations.jsonl"


def read_evaluations(run_dir):
    """The rows of a run's evaluations.jsonl, oldest first ([] when it has none)."""
    path = Path(run_dir) / EVALUATIONS_FILE
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class EvaluationLog:
    def __init__(self, run_dir, *, resumed_step):
        """Opens the run's log; rows past `resumed_step` came from steps the resumed run trains
        again, so they are dropped."""
        self.path = Path(run_dir) / EVALUATIONS_FILE
        rows = read_evaluations(run_dir)
        kept = [row for row in rows if row["step"] <= resumed_step]
        if len(kept) < len(rows):
            write_text_atomic(self.path, "".join(json.dumps(row) + "\n" for row in kept))

    def append(self, step, train_seconds, figures):
        row = {"step": step, "train_seconds": round(train_seconds, 3), **{k: float(v) for k, v in figures.items()}}
        with open(self.path, "a", encoding="utf-8") as log:
            log.write(json.dumps(row) + "\n")
