"""Music models side by side (`tts music compare`, the recipe's last stage): held-out bits per sample,
parameters, training speed and time (music.comparison: the same held-out files, the time to reach
the baseline's best), and generation speed: the real-time factor (seconds of compute per second of
audio) of a few pieces of new music from each, written to OUT/<label>/NN.wav, the instruments taking
turns.
"""

import time
from pathlib import Path

import numpy as np

from music.comparison import baseline_best, common_held_out, held_out_report, table_rows, training_figures
from music.raw.corpus import SAMPLE_RATE
from music.raw.generate import generate
from music.raw.models import instruments_of, load_music_model
from tts import audio

FIGURE = "bits_per_sample"
WARM_UP = 256  # samples generated untimed first: the kernel's compilation (or its cache's loading) is not generation


def compare_runs(runs, *, baseline, out_dir, pieces=2, seconds=4.0, temperature=1.0, seed=0):
    """{"models": {label: figures}, ...}; runs: {label: run folder}."""
    best = baseline_best(runs, baseline, FIGURE)
    held_out = common_held_out(runs)
    models = {}
    for label, run in runs.items():
        model = load_music_model(run)
        models[label] = {
            "parameters": sum(p.numel() for p in model.parameters()),
            f"heldout_{FIGURE}": held_out_report(run).get(FIGURE),
            **training_figures(run, FIGURE, best),
            **_generation_figures(model, Path(out_dir) / label, pieces=pieces, seconds=seconds,
                                  temperature=temperature, seed=seed),
        }
    return {"baseline": baseline, f"baseline_best_{FIGURE}": best, "held_out_files": len(held_out), "models": models}


def _generation_figures(model, out_dir, *, pieces, seconds, temperature, seed):
    instruments = instruments_of(model) or (None,)
    samples = round(seconds * SAMPLE_RATE)
    for _ in generate(model, samples=WARM_UP, instrument=instruments[0]):
        pass
    elapsed = 0.0
    for index in range(pieces):
        started = time.perf_counter()
        wav = np.concatenate(list(generate(model, samples=samples, instrument=instruments[index % len(instruments)],
                                           temperature=temperature, seed=seed + index)))
        elapsed += time.perf_counter() - started
        audio.save(out_dir / f"{index:02d}.wav", wav, SAMPLE_RATE)
    return {"real_time_factor": elapsed / (pieces * samples / SAMPLE_RATE), "generated": pieces}


def comparison_table(result):
    """A markdown table of compare_runs' result."""
    labels = list(result["models"])
    rows = [("held-out bits / sample", f"heldout_{FIGURE}", "{:.3f}"),
            ("best logged bits / sample", f"best_logged_{FIGURE}", "{:.3f}"),
            (f"seconds to reach {result['baseline']}'s best", "seconds_to_baseline_best", "{:.0f}"),
            ("training steps (at the last evaluation)", "steps", "{:d}"), ("training seconds", "train_seconds", "{:.0f}"),
            ("training steps / s", "steps_per_second", "{:.3f}"),
            ("generation real-time factor", "real_time_factor", "{:.2f}"), ("parameters", "parameters", "{:,}")]
    lines = ["| | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
    return "\n".join(lines + table_rows(result["models"], rows))
