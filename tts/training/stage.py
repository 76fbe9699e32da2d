"""A trainable stage's run, the same for every stage (aligner, duration, acoustic, WaveNet): the
stage prepares its data, splits off its held-out items and builds its Task; `run_stage` does the rest.

    result = run_stage(run, task, held_out=held_out, skipped=skipped, report=score, progress=progress)

The run folder (run.train.out_dir) then holds, beside the loop's checkpoints/ and tensorboard/:

    <kind>.yaml          the run config, its model section as trained (what came from the data included)
    <kind>.safetensors   the exported weights (the EMA ones when EMA is on)
    held_out.json        the held-out ids and the stage's figures on them (tts.corpora.holdout)

Under torchrun every rank trains; rank 0 alone writes and prints.
"""

import dataclasses
from pathlib import Path
from typing import NamedTuple

import yaml

from tts.atomic import write_text_atomic
from tts.config import config_to_dict
from tts.corpora.holdout import HELD_OUT_FILE, write_held_out
from tts.training.checkpoints import export_weights
from tts.training.distributed import is_main_process
from tts.training.trainer import train


class StageResult(NamedTuple):
    weights: Path | None  # <out_dir>/<kind>.safetensors; None on the other ranks under torchrun
    report: dict | None  # the stage's held-out figures ({} for a stage without them); None on the other ranks


def weights_file(kind):
    """The exported weights' file name in a run folder."""
    return f"{kind}.safetensors"


def shows_bars(run, progress):
    """Whether the run shows progress bars (data preparation, training): the caller's `progress` and
    the config's train.progress_bar must both allow them."""
    return progress and run.train.progress_bar


def run_stage(run, task, *, held_out=(), skipped=None, report=None, progress=True):
    """Train `task` under `run` (a run config with `model` and `train` sections) in run.train.out_dir.

    held_out   the items (with `.id`) the stage split off and does not train on
    skipped    {utterance id: reason} for what data preparation left out, printed one a line
    report     report(weights path, held_out) -> {figure: value}, the stage's figures on held_out
    progress   False prints neither the model's description nor any bar (train.progress_bar=false
               hides the bars alone)

    Resumes from the run folder's checkpoints when it holds a run.
    """
    out_dir = Path(run.train.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ids = [item.id for item in held_out]
    main = is_main_process()
    if main:
        for utterance_id, reason in sorted((skipped or {}).items()):
            print(f"skipped {utterance_id}: {reason}")
        trained = dataclasses.replace(run, model=task.model_config)
        write_text_atomic(out_dir / f"{task.kind}.yaml", yaml.safe_dump(config_to_dict(trained), sort_keys=False))
        write_held_out(out_dir / HELD_OUT_FILE, ids)  # now, so a run in progress can be scored on them
        if progress:
            print(task.describe())
    result = train(task, dataclasses.replace(run.train, progress_bar=shows_bars(run, progress)))
    if not main:
        return StageResult(None, None)
    weights = export_weights(result.checkpoint, out_dir / weights_file(task.kind))
    if report is None:
        return StageResult(weights, {})
    figures = report(weights, held_out)
    write_held_out(out_dir / HELD_OUT_FILE, ids, figures)
    return StageResult(weights, figures)
