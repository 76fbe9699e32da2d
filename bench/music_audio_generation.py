"""Audio-rate music generation speed: the NSynth-style autoencoder's decoder and the raw-audio music
WaveNet (both the vocoder's numba kernel) and the music WaveNet's LSTM baseline (stepwise torch),
at 16 kHz, pinned to one CPU core, in one run.

Every model has its default config and random weights (speed does not depend on them):
- autoencoder: decoding 4-second notes from codes (music.nsynth.codec.NoteDecoder, its post-filter
  included), batch 1 and batch 4 (four notes at once: the kernel's utterances share the one core),
  and batch 1 without the post-filter (tts.mel_match), of a decoder with the period
  predictor alone (music.nsynth.period, no codes' envelope) and of one with no predictor at all, to
  show what each costs;
- music WaveNet: --seconds of new audio (music.raw.generate), batch 1; and batch 4 through the
  vocoder generator (four streams at once);
- LSTM: --lstm-seconds of new audio, batch 1 (it steps in torch: slow, so it generates less).
RTF = wall seconds per second of audio made, over all streams of a batch (< 1: faster than real
time on one core). Each is timed --repeats times after a warm-up that compiles the kernel, the best
kept. Ends with one JSON line.

Usage: python bench/music_audio_generation.py [--seconds 4] [--lstm-seconds 1] [--repeats 2]
"""

import argparse
import json
import os
import platform
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see bench/wavenet_generation.py

import numpy as np  # noqa: E402
import torch  # noqa: E402

from music.nsynth.autoencoder import WaveNetAutoencoder  # noqa: E402
from music.nsynth.codec import NoteDecoder  # noqa: E402
from music.nsynth.config import AutoencoderConfig  # noqa: E402
from music.raw.config import SampleLSTMConfig, music_wavenet_config  # noqa: E402
from music.raw.corpus import SAMPLE_RATE  # noqa: E402
from music.raw.generate import generate  # noqa: E402
from music.raw.lstm import SampleLSTM  # noqa: E402
from vocoders.wavenet.generate import WaveNetGenerator  # noqa: E402
from vocoders.wavenet.model import WaveNet  # noqa: E402

NOTE_SECONDS = 4.0


def best_rtf(make, audio_seconds, repeats):
    """The lowest wall seconds per audio second of `make()` over `repeats` runs."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        make()
        best = min(best, (time.perf_counter() - started) / audio_seconds)
    return best


def autoencoder_rows(repeats):
    """The default decoder (the codes' envelope cascaded with the period predictor, then the
    post-filter) at batch 1 and 4, and at batch 1 without the post-filter, one with the period's
    alone and one without a predictor: what the post-filter and the predictor's lags cost."""
    rows = {}
    for name, config, batches, match in (
        ("autoencoder decoder", AutoencoderConfig(), (1, 4), True),
        ("decoder without the post-filter (--raw)", AutoencoderConfig(), (1,), False),
        ("decoder with the period predictor alone", AutoencoderConfig(envelope_mels=0), (1,), False),
        ("decoder without a predictor", AutoencoderConfig(period_prediction=False, envelope_mels=0), (1,), False),
    ):
        decoder = NoteDecoder(WaveNetAutoencoder(config).eval(), match_envelope=match)
        frames = int(NOTE_SECONDS * SAMPLE_RATE) // config.encoder.hop
        codes = np.random.default_rng(0).standard_normal((frames, config.code_size)).astype(np.float32)
        decoder.decode([codes[:2]], [60])  # compiles the kernel
        for batch in batches:
            rows[f"{name}, batch {batch}"] = best_rtf(
                lambda batch=batch: decoder.decode([codes] * batch, [60] * batch, seed=list(range(batch))),
                NOTE_SECONDS * batch, repeats)
    return rows


def music_rows(seconds, lstm_seconds, repeats):
    config = music_wavenet_config()
    config.conditioning.speakers = ("piano", "organ", "strings", "flute")
    wavenet = WaveNet(config).eval()
    lstm = SampleLSTM(SampleLSTMConfig(instruments=config.conditioning.speakers)).eval()
    samples = int(seconds * SAMPLE_RATE)

    def run(model, count):
        for _ in generate(model, samples=count, instrument="piano", seed=1):
            pass

    run(wavenet, 256)  # compiles the kernel
    generator = WaveNetGenerator(wavenet)
    silence = np.zeros((samples // generator.hop, 0), np.float32)  # no mel: its frames set the length
    return {
        "music WaveNet, batch 1": best_rtf(lambda: run(wavenet, samples), seconds, repeats),
        "music WaveNet, batch 4": best_rtf(
            lambda: generator.generate([silence] * 4, [0, 1, 2, 3], seed=[0, 1, 2, 3]), 4 * seconds, repeats),
        "LSTM baseline, batch 1": best_rtf(lambda: run(lstm, int(lstm_seconds * SAMPLE_RATE)), lstm_seconds, repeats),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="audio the music WaveNet makes per run")
    parser.add_argument("--lstm-seconds", type=float, default=1.0, help="audio the LSTM makes per run")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})  # one core: the batch's threads share it
    torch.set_num_threads(1)
    torch.manual_seed(0)
    rows = {**autoencoder_rows(args.repeats), **music_rows(args.seconds, args.lstm_seconds, args.repeats)}
    print(f"audio-rate music generation at {SAMPLE_RATE} Hz on one core (CPU {core}), best of {args.repeats} "
          f"({platform.processor() or platform.machine()}, torch {torch.__version__})")
    print(f"{'model':<48} {'RTF':>7} {'x real time':>12}")
    for name, rtf in rows.items():
        print(f"{name:<48} {rtf:>7.3f} {1 / rtf:>12.2f}")
    print(json.dumps({"benchmark": "music_audio_generation", "sample_rate": SAMPLE_RATE, "rtf": rows}))


if __name__ == "__main__":
    main()
