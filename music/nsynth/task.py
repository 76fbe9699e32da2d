"""`tts nsynth train`: the autoencoder as a Task for the shared training loop (resume, bf16, DDP,
held-out evaluations), on an NSynth-layout corpus (music.nsynth.corpus).

An item is a random frame-aligned crop of a training note: the decoder predicts the crop's samples
(μ-law cross-entropy, teacher-forced), conditioned on the codes the encoder makes of the note
around it (its learnt values and the frames' envelopes). Held out: the test split's instruments,
none of which is in training; every train.eval_every steps a fixed spread of its notes is scored
on one fixed crop each.
"""

import dataclasses
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from music.nsynth.autoencoder import KIND, WaveNetAutoencoder, decoder_context
from music.nsynth.codec import leveled
from music.nsynth.corpus import NOTE_OFF_SECONDS, load_note, read_split
from music.nsynth.encoder import frames_of
from music.nsynth.envelope import frame_envelopes
from music.nsynth.period import note_predictor
from tts.audio import rms_dbfs
from tts.errors import TTSError
from tts.training import Task
from tts.training.stage import run_stage, shows_bars
from vocoders.wavenet.distributions import mulaw_loss
from vocoders.wavenet.excitation import history_samples, injection_noise

HELD_OUT_CROPS = 4  # per held-out note, spread over its hold: the sound itself, not its release and silence


@dataclasses.dataclass(frozen=True)
class LoadedNote:
    id: str
    audio: np.ndarray  # float32 [samples]
    pitch: int


