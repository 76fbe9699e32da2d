"""Sample-level music models as Tasks for the shared training loop, and the whole `tts music train`
run: a folder of audio in, weights, held-out figures and a log of them over training time out.

An item is a segment of data.segment samples from a random place in a training file (files drawn in
proportion to their length), with the sample before it (silence at a file's start); the loss is the
cross-entropy of every sample's μ-law class given those before it. Both models read the past as
they will hear it when generating: the WaveNet the μ-law levels (as the vocoder trains), the LSTM
their classes.

Held out: fixed windows spread evenly over the held-out files, each heard for data.eval_context
samples before data.eval_samples scored ones, so that every scored sample has the WaveNet's whole
receptive field behind it (and the LSTM the same past). The figure is bits per sample: the mean
negative log-likelihood in nats / ln 2 (8 is a uniform guess over 256 classes).
"""

import dataclasses
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

from music.raw.config import MusicWaveNetRun
from music.raw.corpus import SAMPLE_RATE, corpus_instruments, prepare_corpus
from music.raw.lstm import KIND as LSTM_KIND
from music.raw.lstm import SampleLSTM
from music.raw.models import LOADERS, instruments_of, model_kind, mulaw_channels
from music.raw.wavenet import KIND as WAVENET_KIND
from music.raw.wavenet import check_music_wavenet
from tts.errors import TTSError
from tts.training import Task
from tts.training.stage import run_stage, shows_bars
from vocoders.wavenet.model import WaveNet
from vocoders.wavenet.mulaw import mulaw_encode, mulaw_quantize
from vocoders.wavenet.task import describe as describe_wavenet

EVAL_BATCH = 8  # held-out windows scored at once


