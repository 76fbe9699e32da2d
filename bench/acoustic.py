"""Acoustic model inference speed: mel frames per second and times faster than real time,
one sentence at a time and in padded batches, in float32 and under bf16 autocast (what a Voice
uses on CPUs with native bf16), on the phonemes and durations the frontend makes.

Prints a table and ends with one JSON line. Usage:

    python bench/acoustic.py [--voice DIR] [--repeats 3] [--threads N]
"""

import argparse
import json
import os
import platform
import time

import torch

from tts.voice import Voice

SENTENCES = (
    "A new bridge opened across the river on Tuesday morning.",
    "She asked whether the library would stay open late during the exams.",
    "Prices for fresh vegetables rose sharply after the long dry summer.",
    "The children built a small wooden boat and sailed it on the pond.",
    "Please remember to switch off the lights when you leave the office.",
    "Our flight was delayed by two hours because of heavy fog.",
    "He painted the fence a bright shade of green last weekend.",
    "The museum's newest exhibit explores the history of printed maps.",
    "Several volunteers cleaned the beach before the summer festival.",
    "Turn left at the bakery and walk until you reach the station.",
    "The orchestra rehearsed the final movement one more time.",
    "Most of the guests arrived just before the speeches began.",
    "A gentle breeze carried the smell of rain across the fields.",
    "The engineers tested the new software on older computers first.",
    "We watched the stars for an hour before going back inside.",
    "Her grandmother keeps a notebook of every recipe she has cooked.",
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voice", help="voice directory (default: the bundled voice)")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes; the best is reported")
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's choice)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    voice = Voice.load(args.voice)
    model, spec = voice.acoustic_model, voice.spec
    utterances = [voice.frontend(text, speaker=index % len(voice.speakers)) for index, text in enumerate(SENTENCES)]
    frames = sum(int(u.durations.sum()) for u in utterances)
    audio_seconds = frames * spec.frame_seconds
    rows = []
    for dtype in (None, torch.bfloat16):
        for batch in (1, 4, 16):
            groups = [utterances[i : i + batch] for i in range(0, len(utterances), batch)]

            def run():
                for g in groups:
                    model.synthesize_batch([u.ids for u in g], [u.durations for u in g], [u.speaker for u in g], dtype=dtype)

            run()  # warm-up: first calls allocate
            best = min(_timed(run) for _ in range(args.repeats))
            rows.append({"precision": "bf16" if dtype else "fp32", "batch": batch, "seconds": round(best, 4),
                         "frames_per_s": round(frames / best), "x_real_time": round(audio_seconds / best, 1)})
    parameters = sum(p.numel() for p in model.parameters())
    print(f"acoustic model: {parameters:,} parameters, {len(utterances)} sentences, {frames} frames "
          f"({audio_seconds:.1f} s of audio), {torch.get_num_threads()} threads")
    print(f"{'precision':>9}  {'batch':>5}  {'seconds':>8}  {'frames/s':>9}  {'x real time':>11}")
    for row in rows:
        print(f"{row['precision']:>9}  {row['batch']:>5}  {row['seconds']:>8.3f}  "
              f"{row['frames_per_s']:>9,}  {row['x_real_time']:>11.1f}")
    print(
        json.dumps(
            {
                "benchmark": "acoustic",
                "parameters": parameters,
                "sentences": len(utterances),
                "frames": frames,
                "audio_seconds": round(audio_seconds, 2),
                "rows": rows,
                "voice_uses": str(voice.acoustic_dtype),
                "threads": torch.get_num_threads(),
                "machine": f"{platform.machine()} {os.cpu_count()} CPUs",
            }
        )
    )


def _timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
