"""End-to-end synthesis with a voice: time per stage, RTF per vocoder, and the latency of the
first audio from `voice.stream` for a two-sentence text (whole sentences, and pieces of sentences
where the vocoder streams). Warm: each configuration runs once untimed first.

Prints a table and ends with one JSON line. Usage:

    python bench/synth.py [--voice DIR] [--speaker 0] [--repeats 3] [--vocoder NAME ...]
"""

import argparse
import json
import os
import platform
import statistics
import time

from tts.voice import Voice

TEXT = (
    "A new bridge opened across the river on Tuesday morning. She asked whether the library would stay "
    "open late during the exams. Prices for fresh vegetables rose sharply after the long dry summer. "
    "Please remember to switch off the lights when you leave the office."
)
TWO_SENTENCES = "Our flight was delayed by two hours. The children built a small wooden boat."
STREAM_CHUNK_FRAMES = 32


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voice", help="voice directory (default: the bundled voice)")
    parser.add_argument("--speaker", default="0")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs; the median is reported")
    parser.add_argument("--vocoder", action="append", help="vocoders to time (default: all of the voice's)")
    args = parser.parse_args()
    started = time.perf_counter()
    voice = Voice.load(args.voice)
    load_seconds = time.perf_counter() - started
    rows = []
    for name in args.vocoder or voice.vocoder_names:
        voice.synthesize(TEXT, speaker=args.speaker, vocoder=name)  # warm: loads, compiles, caches G2P
        runs = [voice.synthesize(TEXT, speaker=args.speaker, vocoder=name) for _ in range(args.repeats)]
        total = [sum(run.timings.values()) for run in runs]
        audio_seconds = runs[0].seconds
        row = {
            "vocoder": name, "audio_seconds": round(audio_seconds, 2),
            **{f"{stage}_s": round(statistics.median(run.timings[stage] for run in runs), 4) for stage in runs[0].timings},
            "rtf": round(statistics.median(total) / audio_seconds, 4),
            "first_audio_sentence_s": round(_first_audio(voice, args, name, {}), 4),
        }
        if hasattr(voice.vocoder(name), "stream"):
            row["first_audio_piece_s"] = round(_first_audio(voice, args, name, {"chunk_frames": STREAM_CHUNK_FRAMES}), 4)
        rows.append(row)
    print(f"voice {voice.name!r} ({len(voice.speakers)} speakers), loaded in {load_seconds:.2f} s; "
          f"{rows[0]['audio_seconds']} s of audio per run, median of {args.repeats}")
    print(f"{'vocoder':<11} {'frontend':>9} {'acoustic':>9} {'vocoder':>9} {'RTF':>7} {'first audio':>12} {'(pieces)':>9}")
    for row in rows:
        piece = f"{row['first_audio_piece_s']:.3f}" if "first_audio_piece_s" in row else "-"
        print(f"{row['vocoder']:<11} {row['frontend_s']:>9.3f} {row['acoustic_s']:>9.3f} {row['vocoder_s']:>9.3f} "
              f"{row['rtf']:>7.3f} {row['first_audio_sentence_s']:>12.3f} {piece:>9}")
    print(json.dumps({
        "benchmark": "synth", "voice": voice.name, "load_s": round(load_seconds, 2), "rows": rows,
        "machine": f"{platform.machine()} {os.cpu_count()} CPUs",
    }))


def _first_audio(voice, args, name, options):
    """Median seconds from the call to the first piece of audio, for a two-sentence text."""
    def once():
        started = time.perf_counter()
        next(iter(voice.stream(TWO_SENTENCES, speaker=args.speaker, vocoder=name, **options)))
        return time.perf_counter() - started

    once()
    return statistics.median(once() for _ in range(args.repeats))


if __name__ == "__main__":
    main()
