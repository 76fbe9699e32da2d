"""The duration model as a Task for the shared training loop, and the whole run: durations in,
weights and the held-out length figure out."""

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from frontends.duration.data import DurationDataset, collate, length_errors, log_durations
from frontends.duration.losses import masked_mse
from frontends.duration.model import KIND, DurationConfig, DurationModel
from frontends.inventory import english_inventory
from tts.corpora.holdout import HOLDOUT_FRACTION, holdout_split
from tts.durations import read_durations
from tts.errors import TTSError
from tts.training import Task, TrainConfig
from tts.training.stage import run_stage

LENGTH_TOLERANCE = 0.10  # an utterance's predicted length counts as right within 10 %


def default_train_config():
    return TrainConfig(
        out_dir="exp/duration",
        max_steps=2000,
        batch_size=32,
        lr=1e-3,
        warmup_steps=100,
        lr_decay="cosine",
        min_lr_ratio=0.05,
        checkpoint_every=1000,
        log_every=50,
    )


@dataclass
class DurationRunConfig:
    model: DurationConfig = field(default_factory=DurationConfig)  # inventory and speakers come from the data
    holdout_fraction: float = HOLDOUT_FRACTION  # per speaker, deterministic (tts.corpora.holdout), as every stage
    train: TrainConfig = field(default_factory=default_train_config)


class DurationTask(Task):
    kind = KIND

    def __init__(self, model_config, dataset, spec):
        self.model_config = model_config
        self.dataset = dataset
        self.spec = spec  # durations are frames of this spec; recorded so the voice can check it

    def build_model(self):
        return DurationModel(self.model_config)

    def collate(self, samples):
        return collate(samples)

    def loss(self, model, batch):
        predicted = model(batch["ids"], batch["lengths"], batch["speakers"])
        loss = masked_mse(predicted, log_durations(batch["durations"]), batch["lengths"])
        return loss, {"log_duration_mse": loss.detach()}


def train_duration(durations_path, run, *, speakers=None, progress=True):
    """Train on the durations file minus the held-out share; returns the StageResult (weights path,
    held-out report; both None on the other ranks under torchrun).

    `speakers` orders the speaker embedding (a corpus's speaker table); default: sorted ids.
    """
    durations = read_durations(durations_path)
    inventory = english_inventory()
    if durations.inventory != inventory.version:
        raise TTSError(
            f"{durations_path} uses phoneme inventory {durations.inventory!r}, this toolkit has "
            f"{inventory.version!r}; re-run `tts align`"
        )
    speakers = tuple(speakers or sorted({record.speaker for record in durations.records}))
    training, held_out = holdout_split(durations.records, run.holdout_fraction)
    model_config = dataclasses.replace(
        run.model, symbols=inventory.symbols, inventory_version=inventory.version, speakers=speakers
    )
    task = DurationTask(model_config, DurationDataset(training, inventory, speakers), durations.spec)
    return run_stage(
        run, task, held_out=held_out, progress=progress,
        report=lambda weights, records: held_out_report(DurationModel.load(weights), records),
    )


def held_out_report(model, records):
    """How close predicted utterance lengths (speed 1) come to the real ones."""
    if not records:
        return {"utterances": 0}
    inventory = model.config.inventory
    predicted = [model.predict(inventory.ids(r.phonemes)[0], r.speaker) for r in records]
    errors = length_errors(predicted, records)
    return {
        "utterances": len(records),
        "within_10_percent": float((errors <= LENGTH_TOLERANCE).mean()),
        "mean_relative_error": float(errors.mean()),
        "median_relative_error": float(np.median(errors)),
    }
