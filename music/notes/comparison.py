"""Note models side by side (`tts midi compare`, the recipe's last stage): held-out likelihood,
training speed and time, generation speed, and musical statistics of compositions against the
held-out pieces.

Every model must have been trained on the same held-out split (the runs' held_out.json), so the
figures are on the same pieces. "Time to reach the baseline's best" is the training time (the
runs' evaluations.jsonl, tts.training.evaluations) at which a model's held-out NLL first reaches
the lowest one the baseline logged.
"""

import json
import time
from pathlib import Path

from music.notes.compose import compose
from music.notes.corpus import PIECES_FILE, read_pieces
from music.notes.events import read_piece, write_midi
from music.notes.models import load_note_model
from music.notes.statistics import piece_statistics, summarize
from music.notes.tokens import decode
from music.render import render_midi
from tts.corpora.holdout import HELD_OUT_FILE, read_held_out_ids
from tts.errors import TTSError
from tts.training.evaluations import read_evaluations

STATISTICS = ("in_key", "pitch_range", "mean_duration", "repeated_4grams")


def compare_runs(runs, *, baseline, out_dir, compositions=20, bars=16, temperature=1.0, seed=0, render=True):
    """{"models": {label: figures}, "held_out": statistics of the held-out pieces}; runs: {label: run folder}.
    Compositions are written to out_dir/<label>/NN.mid (and .wav when `render`)."""
    if baseline not in runs:
        raise TTSError(f"baseline {baseline!r} is not one of the runs ({', '.join(runs)})")
    held_out = _common_held_out(runs)
    baseline_best = min((row["nll"] for row in read_evaluations(runs[baseline])), default=None)
    models = {}
    for label, run in runs.items():
        model = load_note_model(run)
        models[label] = {
            "parameters": sum(p.numel() for p in model.parameters()),
            **_training_figures(run, baseline_best),
            **_composition_figures(model, Path(out_dir) / label, compositions=compositions, bars=bars,
                                   temperature=temperature, seed=seed, render=render),
        }
    reference = summarize([piece_statistics(list(piece.events)) for piece in held_out])
    return {"baseline": baseline, "baseline_best_nll": baseline_best, "held_out_pieces": len(held_out),
            "models": models, "held_out": {name: reference[name] for name in STATISTICS}}


def _common_held_out(runs):
    splits = {label: sorted(read_held_out_ids(Path(run) / HELD_OUT_FILE)) for label, run in runs.items()}
    first = next(iter(splits.values()))
    if any(ids != first for ids in splits.values()):
        raise TTSError("the runs held out different pieces (their held_out.json differ): train them on one corpus "
                       "with one holdout_fraction")
    pieces = {piece.id: piece for piece in read_pieces(Path(next(iter(runs.values()))) / PIECES_FILE)}
    return [pieces[piece_id] for piece_id in first]


def _training_figures(run, baseline_best):
    report = json.loads((Path(run) / HELD_OUT_FILE).read_text(encoding="utf-8"))["report"]
    rows = read_evaluations(run)
    if not rows:
        raise TTSError(f"{run}: no evaluations.jsonl; train with train.eval_every > 0")
    reached = next((row for row in rows if baseline_best is not None and row["nll"] <= baseline_best), None)
    best = min(rows, key=lambda row: row["nll"])
    return {
        "heldout_nll": report["nll"],
        "heldout_accuracy": report["accuracy"],
        "best_logged_nll": best["nll"],
        "best_logged_at_seconds": best["train_seconds"],
        "seconds_to_baseline_best": reached["train_seconds"] if reached else None,
        "steps": rows[-1]["step"],
        "train_seconds": rows[-1]["train_seconds"],
        "steps_per_second": rows[-1]["step"] / rows[-1]["train_seconds"],
    }


def _composition_figures(model, out_dir, *, compositions, bars, temperature, seed, render):
    out_dir.mkdir(parents=True, exist_ok=True)
    tokens, seconds, statistics, reparsed, rendered = 0, 0.0, [], 0, 0
    for index in range(compositions):
        started = time.perf_counter()
        ids = compose(model, bars=bars, temperature=temperature, seed=seed + index)
        seconds += time.perf_counter() - started
        tokens += len(ids)
        events = decode(ids)
        statistics.append(piece_statistics(events))
        midi = write_midi(events, out_dir / f"{index:02d}.mid")
        reparsed += _reparses(midi)
        if render:
            render_midi(midi, midi.with_suffix(".wav"))
            rendered += 1
    summary = summarize(statistics)
    return {"tokens_per_second": tokens / seconds, "compositions": compositions, "reparsed": reparsed,
            "rendered": rendered, **{name: summary[name] for name in STATISTICS}}


def _reparses(midi):
    try:
        return bool(read_piece(midi).events)
    except TTSError:
        return False


def comparison_table(result):
    """A markdown table of compare_runs' result."""
    labels = list(result["models"])
    rows = [("held-out NLL (nats/token)", "heldout_nll", "{:.3f}"), ("next-token accuracy", "heldout_accuracy", "{:.3f}"),
            (f"seconds to reach {result['baseline']}'s best NLL", "seconds_to_baseline_best", "{:.0f}"),
            ("training steps (at the last evaluation)", "steps", "{:d}"), ("training seconds", "train_seconds", "{:.0f}"),
            ("training steps / s", "steps_per_second", "{:.2f}"), ("generation tokens / s", "tokens_per_second", "{:.0f}"),
            ("parameters", "parameters", "{:,}")]
    lines = ["| | " + " | ".join(labels) + " | held-out pieces |", "|---" * (len(labels) + 2) + "|"]
    for title, key, form in rows:
        cells = [form.format(result["models"][label][key]) if result["models"][label][key] is not None else "never"
                 for label in labels]
        lines.append(f"| {title} | " + " | ".join(cells) + " | |")
    for name in STATISTICS:
        cells = [_mean_sd(result["models"][label][name]) for label in labels]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {_mean_sd(result['held_out'][name])} |")
    counts = [f"{result['models'][label]['reparsed']}/{result['models'][label]['compositions']} re-parse, "
              f"{result['models'][label]['rendered']} rendered" for label in labels]
    lines.append("| compositions | " + " | ".join(counts) + " | |")
    return "\n".join(lines)


def _mean_sd(pair):
    mean, sd = pair
    return f"{mean:.3g} ± {sd:.2g}"
