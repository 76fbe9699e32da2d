"""Note-level models as Tasks for the shared training loop, and the whole `tts midi train` run:
corpus in, weights, held-out figures and a log of them over training time out.

An item is a training piece, transposed by a random shift (data.transpose) and, when longer than
data.window tokens, cropped at a random place; the loss is the cross-entropy of every next token.
Held-out pieces are scored whole (untransposed), in windows of data.window tokens.
"""

import dataclasses
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from music.notes.config import NoteWaveNetConfig
from music.notes.corpus import PIECES_FILE, read_corpus, read_pieces, split_pieces, write_pieces
from music.notes.lstm import KIND as LSTM_KIND
from music.notes.lstm import NoteLSTM
from music.notes.tokens import encode
from music.notes.wavenet import KIND as WAVENET_KIND
from music.notes.wavenet import NoteWaveNet
from tts.training import Task
from tts.training.stage import run_stage, shows_bars

IGNORE = -1  # target of padding


class PieceWindows(torch.utils.data.Dataset):
    def __init__(self, pieces, *, window, transpose):
        self.pieces = pieces
        self.window = window
        self.transpose = transpose
        self.lengths = [min(len(encode(piece.events)), window + 1) for piece in pieces]

    def __len__(self):
        return len(self.pieces)

    def __getitem__(self, index):
        # np.random: seeded per item by the loop (tts.training.sampler), so resume repeats it exactly
        shift = int(np.random.randint(-self.transpose, self.transpose + 1)) if self.transpose else 0
        tokens = encode(self.pieces[index].events, shift=shift)
        if len(tokens) > self.window + 1:
            start = int(np.random.randint(0, len(tokens) - self.window))
            tokens = tokens[start : start + self.window + 1]
        return torch.tensor(tokens)


def pad_sequences(sequences):
    """(inputs [batch, time], targets [batch, time]) of token sequences, padding the targets with IGNORE."""
    time = max(len(s) for s in sequences) - 1
    inputs = torch.zeros(len(sequences), time, dtype=torch.long)
    targets = torch.full((len(sequences), time), IGNORE, dtype=torch.long)
    for row, tokens in enumerate(sequences):
        inputs[row, : len(tokens) - 1] = tokens[:-1]
        targets[row, : len(tokens) - 1] = tokens[1:]
    return inputs, targets


def next_token_figures(logits, targets):
    """(summed NLL in nats, correct guesses, tokens counted) over the targets that are not padding."""
    counted = targets != IGNORE
    logits, targets = logits[counted], targets[counted]
    nll = F.cross_entropy(logits.float(), targets, reduction="sum")
    return nll, (logits.argmax(dim=-1) == targets).sum(), counted.sum()


def score_pieces(model, pieces, *, window, batch_size=16):
    """{"nll": nats per token, "accuracy": next-token accuracy} of `model` on whole pieces, each cut
    into windows of `window` predicted tokens (every window starts afresh)."""
    chunks = []
    for piece in pieces:
        tokens = torch.tensor(encode(piece.events))
        chunks.extend(tokens[start : start + window + 1] for start in range(0, len(tokens) - 1, window))
    chunks.sort(key=len)
    totals = torch.zeros(3, dtype=torch.float64)
    device = next(model.parameters()).device
    with torch.no_grad():
        for start in range(0, len(chunks), batch_size):
            inputs, targets = pad_sequences(chunks[start : start + batch_size])
            figures = next_token_figures(model(inputs.to(device)), targets.to(device))
            totals += torch.tensor([float(f) for f in figures], dtype=torch.float64)
    nll, correct, count = totals.tolist()
    return {"nll": nll / count, "accuracy": correct / count}


class NoteTask(Task):
    def __init__(self, kind, model_config, build, train_pieces, held_out, data):
        self.kind = kind
        self.model_config = model_config
        self.build = build
        self.dataset = PieceWindows(train_pieces, window=data.window, transpose=data.transpose)
        self.lengths = self.dataset.lengths
        self.held_out = held_out
        self.window = data.window

    def build_model(self):
        return self.build(self.model_config)

    def describe(self):
        parameters = sum(p.numel() for p in self.build_model().parameters())
        tokens = sum(self.lengths)
        return (f"{self.kind} model: {parameters:,} parameters, {len(self.dataset):,} training pieces "
                f"(about {tokens:,} tokens a pass), {len(self.held_out)} held out")

    def collate(self, samples):
        return pad_sequences(samples)

    def loss(self, model, batch):
        inputs, targets = batch
        nll, correct, count = next_token_figures(model(inputs), targets)
        return nll / count, {"accuracy": correct / count}

    def evaluate(self, model):
        return score_pieces(model, self.held_out, window=self.window) if self.held_out else None


def model_class(config):
    """(kind, class) of a note model config."""
    return (WAVENET_KIND, NoteWaveNet) if isinstance(config, NoteWaveNetConfig) else (LSTM_KIND, NoteLSTM)


def train_notes(run, *, progress=True):
    """Train the note model of `run` (NoteWaveNetRun or NoteLSTMRun); the pieces are read from the
    corpus once and kept in the run folder. Returns tts.training.stage.StageResult."""
    out_dir = Path(run.train.out_dir)
    pieces_path = out_dir / PIECES_FILE
    skipped = {}
    if pieces_path.is_file():
        pieces = read_pieces(pieces_path)
    else:
        pieces, skipped = read_corpus(run.data.corpus, texture=run.data.texture, progress=shows_bars(run, progress))
        out_dir.mkdir(parents=True, exist_ok=True)
        write_pieces(pieces_path, pieces)
    train_pieces, held_out = split_pieces(pieces, run.holdout_fraction)
    model_config = dataclasses.replace(run.model, texture=run.data.texture)
    kind, build = model_class(model_config)
    task = NoteTask(kind, model_config, build, train_pieces, held_out, run.data)

    def report(weights, held_out_pieces):
        return score_pieces(build.load(weights), held_out_pieces, window=run.data.window) if held_out_pieces else {}

    return run_stage(run, task, held_out=held_out, skipped=skipped, report=report, progress=progress)
