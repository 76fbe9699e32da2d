"""The aligner as a Task for the shared training loop, and the whole run: manifest in, weights out."""

import dataclasses
from dataclasses import dataclass, field

from frontends.aligner.data import AlignerDataConfig, AlignerDataset, collate, prepare_corpus
from frontends.aligner.losses import forward_sum_loss
from frontends.aligner.model import KIND, Aligner, AlignerConfig
from tts.errors import TTSError
from tts.training import Task, TrainConfig
from tts.training.stage import run_stage, shows_bars, weights_file

WEIGHTS_FILE = weights_file(KIND)


def default_train_config():
    # ~1,000 utterances converge in about a thousand steps (3,000 measured no better): 3 min on 2 CPU cores
    return TrainConfig(
        out_dir="exp/aligner",
        max_steps=1000,
        batch_size=16,
        lr=1e-3,
        warmup_steps=100,
        lr_decay="cosine",
        min_lr_ratio=0.1,
        checkpoint_every=500,
        log_every=25,
    )


@dataclass
class AlignerRunConfig:
    # inventory, speakers, n_mels: from the data. Deltas over +-1 frame: 84.2 % of festival's word
    # boundaries within 25 ms on the bootstrap corpus, against 81.9 % without, 84.1 % over +-2
    # and 79.5 % over +-4
    model: AlignerConfig = field(default_factory=lambda: AlignerConfig(mel_deltas=1))
    data: AlignerDataConfig = field(default_factory=AlignerDataConfig)
    train: TrainConfig = field(default_factory=default_train_config)


class AlignerTask(Task):
    kind = KIND

    def __init__(self, model_config, dataset, spec):
        if model_config.n_mels != spec.n_mels:
            raise TTSError(f"aligner n_mels {model_config.n_mels} != FeatureSpec n_mels {spec.n_mels}")
        self.model_config = model_config
        self.dataset = dataset
        self.spec = spec

    def build_model(self):
        return Aligner(self.model_config)

    def collate(self, samples):
        return collate(samples)

    def loss(self, model, batch):
        log_attention = model(batch.ids, batch.id_lengths, batch.mels, batch.mel_lengths, batch.speakers)
        loss = forward_sum_loss(log_attention, batch.id_lengths, batch.mel_lengths, batch.optional)
        return loss, {"forward_sum": loss.detach()}


def train_aligner(manifest_path, run, transcriber, *, progress=True):
    """Train on every usable utterance of the manifest; returns the exported weights' path
    (`<out_dir>/aligner.safetensors`; None on the other ranks under torchrun, which write nothing).
    Resumes from `<out_dir>/checkpoints` when it holds a run.

    Nothing is held out (held_out.json lists no ids): aligning is transductive. `tts align` must
    give every utterance, held-out ones included, the durations later stages train and are scored
    with, and the forward-sum loss is unsupervised (audio and transcript, no reference boundaries),
    so training on an utterance leaks nothing a later score is measured against; held out, an
    utterance would only be aligned worse."""
    utterances, skipped = prepare_corpus(manifest_path, run.data, transcriber, progress=shows_bars(run, progress))
    speakers = tuple(sorted({u.speaker for u in utterances}))
    inventory = transcriber.inventory
    model_config = dataclasses.replace(
        run.model,
        symbols=inventory.symbols,
        inventory_version=inventory.version,
        speakers=speakers,
        n_mels=run.data.spec.n_mels,
    )
    task = AlignerTask(model_config, AlignerDataset(utterances, speakers), run.data.spec)
    return run_stage(run, task, skipped=skipped, progress=progress).weights
