"""Frontend throughput: sentences per second for normalization + G2P (+ phoneme ids), cold and warm.

Cold: a fresh G2P whose word cache is empty, so espeak-ng phonemizes every new word.
Warm: the same sentences again through the same frontend, every word cached.
Prints a table and ends with one JSON line. Usage: python bench/frontend.py [--sentences 500]
"""

import argparse
import json
import platform
import time

from frontends.frontend import Frontend
from frontends.g2p import G2P
from frontends.normalize import normalize
from tts.corpora.bootstrap.sentences import generate

# Sentences that exercise every normalization class (numbers, money, dates, units, acronyms, ...).
HARD = [
    "Dr. Smith paid $1,234.56 on March 5, 2024 at 3:30 p.m. for 12.5 kg of flour.",
    "In 1984, 3/4 of the 2,000 NASA staff drove 55 mph down Elm St. to the FBI office.",
    "Call 555-123-4567 or write to help@example.com before 10:05 a.m. on 03/07/2023.",
    "Chapter XII: Henry VIII spent £3.05 and €20 on the 1st and 22nd of May, a 15% rise.",
    "It was -3.5 °C in the 1990s; see https://www.example.org/path for 5-10 days of data.",
]


def sentences(count):
    prose = [s.text for s in generate(count, seed=7)]
    return [HARD[i % len(HARD)] if i % 5 == 0 else text for i, text in enumerate(prose)][:count]


def rate(fn, texts):
    start = time.perf_counter()
    for text in texts:
        fn(text)
    return len(texts) / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=500)
    args = parser.parse_args()
    texts = sentences(args.sentences)
    rows = {}
    rows["normalize only"] = (rate(normalize, texts), rate(normalize, texts))
    start = time.perf_counter()
    frontend = Frontend(g2p=G2P())
    startup = time.perf_counter() - start
    rows["frontend (normalize + G2P + ids)"] = (rate(frontend, texts), rate(frontend, texts))
    print(f"frontend throughput, {len(texts)} sentences (1 in 5 number/date/unit heavy), G2P start-up {startup:.2f} s")
    print(f"{'path':<34} {'cold sent/s':>12} {'warm sent/s':>12}")
    for name, (cold, warm) in rows.items():
        print(f"{name:<34} {cold:>12.0f} {warm:>12.0f}")
    cold, warm = rows["frontend (normalize + G2P + ids)"]
    print(json.dumps({
        "benchmark": "frontend", "sentences": len(texts), "cold_sentences_per_s": round(cold, 1),
        "warm_sentences_per_s": round(warm, 1), "normalize_sentences_per_s": round(rows["normalize only"][1], 1),
        "g2p_startup_s": round(startup, 3), "machine": platform.machine(),
    }))


if __name__ == "__main__":
    main()