class NoteCrops(Dataset):
    """Crops of `window_frames` code frames of notes, with what the model reads around them: one
    random crop of each note, or with `starts` (frames) a fixed crop at each start of each note."""

    def __init__(self, notes, config, *, window_frames, starts=None):
        self.notes = notes
        self.config = config
        self.hop, self.reach = config.encoder.hop, config.encoder.reach
        self.history = history_samples(config.decoder.excitation)
        self.context = decoder_context(config)
        self.window_frames = window_frames
        self.starts = starts

    def __len__(self):
        return len(self.notes) * (len(self.starts) if self.starts else 1)

    def __getitem__(self, index):
        note = self.notes[index // len(self.starts) if self.starts else index]
        hop, context, window = self.hop, self.context, self.window_frames
        frames = frames_of(len(note.audio), hop)
        last = max(frames - window, 0)
        if self.starts:  # clipped to the note
            start = min(self.starts[index % len(self.starts)], last)
        else:  # np.random: seeded per item by the loop (tts.training.sampler), so resume repeats it exactly
            start = int(np.random.randint(0, last + 1))
        # the note in silence: `context` frames, the encoder's reach and the envelope's window (a
        # hop) of zeros before it, and after its last (zero-padded) frame enough for any window
        lead = self.reach + hop
        margin = context * hop + lead
        padded = np.zeros(margin + (max(frames, window) + context) * hop + lead, np.float32)
        padded[margin : margin + len(note.audio)] = note.audio
        span = slice(margin + start * hop, margin + (start + window) * hop)
        frame_index = np.arange(start - context, start + window + context)
        past = note.audio[max(start * hop - self.history, 0) : start * hop]
        history = np.zeros(self.history, np.float32)  # silence before the note
        history[self.history - len(past) :] = past
        period = note_predictor(self.config, note.pitch)
        # the envelopes of the crop's frames and of `context` frames either side, as its codes
        envelope = frame_envelopes(self.config, padded, span.start - context * hop, window + 2 * context)
        return {
            "encoder_input": torch.from_numpy(padded[hop + start * hop : hop + (start + window + 2 * context) * hop
                                                     + 2 * self.reach]),
            # the samples before the crop its first inputs read, then the crop's
            "signal": torch.from_numpy(np.concatenate([history, padded[span]])),
            "period": torch.from_numpy(period),  # the period predictor's coefficients (period.py)
            "envelope": torch.from_numpy(envelope),  # the end of each code (envelope.py)
            "pitch": torch.tensor(note.pitch),
            "frame_mask": torch.from_numpy(((frame_index >= 0) & (frame_index < frames)).astype(np.float32)),
        }


def hold_starts(config, window_frames, count=HELD_OUT_CROPS):
    """`count` crop starts (frames) spread evenly over a note's hold (NOTE_OFF_SECONDS)."""
    hold_frames = int(NOTE_OFF_SECONDS * config.sample_rate) // config.encoder.hop
    return sorted({round(start) for start in np.linspace(0, max(hold_frames - window_frames, 0), count)})


def crop_nll(model, batch, *, injected_noise=0.0):
    """Mean μ-law cross-entropy (nats per sample) of the decoder on a batch of crops; with
    `injected_noise`, its past moved by up to that many μ-law levels (NSynthDataConfig)."""
    signal = batch["signal"]
    samples = signal.shape[1] - history_samples(model_config(model).decoder.excitation) + 1  # x[-1] .. x[N - 1]
    noise = injection_noise(signal.shape[0], samples, injected_noise)
    params, target = model(batch["encoder_input"], batch["envelope"], signal, batch["pitch"], batch["period"],
                           batch["frame_mask"], noise)
    return mulaw_loss(params, target, model_config(model).decoder.output.mulaw_channels)


def model_config(model):
    """The AutoencoderConfig of a model, or of the model a DDP wrapper holds."""
    return getattr(model, "module", model).config


class AutoencoderTask(Task):
    kind = KIND

    def __init__(self, model_config, train_notes, held_out_notes, *, window_frames, injected_noise=0.0):
        self.model_config = model_config
        self.injected_noise = injected_noise
        self.dataset = NoteCrops(train_notes, model_config, window_frames=window_frames)
        self.held_out = NoteCrops(held_out_notes, model_config, window_frames=window_frames,
                                  starts=hold_starts(model_config, window_frames))

    def build_model(self):
        return WaveNetAutoencoder(self.model_config)

    def describe(self):
        model = self.build_model()
        encoder = sum(p.numel() for p in model.encoder.parameters())
        decoder = sum(p.numel() for p in model.decoder.parameters())
        config = self.model_config
        period = f", period predictor over {config.period_order} lags" if config.period_prediction else ""
        if config.envelope_mels:
            period += f", codes ending in a {config.envelope_mels}-band envelope (order-{config.envelope_order} LPC)"
        return (f"{KIND}: encoder {encoder:,} + decoder {decoder:,} parameters, codes of {config.code_size} "
                f"every {config.encoder.hop} samples, decoder receptive field {config.decoder.stack.receptive_field} "
                f"samples{period}; {len(self.dataset):,} training notes, {len(self.held_out.notes)} held-out notes scored")

    def loss(self, model, batch):
        nll = crop_nll(model, batch, injected_noise=self.injected_noise)
        return nll, {"mulaw_nll": nll.detach()}

    def evaluate(self, model):
        return held_out_nll(model, self.held_out) if len(self.held_out) else None


def held_out_nll(model, crops, *, batch_size=16):
    """{"nll": nats per sample, "bits_per_sample": the same in bits} of the decoder on fixed crops."""
    total = 0.0
    with torch.no_grad():
        for first in range(0, len(crops), batch_size):
            items = [crops[i] for i in range(first, min(first + batch_size, len(crops)))]
            batch = {key: torch.stack([item[key] for item in items]) for key in items[0]}
            total += float(crop_nll(model, batch)) * len(items)
    nll = total / len(crops)
    return {"nll": nll, "bits_per_sample": nll / np.log(2)}


def load_notes(examples, *, sample_rate, min_level_db=None, progress=False):
    """(LoadedNote list, {id: why skipped}) of corpus examples: their audio at `sample_rate`,
    leveled (codec.leveled), leaving out notes quieter than `min_level_db` (RMS, dBFS, before
    leveling) over their first three seconds."""
    from tqdm import tqdm

    notes, skipped = [], {}
    for example in tqdm(examples, desc="notes", unit="note", disable=not progress, leave=False):
        audio = load_note(example, sample_rate=sample_rate)
        level = rms_dbfs(audio[: 3 * sample_rate])
        if min_level_db is not None and level < min_level_db:
            skipped[example.id] = f"quieter than {min_level_db:g} dBFS ({level:.1f})"
            continue
        notes.append(LoadedNote(example.id, leveled(audio), example.pitch))
    return notes, skipped


def spread(items, count):
    """`count` items spread evenly over `items` (all of them when there are fewer)."""
    if count >= len(items):
        return list(items)
    return [items[int(i * len(items) / count)] for i in range(count)]


def train_autoencoder(run, *, progress=True):
    """Train the autoencoder of `run` (NSynthRun) on run.data.corpus's train split, scoring its test
    split (held-out instruments). Returns tts.training.stage.StageResult."""
    config, hop = run.model, run.model.encoder.hop
    if run.data.window % hop:
        raise TTSError(f"data.window ({run.data.window}) must be a multiple of encoder.hop ({hop})")
    bars = shows_bars(run, progress)
    corpus = Path(run.data.corpus)
    train_notes, skipped = load_notes(read_split(corpus, "train"), sample_rate=config.sample_rate,
                                      min_level_db=run.data.min_level_db, progress=bars)
    if not train_notes:
        raise TTSError(f"{corpus}: no training note is louder than data.min_level_db ({run.data.min_level_db:g} dBFS)")
    test = read_split(corpus, "test")
    held_out, _ = load_notes(spread(test, run.data.held_out_notes), sample_rate=config.sample_rate, progress=bars)
    task = AutoencoderTask(config, train_notes, held_out, window_frames=run.data.window // hop,
                           injected_noise=run.data.injected_noise)

    def report(weights, _held_out):
        return held_out_nll(WaveNetAutoencoder.load(weights), task.held_out) if held_out else {}

    return run_stage(run, task, held_out=test, skipped=skipped, report=report, progress=progress)
