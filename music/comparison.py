"""What the music comparisons share (`tts midi compare`, music.notes.comparison; `tts music compare`,
music.raw.comparison): runs of one corpus and split set side by side on their held-out figure, over
their training time.

Every run must hold out the same items (the runs' held_out.json), so their figures are on the same
data. "Seconds to reach the baseline's best" is the training time (the runs' evaluations.jsonl,
tts.training.evaluations) at which a run's held-out figure first reaches the lowest the baseline
logged.
"""

import json
from pathlib import Path

from tts.atomic import write_text_atomic
from tts.corpora.holdout import HELD_OUT_FILE, read_held_out_ids
from tts.errors import TTSError
from tts.training.evaluations import read_evaluations


def common_held_out(runs):
    """The held-out ids the runs ({label: run folder}) share; a TTSError when they differ."""
    splits = {label: sorted(read_held_out_ids(Path(run) / HELD_OUT_FILE)) for label, run in runs.items()}
    first = next(iter(splits.values()))
    if any(ids != first for ids in splits.values()):
        raise TTSError("the runs held out different pieces (their held_out.json differ): train them on one corpus "
                       "with one holdout_fraction")
    return first


def held_out_report(run):
    """The figures a finished run wrote into its held_out.json."""
    return json.loads((Path(run) / HELD_OUT_FILE).read_text(encoding="utf-8"))["report"]


def baseline_best(runs, baseline, figure):
    """The lowest `figure` the baseline run logged (None when it logged none)."""
    if baseline not in runs:
        raise TTSError(f"baseline {baseline!r} is not one of the runs ({', '.join(runs)})")
    return min((row[figure] for row in read_evaluations(runs[baseline])), default=None)


def training_figures(run, figure, best):
    """A run's training speed and time from its evaluations.jsonl, its best logged `figure`, and the
    training seconds at which it first reached `best` (the baseline's; None: never)."""
    rows = read_evaluations(run)
    if not rows:
        raise TTSError(f"{run}: no evaluations.jsonl; train with train.eval_every > 0")
    reached = next((row for row in rows if best is not None and row[figure] <= best), None)
    lowest = min(rows, key=lambda row: row[figure])
    return {
        f"best_logged_{figure}": lowest[figure],
        "best_logged_at_seconds": lowest["train_seconds"],
        "seconds_to_baseline_best": reached["train_seconds"] if reached else None,
        "steps": rows[-1]["step"],
        "train_seconds": rows[-1]["train_seconds"],
        "steps_per_second": rows[-1]["step"] / rows[-1]["train_seconds"],
    }


def table_rows(models, rows, *, empty_cells=0):
    """Markdown rows "| title | value | ... |" of {label: figures}, one per (title, key, format) in
    `rows`, each ending in `empty_cells` empty cells; a missing figure (None) reads "never"."""
    lines = []
    for title, key, form in rows:
        cells = [form.format(figures[key]) if figures[key] is not None else "never" for figures in models.values()]
        lines.append(f"| {title} | " + " | ".join(cells) + " |" + " |" * empty_cells)
    return lines


def write_comparison(out_dir, result, table):
    """OUT/comparison.json and OUT/comparison.md, atomically; then the table and one JSON line on stdout."""
    write_text_atomic(Path(out_dir) / "comparison.json", json.dumps(result, indent=2) + "\n")
    write_text_atomic(Path(out_dir) / "comparison.md", table + "\n")
    print(table)
    print(json.dumps(result))
