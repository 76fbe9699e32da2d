"""Mel extraction throughput: the batched torch path against the NumPy reference, in one run.

Prints a table of audio-seconds processed per wall-second and ends with one JSON line.
Usage: python bench/mel.py [--seconds 4] [--repeats 5]
"""

import argparse
import json
import platform
import time

import numpy as np
import torch

from tts.features import FeatureSpec
from tts.mel import MelSpectrogram, mel_numpy


def best_time(fn, repeats):
    fn()  # warm-up: filterbank cache, allocator, first-call dispatch
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each clip")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    spec = FeatureSpec()
    rng = np.random.default_rng(0)
    n = int(args.seconds * spec.sample_rate)
    extractor = MelSpectrogram(spec)
    rows = []
    clip = (0.1 * rng.standard_normal(n)).astype(np.float32)
    rows.append(("numpy reference", 1, best_time(lambda: mel_numpy(clip, spec), args.repeats), 1))
    for batch in (1, 8, 32):
        wav = torch.from_numpy((0.1 * rng.standard_normal((batch, n))).astype(np.float32))
        with torch.inference_mode():
            rows.append(("torch", batch, best_time(lambda: extractor(wav), args.repeats), batch))
    reference_speed = args.seconds / rows[0][2]
    print(f"mel extraction, {args.seconds:g} s clips, {spec.sample_rate} Hz, torch threads {torch.get_num_threads()}")
    print(f"{'path':<16} {'batch':>5} {'audio s / s':>12} {'vs numpy':>9}")
    figures = {}
    for name, batch, seconds, clips in rows:
        speed = clips * args.seconds / seconds
        figures[f"{name.split()[0]}_b{batch}_audio_s_per_s"] = round(speed, 1)
        print(f"{name:<16} {batch:>5} {speed:>12.1f} {speed / reference_speed:>8.1f}x")
    figures["machine"] = f"{platform.machine()} {torch.get_num_threads()} threads"
    print(json.dumps({"benchmark": "mel", **figures}))


if __name__ == "__main__":
    main()
