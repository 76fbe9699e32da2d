"""Tiny raw-music corpora for the music.raw tests: short tones (numpy, a few harmonics under a decaying
envelope) written as wav files, with or without a pieces.json naming instruments, a text file
renamed .wav and a silent wav; and tiny model configs and overrides."""

import json

import numpy as np
import soundfile

from music.raw.config import SampleLSTMConfig
from vocoders.wavenet.config import ConditioningConfig, StackConfig, WaveNetConfig

RATE = 16_000
PITCHES = (220.0, 247.5, 277.2, 293.7, 330.0, 370.0, 415.3, 440.0)


def tone(pitch, *, seconds=1.0, rate=RATE, brightness=0.5):
    """A plucked-string-like note: three harmonics (the upper ones scaled by `brightness`), decaying."""
    t = np.arange(round(seconds * rate)) / rate
    wave = sum(brightness ** (k - 1) * np.sin(2 * np.pi * k * pitch * t) for k in (1, 2, 3))
    return (0.5 * wave / np.abs(wave).max() * np.exp(-2.0 * t)).astype(np.float32)


def write_tone_corpus(folder, *, files=10, seconds=1.0, instruments=()):
    """`files` tones as wav in `folder`; with `instruments`, file i is played by instrument i % n
    (its brightness) and listed in pieces.json, the last file held out. Returns the file names."""
    folder.mkdir(parents=True, exist_ok=True)
    names, rows = [], []
    for index in range(files):
        instrument = instruments[index % len(instruments)] if instruments else ""
        brightness = 0.2 + 0.6 * (instruments.index(instrument) / max(len(instruments) - 1, 1)) if instruments else 0.5
        name = f"tone{index:02d}.wav"
        soundfile.write(folder / name, tone(PITCHES[index % len(PITCHES)], seconds=seconds, brightness=brightness), RATE)
        names.append(name)
        rows.append({"file": name, "piece": f"piece{index}", "instrument": instrument,
                     "split": "held_out" if index == files - 1 else "train"})
    if instruments:
        (folder / "pieces.json").write_text(json.dumps({"files": rows}))
    return names


def write_not_audio(path):
    path.write_text("this is a text file, renamed .wav\n")
    return path


def write_silence(path, seconds=1.0):
    soundfile.write(path, np.zeros(round(seconds * RATE), np.float32), RATE)
    return path


def tiny_wavenet_config(instruments=()):
    """Four layers, dilations 1, 2, 4, 8: a receptive field of 16 samples."""
    return WaveNetConfig(
        stack=StackConfig(layers=4, cycle=4, kernel_size=2, residual_channels=16, gate_channels=32, skip_channels=16),
        conditioning=ConditioningConfig(n_mels=0, speakers=tuple(instruments), speaker_dim=4),
    )


def tiny_lstm_config(instruments=()):
    return SampleLSTMConfig(embedding=16, hidden=32, layers=1, instruments=tuple(instruments), context=512)


TINY_WAVENET_OVERRIDES = ["model.stack.layers=4", "model.stack.cycle=4", "model.stack.residual_channels=16",
                          "model.stack.gate_channels=32", "model.stack.skip_channels=16",
                          "model.conditioning.speaker_dim=4"]
TINY_LSTM_OVERRIDES = ["model.embedding=16", "model.hidden=32", "model.layers=1"]
TINY_TRAINING = ["train.batch_size=4", "train.warmup_steps=0", "train.lr=0.005", "train.eval_every=10",
                 "train.checkpoint_every=20", "train.progress_bar=false", "train.amp=off", "data.segment=256",
                 "data.eval_windows=4", "data.eval_context=16", "data.eval_samples=256"]
