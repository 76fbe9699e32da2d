"""Tiny music corpora for the note-level tests: short pieces in several keys written as MIDI (with
chords, rests and a few durations), a drum-only MIDI file and a corrupt one, and tiny model configs."""

import mido

from music.notes.config import NoteLSTMConfig, NoteWaveNetConfig
from music.notes.events import Event, write_midi
from vocoders.wavenet.config import StackConfig

MAJOR = (0, 2, 4, 5, 7, 9, 11, 12)


def tiny_piece(tonic, *, bars=4):
    """A piece in the major key of `tonic`: per bar, a triad, a rest and four scale steps."""
    events = []
    for bar in range(bars):
        root = tonic + MAJOR[(bar * 3) % 7]
        events.extend([Event((root - 12, root - 8, root - 5), 1.0), Event((), 1.0)])
        events.extend(Event((tonic + MAJOR[(bar + step) % 8],), 0.5) for step in range(4))
    return events


def write_tiny_corpus(folder, pieces=8):
    """`pieces` MIDI files (keys C, D, E ...) in `folder`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    return [write_midi(tiny_piece(60 + (2 * i) % 12), folder / f"piece{i:02d}.mid") for i in range(pieces)]


def write_drum_midi(path):
    """A MIDI file whose only track plays on channel 10 (index 9): General MIDI percussion."""
    midi = mido.MidiFile()
    track = mido.MidiTrack()
    midi.tracks.append(track)
    for _ in range(8):
        track.append(mido.Message("note_on", channel=9, note=36, velocity=100, time=0))
        track.append(mido.Message("note_off", channel=9, note=36, velocity=0, time=240))
    midi.save(str(path))
    return path


def write_corrupt_midi(path):
    path.write_bytes(b"MThd\x00\x00\x00\x06\x00\x01\x00\x02\x01\xe0MTrk\x00\x00\xff\xffgarbage")
    return path


def tiny_wavenet_config():
    stack = StackConfig(layers=4, cycle=4, kernel_size=2, residual_channels=16, gate_channels=32, skip_channels=16)
    return NoteWaveNetConfig(stack=stack)


def tiny_lstm_config():
    return NoteLSTMConfig(embedding=16, hidden=32, layers=1)


TINY_WAVENET_OVERRIDES = ["model.stack.layers=4", "model.stack.cycle=4", "model.stack.residual_channels=16",
                          "model.stack.gate_channels=32", "model.stack.skip_channels=16"]
TINY_LSTM_OVERRIDES = ["model.embedding=16", "model.hidden=32", "model.layers=1"]
TINY_TRAINING = ["train.batch_size=4", "train.warmup_steps=0", "train.lr=0.01", "train.eval_every=10",
                 "train.checkpoint_every=20", "train.progress_bar=false", "data.window=64"]
