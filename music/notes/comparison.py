"""Note models side by side (`tts midi compare`, the recipe's last stage): held-out likelihood,
training speed and time (music.comparison: the same held-out pieces, the time to reach the
baseline's best NLL), generation speed, and musical statistics of compositions against the
held-out pieces.
"""

import time
from pathlib import Path

from music.comparison import baseline_best, common_held_out, held_out_report, table_rows, training_figures
from music.notes.compose import compose
from music.notes.corpus import PIECES_FILE, read_pieces
from music.notes.events import read_piece, write_midi
from music.notes.models import load_note_model
from music.notes.statistics import piece_statistics, summarize
from music.notes.tokens import decode
from music.render import render_midi
from tts.errors import TTSError

STATISTICS = ("in_key", "pitch_range", "mean_duration", "repeated_4grams")


def compare_runs(runs, *, baseline, out_dir, compositions=20, bars=16, temperature=1.0, seed=0, render=True):
    """{"models": {label: figures}, "held_out": statistics of the held-out pieces}; runs: {label: run folder}.
    Compositions are written to out_dir/<label>/NN.mid (and .wav when `render`)."""
    best = baseline_best(runs, baseline, "nll")
    held_out = _held_out_pieces(runs)
    models = {}
    for label, run in runs.items():
        model = load_note_model(run)
        report = held_out_report(run)
        models[label] = {
            "parameters": sum(p.numel() for p in model.parameters()),
            "heldout_nll": report["nll"],
            "heldout_accuracy": report["accuracy"],
            **training_figures(run, "nll", best),
            **_composition_figures(model, Path(out_dir) / label, compositions=compositions, bars=bars,
                                   temperature=temperature, seed=seed, render=render),
        }
    reference = summarize([piece_statistics(list(piece.events)) for piece in held_out])
    return {"baseline": baseline, "baseline_best_nll": best, "held_out_pieces": len(held_out),
            "models": models, "held_out": {name: reference[name] for name in STATISTICS}}


def _held_out_pieces(runs):
    pieces = {piece.id: piece for piece in read_pieces(Path(next(iter(runs.values()))) / PIECES_FILE)}
    return [pieces[piece_id] for piece_id in common_held_out(runs)]


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
    lines += table_rows(result["models"], rows, empty_cells=1)
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
