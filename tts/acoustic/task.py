"""The acoustic model as a Task for the shared training loop, and the whole run: manifest and
durations in, weights and the held-out mel error out.

The phoneme inventory is passed in (`symbols`, `inventory_version`) by the caller (the CLI),
since tts/ does not import frontends/.
"""

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from tts.acoustic.config import AcousticConfig
from tts.acoustic.data import AcousticDataConfig, AcousticDataset, collate, feature_stats, prepare_corpus
from tts.acoustic.losses import log_f0_mse, masked_mse, mel_l1, voicing_bce
from tts.acoustic.model import KIND, AcousticModel
from tts.corpora.holdout import HOLDOUT_FRACTION, holdout_split
from tts.durations import read_durations
from tts.errors import TTSError
from tts.training import Task, TrainConfig
from tts.training.stage import run_stage, shows_bars, weights_file

WEIGHTS_FILE = weights_file(KIND)
REPORT_BATCH = 16  # held-out utterances synthesized per batch


def default_train_config():
    return TrainConfig(
        out_dir="exp/acoustic",
        max_steps=100_000,
        batch_size=16,
        lr=1e-3,
        warmup_steps=4000,
        lr_decay="inverse_sqrt",  # the Transformer schedule FastSpeech 2 uses
        grad_clip=1.0,
        checkpoint_every=2000,
        log_every=100,
    )


@dataclass
class AcousticLossConfig:
    mel: float = 1.0  # L1 of the decoder's mel
    postnet: float = 1.0  # L1 of the postnet's mel (ignored without a postnet)
    pitch: float = 0.1  # MSE of the normalized phoneme pitch
    energy: float = 0.1  # MSE of the normalized phoneme energy
    log_f0: float = 0.1  # MSE of frame log-F0 over voiced frames
    voicing: float = 0.1  # BCE of the frame voicing logits


@dataclass
class AcousticRunConfig:
    model: AcousticConfig = field(default_factory=AcousticConfig)  # inventory, speakers, n_mels, stats: from the data
    data: AcousticDataConfig = field(default_factory=AcousticDataConfig)
    loss: AcousticLossConfig = field(default_factory=AcousticLossConfig)
    holdout_fraction: float = HOLDOUT_FRACTION  # per speaker, deterministic (tts.corpora.holdout), as every stage
    train: TrainConfig = field(default_factory=default_train_config)


class AcousticTask(Task):
    kind = KIND

    def __init__(self, model_config, dataset, spec, loss_config=None):
        self.model_config = model_config
        self.dataset = dataset
        self.spec = spec
        self.weights = loss_config or AcousticLossConfig()
        self.lengths = dataset.lengths  # frames per item: the sampler buckets batches by them

    def build_model(self):
        return AcousticModel(self.model_config)

    def collate(self, samples):
        return collate(samples)

    def loss(self, model, batch):
        out = model(batch["ids"], batch["lengths"], batch["speakers"], batch["durations"],
                    batch["pitch"], batch["energy"])
        frames, w = batch["frame_lengths"], self.weights
        terms = {
            "mel_l1": mel_l1(out.mel, batch["mel"], frames),
            "pitch_mse": masked_mse(out.pitch, batch["pitch"], batch["lengths"]),
            "energy_mse": masked_mse(out.energy, batch["energy"], batch["lengths"]),
            "log_f0_mse": log_f0_mse(out.log_f0, batch["f0"], frames),
            "voicing_bce": voicing_bce(out.voicing, batch["f0"], frames),
        }
        weights = {"mel_l1": w.mel, "pitch_mse": w.pitch, "energy_mse": w.energy, "log_f0_mse": w.log_f0,
                   "voicing_bce": w.voicing}
        if self.model_config.postnet.layers:
            terms["postnet_mel_l1"] = mel_l1(out.postnet_mel, batch["mel"], frames)
            weights["postnet_mel_l1"] = w.postnet
        loss = sum(weights[name] * value for name, value in terms.items())
        return loss, {name: value.detach() for name, value in terms.items()}


def train_acoustic(manifest_path, durations_path, run, *, symbols, inventory_version, speakers=None, progress=True):
    """Train on the durations records (minus the held-out share) whose audio the manifest lists.

    Returns the StageResult (weights path, held-out report; both None on the other ranks under
    torchrun). `symbols` / `inventory_version` are the phoneme inventory the durations were aligned
    with; `speakers` orders the speaker embedding (the corpus's speaker table), default sorted ids.
    """
    durations = read_durations(durations_path)
    if durations.inventory != inventory_version:
        raise TTSError(
            f"{durations_path} uses phoneme inventory {durations.inventory!r}, the model has "
            f"{inventory_version!r}; re-run `tts align`"
        )
    spec = durations.spec  # the durations are frames of the voice's spec: the mels must be too
    speakers = tuple(speakers or sorted({record.speaker for record in durations.records}))
    utterances, skipped = prepare_corpus(
        manifest_path, durations, spec, tuple(symbols), run.data, progress=shows_bars(run, progress)
    )
    training, held_out = holdout_split(utterances, run.holdout_fraction)
    if not training:
        raise TTSError(f"{durations_path}: nothing left to train on after holding out {run.holdout_fraction:.0%}")
    stats = feature_stats(training, spec)
    model_config = dataclasses.replace(
        run.model, symbols=tuple(symbols), inventory_version=inventory_version, speakers=speakers,
        n_mels=spec.n_mels, **dataclasses.asdict(stats),
    )
    task = AcousticTask(model_config, AcousticDataset(training, speakers, stats), spec, run.loss)

    def report(weights, held):
        return {**held_out_report(AcousticModel.load(weights, spec=spec), held), "skipped": len(skipped)}

    return run_stage(run, task, held_out=held_out, skipped=skipped, report=report, progress=progress)


def held_out_report(model, utterances):
    """Mean absolute error per mel bin of the synthesized mel (true durations, predicted pitch and
    energy), over every held-out frame."""
    if not utterances:
        return {"utterances": 0}
    speaker_index = {speaker: index for index, speaker in enumerate(model.config.speakers)}
    total, n_values = 0.0, 0
    for first in range(0, len(utterances), REPORT_BATCH):
        chunk = utterances[first : first + REPORT_BATCH]
        results = model.synthesize_batch(
            [u.ids for u in chunk], [u.durations for u in chunk], [speaker_index[u.speaker] for u in chunk]
        )
        for utterance, (mel, _) in zip(chunk, results):
            target = np.load(utterance.mel_path)
            total += float(np.abs(mel - target).sum())
            n_values += target.size
    return {"utterances": len(utterances), "mel_l1": total / n_values}
