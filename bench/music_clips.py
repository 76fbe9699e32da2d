"""What the raw-audio music models make: a clip per instrument from the music WaveNet and its LSTM
baseline, drawn as log-mel spectrograms on one colour scale (music.demo.spectrogram) into a PNG
that the README shows, with per-clip figures beside held-out audio of the same instrument:
- level: RMS in dBFS (silence and runaway noise both show here);
- centroid: the energy-weighted spectral centroid in Hz (noise sits far above the chorales' ~1 kHz);
- tonal: the share of frames where pYIN finds a pitch (rendered chorales are tonal nearly throughout).
Ends with one JSON line.

Usage: python bench/music_clips.py [--wavenet wavenet] [--lstm lstm] [--corpus data/music] [--seconds 3]
       [--out bench/figures/music_clips.png]
"""

import argparse
import json
from pathlib import Path

import librosa
import numpy as np
from matplotlib.image import imsave

from music.demo.spectrogram import Panel, spectrogram_image
from music.nsynth.evaluation import spectral_centroid
from music.raw.corpus import SAMPLE_RATE, prepare_corpus
from music.raw.generate import generate
from music.raw.models import instruments_of, load_music_model
from tts.audio import rms_dbfs
from tts.corpora.holdout import HOLDOUT_FRACTION


def clip_figures(wav):
    _, voiced, _ = librosa.pyin(wav, fmin=librosa.midi_to_hz(28), fmax=librosa.midi_to_hz(96), sr=SAMPLE_RATE)
    return {"level_dbfs": rms_dbfs(wav), "centroid_hz": spectral_centroid(wav, SAMPLE_RATE),
            "tonal": float(np.mean(voiced))}


def held_out_clip(corpus, instrument, samples):
    """The middle `samples` of the first held-out file of `instrument`."""
    _, held_out, _ = prepare_corpus(corpus, fraction=HOLDOUT_FRACTION)
    file = next(f for f in held_out if f.instrument == instrument)
    audio = file.audio()
    start = max((len(audio) - samples) // 2, 0)
    return audio[start : start + samples]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wavenet", default="wavenet", help="music WaveNet: bundled name, run folder or file")
    parser.add_argument("--lstm", default="lstm", help="LSTM baseline: bundled name, run folder or file")
    parser.add_argument("--corpus", type=Path, default=Path("data/music"), help="the corpus the models learnt")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("bench/figures/music_clips.png"))
    args = parser.parse_args()
    samples = int(args.seconds * SAMPLE_RATE)
    models = {"WaveNet": load_music_model(args.wavenet), "LSTM": load_music_model(args.lstm)}
    instruments = instruments_of(models["WaveNet"])
    rows, panels = [], []
    for instrument in instruments:
        clips = {"held out": held_out_clip(args.corpus, instrument, samples)}
        for label, model in models.items():
            clips[label] = np.concatenate(list(generate(model, samples=samples, instrument=instrument, seed=args.seed)))
        for label, wav in clips.items():
            rows.append({"instrument": instrument, "source": label, **clip_figures(wav)})
            panels.append(Panel(f"{instrument}: {label}", wav))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    row_images = [spectrogram_image(panels[i : i + 3], SAMPLE_RATE) for i in range(0, len(panels), 3)]
    imsave(args.out, np.concatenate(row_images, axis=0))
    print(f"{args.seconds:g} s clips at temperature 1, seed {args.seed}; spectrograms in {args.out}")
    print(f"{'instrument':<10} {'source':<9} {'level dBFS':>10} {'centroid Hz':>11} {'tonal':>6}")
    for row in rows:
        print(f"{row['instrument']:<10} {row['source']:<9} {row['level_dbfs']:>10.1f} {row['centroid_hz']:>11.0f} "
              f"{row['tonal']:>6.2f}")
    print(json.dumps({"benchmark": "music_clips", "seconds": args.seconds, "clips": rows}))


if __name__ == "__main__":
    main()