class Segments(Dataset):
    """Item i: {"audio": segment + 1 samples (the one before the segment first), "instrument": index}
    of a random place in a file; a file counts for one item per `segment` samples it holds."""

    def __init__(self, files, instruments, *, segment):
        self.files = files
        self.segment = segment
        self.instrument_index = {name: index for index, name in enumerate(instruments)}
        self.ends = np.cumsum([max(f.samples // segment, 1) for f in files])

    def __len__(self):
        return int(self.ends[-1])

    def __getitem__(self, index):
        file = self.files[int(np.searchsorted(self.ends, index, side="right"))]
        # np.random: seeded per item by the loop (tts.training.sampler), so resume repeats it exactly
        start = int(np.random.randint(0, max(file.samples - self.segment, 0) + 1))
        return {"audio": torch.from_numpy(window(file, start - 1, self.segment + 1)),
                "instrument": self.instrument_index.get(file.instrument, 0)}


def window(file, start, length):
    """`length` samples of a file from `start`, silence outside it."""
    audio = file.audio(max(start, 0), max(start + length, 0))
    before = min(max(-start, 0), length)
    return np.pad(audio, (before, length - before - len(audio)))


def held_out_windows(files, instruments, data):
    """(audio [windows, context + scored + 1], instrument [windows]): data.eval_windows windows whose
    scored spans start evenly over the held-out files' possible places; None without held-out files."""
    files = [f for f in files if f.samples >= data.eval_samples]
    if not files:
        return None
    places = [f.samples - data.eval_samples + 1 for f in files]
    ends = np.cumsum(places)
    index = {name: i for i, name in enumerate(instruments)}
    audio, which = [], []
    for position in np.linspace(0, ends[-1] - 1, data.eval_windows).round().astype(np.int64):
        number = int(np.searchsorted(ends, position, side="right"))
        scored = int(position - (ends[number] - places[number]))
        audio.append(window(files[number], scored - data.eval_context - 1, data.eval_context + data.eval_samples + 1))
        which.append(index.get(files[number].instrument, 0))
    return torch.from_numpy(np.stack(audio)), torch.tensor(which)


def wavenet_logits(model, previous, instrument, channels):
    """The music WaveNet's logits [batch, time, classes] given the previous samples [batch, time]."""
    return model(mulaw_quantize(previous, channels), None, instrument)


def lstm_logits(model, previous, instrument, channels):
    return model(mulaw_encode(previous, channels), instrument)


LOGITS = {WAVENET_KIND: wavenet_logits, LSTM_KIND: lstm_logits}


def next_sample_nll(model, kind, audio, instrument, channels):
    """The negative log-likelihood in nats [batch, time] of every sample of audio [batch, time + 1]
    after the first, given those before it. `model` may be wrapped (DDP): only its forward is called."""
    logits = LOGITS[kind](model, audio[:, :-1], instrument, channels)
    target = mulaw_encode(audio[:, 1:], channels)
    return F.cross_entropy(logits.flatten(0, 1).float(), target.flatten(), reduction="none").view(target.shape)


def bits_per_sample(model, windows, *, context):
    """{"bits_per_sample": the mean over the scored samples (all but the first context + 1 of each
    window)} of either model (in eval mode); windows: held_out_windows'."""
    audio, instruments = windows
    conditioned = bool(instruments_of(model))
    device = next(model.parameters()).device
    nats, count = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(audio), EVAL_BATCH):
            instrument = instruments[start : start + EVAL_BATCH].to(device) if conditioned else None
            nll = next_sample_nll(model, model_kind(model), audio[start : start + EVAL_BATCH].to(device), instrument,
                                  mulaw_channels(model))
            nats += float(nll[:, context:].sum())
            count += nll[:, context:].numel()
    return {"bits_per_sample": nats / count / math.log(2)}


class RawTask(Task):
    def __init__(self, kind, model_config, train_files, windows, data, *, instruments, channels):
        self.kind = kind
        self.model_config = model_config
        self.instruments = instruments
        self.channels = channels
        self.dataset = Segments(train_files, instruments, segment=data.segment)
        self.windows = windows
        self.context = data.eval_context
        self.find_unused_parameters = kind == WAVENET_KIND  # its upsampler: no mel to upsample

    def build_model(self):
        return WaveNet(self.model_config) if self.kind == WAVENET_KIND else SampleLSTM(self.model_config)

    def describe(self):
        hours = sum(f.samples for f in self.dataset.files) / SAMPLE_RATE / 3600
        held_out = 0 if self.windows is None else len(self.windows[0])
        if self.kind == WAVENET_KIND:
            what = describe_wavenet(self.model_config, SAMPLE_RATE).replace("speakers", "instruments")
        else:
            config = self.model_config
            parameters = sum(p.numel() for p in self.build_model().parameters())
            what = (f"sample LSTM: {config.layers} layers of {config.hidden}, embedding {config.embedding}, "
                    f"{parameters:,} parameters, {len(config.instruments) or 'no'} instruments")
        return f"{what}; {len(self.dataset.files)} training files ({hours:.2f} h), {held_out} held-out windows"

    def loss(self, model, batch):
        instrument = batch["instrument"] if self.instruments else None
        loss = next_sample_nll(model, self.kind, batch["audio"], instrument, self.channels).mean()
        return loss, {"bits_per_sample": loss.detach() / math.log(2)}

    def evaluate(self, model):
        return None if self.windows is None else bits_per_sample(model, self.windows, context=self.context)


def train_music(run, *, progress=True):
    """Train the model of `run` (MusicWaveNetRun or SampleLSTMRun) on its corpus folder. Returns
    tts.training.stage.StageResult."""
    data = run.data
    train, held_out, skipped = prepare_corpus(data.corpus, fraction=run.holdout_fraction, cache_dir=data.cache_dir,
                                              progress=shows_bars(run, progress))
    if not train:
        raise TTSError(f"{data.corpus}: every usable file is held out; nothing is left to train on")
    instruments = corpus_instruments(train + held_out) if data.instruments else ()
    if isinstance(run, MusicWaveNetRun):
        kind, channels = WAVENET_KIND, run.model.output.mulaw_channels
        check_music_wavenet(run.model)
        conditioning = dataclasses.replace(run.model.conditioning, speakers=instruments)
        model_config = dataclasses.replace(run.model, conditioning=conditioning)
    else:
        kind, channels = LSTM_KIND, run.model.mulaw_channels
        model_config = dataclasses.replace(run.model, instruments=instruments, context=data.segment)
    windows = held_out_windows(held_out, instruments, data)
    task = RawTask(kind, model_config, train, windows, data, instruments=instruments, channels=channels)

    def report(weights, _held_out):
        return {} if windows is None else bits_per_sample(LOADERS[kind](weights), windows, context=data.eval_context)

    return run_stage(run, task, held_out=held_out, skipped=skipped, report=report, progress=progress)
