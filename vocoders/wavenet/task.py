"""WaveNet as a Task for the shared training loop, and the whole run: manifest in, weights out."""

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import torch

from tts.config import config_to_dict
from tts.corpora.holdout import HOLDOUT_FRACTION, holdout_split
from tts.errors import TTSError
from tts.training import Task, TrainConfig
from tts.training.stage import run_stage, shows_bars, weights_file
from vocoders.wavenet.config import WaveNetConfig
from vocoders.wavenet.data import SegmentDataset, WaveNetDataConfig, prepare_corpus
from vocoders.wavenet.distributions import mol_loss, mulaw_loss
from vocoders.wavenet.excitation import (
    band_limit_hz,
    frame_coefficients,
    history_samples,
    injection_noise,
    training_pairs,
)
from vocoders.wavenet.model import KIND, WaveNet
from vocoders.wavenet.mulaw import mulaw_quantize
from vocoders.wavenet.upsample import upsample_context

WEIGHTS_FILE = weights_file(KIND)


def default_train_config():
    return TrainConfig(
        out_dir="exp/wavenet",
        max_steps=200_000,
        batch_size=8,
        lr=1e-3,
        warmup_steps=200,
        lr_decay="cosine",
        min_lr_ratio=0.05,
        ema_decay=0.9995,
        checkpoint_every=500,
        log_every=50,
    )


@dataclass
class WaveNetRunConfig:
    model: WaveNetConfig = field(default_factory=WaveNetConfig)  # n_mels and speakers come from the data
    data: WaveNetDataConfig = field(default_factory=WaveNetDataConfig)
    holdout_fraction: float = HOLDOUT_FRACTION  # per speaker, deterministic (tts.corpora.holdout), as every stage
    train: TrainConfig = field(default_factory=default_train_config)
    # "" = start from random weights; a trained WaveNet (weights file or run folder) of the same
    # config to start from, e.g. fine-tuning on ground-truth-aligned mels (data.mel_dir). A run that
    # resumes from its own checkpoints ignores it.
    init_from: str = ""


class WaveNetTask(Task):
    kind = KIND

    def __init__(self, model_config, dataset, spec, *, init_from="", injected_noise=0.0):
        if model_config.hop_length != spec.hop_length:
            raise TTSError(
                f"upsample_scales {list(model_config.conditioning.upsample_scales)} multiply to "
                f"{model_config.hop_length}, but the FeatureSpec's hop_length is {spec.hop_length}"
            )
        self.model_config = model_config
        self.dataset = dataset
        self.spec = spec
        self.init_from = init_from
        self.injected_noise = injected_noise  # μ-law levels (WaveNetDataConfig.injected_noise)

    def build_model(self):
        model = WaveNet(self.model_config)
        if self.init_from:
            path = Path(self.init_from)
            trained = WaveNet.load(path / WEIGHTS_FILE if path.is_dir() else path, spec=self.spec)
            ours, theirs = config_to_dict(self.model_config), config_to_dict(trained.config)
            differing = sorted(key for key in ours if ours[key] != theirs[key])
            if differing:
                raise TTSError(f"init_from {self.init_from}: its model config differs in {differing}; it must match the run's")
            model.load_state_dict({name: value.float() for name, value in trained.state_dict().items()})
        return model

    def describe(self):
        return describe(self.model_config, self.spec.sample_rate)

    def loss(self, model, batch):
        output = self.model_config.output
        if self.model_config.excitation.lpc_order:
            previous, target = self.excitation_pairs(batch)
        else:
            target = batch["target"]
            previous = torch.cat([batch["history"][:, -1:], target[:, :-1]], dim=1)
            if output.kind == "mulaw":  # the model hears what it will generate: μ-law levels
                previous = mulaw_quantize(previous, output.mulaw_channels)
        speaker = batch["speaker"] if self.model_config.conditioning.speakers else None
        params = model(previous, batch["mel"], speaker, frame_mask=batch["frame_mask"], context=self.dataset.context)
        if output.kind == "mulaw":
            loss = mulaw_loss(params, target, output.mulaw_channels)
        else:
            loss = mol_loss(params, target, bins=output.mol_bins, log_scale_min=output.log_scale_min)
        return loss, {f"{output.kind}_nll": loss.detach()}

    def excitation_pairs(self, batch):
        """An excitation model's inputs and target excitation (excitation.py), from the frames of
        the segment and the one before it."""
        context, frames = self.dataset.context, self.dataset.segment_frames
        mel = batch["mel"][:, context - 1 : context + frames]
        coefficients = frame_coefficients(mel, self.model_config.excitation, self.spec)
        audio = torch.cat([batch["history"], batch["target"]], dim=1)
        samples = batch["target"].shape[1] + 1  # x[-1] .. x[N - 1]
        noise = injection_noise(audio.shape[0], samples, self.injected_noise)
        return training_pairs(
            audio, coefficients, excitation=self.model_config.excitation, hop=self.spec.hop_length,
            channels=self.model_config.output.mulaw_channels, source=batch.get("source"), noise=noise,
        )


def describe(config, sample_rate):
    """One line: the sizes that matter, the receptive field and the parameter count."""
    stack, field_ = config.stack, config.stack.receptive_field
    parameters = sum(p.numel() for p in WaveNet(config).parameters())
    speakers = len(config.conditioning.speakers) or "no"
    order = config.excitation.lpc_order
    return (
        f"WaveNet{f' (LPC order {order} excitation)' if order else ''}: {stack.layers} layers "
        f"(residual {stack.residual_channels}, gate {stack.gate_channels}, "
        f"skip {stack.skip_channels}), {config.output.kind} output, receptive field {field_} samples "
        f"({field_ / sample_rate * 1000:.1f} ms), {parameters:,} parameters, {speakers} speakers"
    )


def run_speakers(utterances, speakers):
    """The embedding's speaker order: `speakers` (a corpus speaker table) or the sorted ids; one
    speaker needs no global conditioning."""
    present = sorted({u.speaker for u in utterances})
    order = tuple(speakers) if speakers else tuple(present)
    missing = sorted(set(present) - set(order))
    if missing:
        raise TTSError(f"speakers {missing} are in the manifest but not in its speaker table")
    return order if len(order) > 1 else ()


def train_wavenet(manifest_path, run, *, speakers=None, progress=True):
    """Train on every usable utterance of the manifest minus the held-out share; returns the
    exported weights' path (`<out_dir>/wavenet.safetensors`; None on the other ranks under
    torchrun). Resumes from `<out_dir>/checkpoints` when it holds a run."""
    utterances, skipped = prepare_corpus(
        manifest_path, run.data, progress=shows_bars(run, progress), f0=run.model.excitation.f0_source,
        band_limit_hz=band_limit_hz(run.model.excitation, run.data.spec),
    )
    utterances, held_out = holdout_split(utterances, run.holdout_fraction)
    conditioning = dataclasses.replace(
        run.model.conditioning, n_mels=run.data.spec.n_mels, speakers=run_speakers(utterances, speakers)
    )
    model_config = dataclasses.replace(run.model, conditioning=conditioning)
    dataset = SegmentDataset(
        utterances,
        conditioning.speakers,
        segment_frames=run.data.segment_frames,
        context=upsample_context(conditioning.upsample_scales),
        hop_length=run.data.spec.hop_length,
        history=history_samples(model_config.excitation),
        sample_rate=run.data.spec.sample_rate,
    )
    task = WaveNetTask(
        model_config, dataset, run.data.spec, init_from=run.init_from, injected_noise=run.data.injected_noise
    )
    return run_stage(run, task, held_out=held_out, skipped=skipped, progress=progress).weights
