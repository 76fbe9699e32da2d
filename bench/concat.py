"""Concatenative vocoder on held-out sentences: RTF, join costs, backoffs, STOI and PESQ.

Each held-out utterance of the database's speakers (ids kept in the database) is spoken from its
own aligned phonemes and durations and its F0 (tts.pitch, WORLD DIO), so the output lines up with
the recording and STOI / PESQ against it give a rough figure of the resynthesis.
Prints a table and ends with one JSON line. Usage:

    python bench/concat.py --units exp/units_p229 --manifest data/vctk.jsonl [--limit 5]
        [--samples DIR] [--set synthesis-field=value ...]   e.g. --set psola_f0=true --set join.spectral=0.5
"""

import argparse
import json
import platform
import time
import warnings
from pathlib import Path

import numpy as np

from tts import audio
from tts.config import apply_overrides
from tts.corpora.manifest import read_manifest
from tts.durations import default_durations_path, read_durations
from tts.metrics.quality import pesq_score, stoi_score
from tts.pitch import frame_f0
from tts.utterance import Utterance
from vocoders.concat.database import load_database
from vocoders.concat.vocoder import BackoffWarning, ConcatVocoder


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", required=True, type=Path, help="unit database directory (tts build-units)")
    parser.add_argument("--manifest", required=True, type=Path)
    parser.add_argument("--durations", type=Path, help="default: beside the manifest")
    parser.add_argument("--limit", type=int, default=5, help="held-out utterances to speak")
    parser.add_argument("--samples", type=Path, help="write <id>.wav here")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="synthesis setting override")
    args = parser.parse_args()

    database = load_database(args.units)
    vocoder = ConcatVocoder(database, apply_overrides(database.synthesis, args.set))
    spec = vocoder.spec
    records = {r.id: r for r in read_durations(args.durations or default_durations_path(args.manifest)).records}
    held_out = set(database.held_out)
    entries = [e for e in read_manifest(args.manifest) if e.id in held_out and e.id in records][: args.limit]
    rows, joins, natural, backoffs, seconds, render = [], [], [], {}, 0.0, 0.0
    for entry in entries:
        reference, _ = audio.load(entry.path, sample_rate=spec.sample_rate)
        record = records[entry.id]
        reference = reference[: record.n_frames * spec.hop_length]
        utterance = Utterance(
            entry.text, phonemes=record.phonemes, durations=record.durations, f0=frame_f0(reference, spec),
            speaker=database.speakers.index(entry.speaker),
        )
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", BackoffWarning)  # counted below instead
            wav, selection = vocoder.synthesize(utterance)
        render += time.perf_counter() - start
        seconds += len(reference) / spec.sample_rate
        joins.append(selection.join_costs)
        natural.append(selection.natural)
        for backoff in selection.backoffs:
            backoffs[f"{backoff.wanted}->{backoff.used}"] = backoffs.get(f"{backoff.wanted}->{backoff.used}", 0) + backoff.count
        rows.append((entry.id, len(wav) / spec.sample_rate, pesq_score(wav, reference, spec.sample_rate),
                     stoi_score(wav, reference, spec.sample_rate), float(selection.natural.mean())))
        if args.samples:
            audio.save(args.samples / f"{entry.id}.wav", wav, spec.sample_rate)
    joins, natural = np.concatenate(joins), np.concatenate(natural)
    figures = {
        "benchmark": "concat", "units": len(database), "unit_types": len(database.index),
        "utterances": len(rows), "audio_seconds": round(seconds, 2), "rtf": round(render / seconds, 4),
        "pesq": round(float(np.mean([r[2] for r in rows])), 3), "stoi": round(float(np.mean([r[3] for r in rows])), 3),
        "joins": len(joins), "natural_share": round(float(natural.mean()), 3),
        "join_cost_mean": round(float(joins.mean()), 3), "join_cost_median": round(float(np.median(joins)), 3),
        "join_cost_p90": round(float(np.percentile(joins, 90)), 3),
        "concatenated_join_cost_mean": round(float(joins[~natural].mean()), 3),
        "concatenated_join_cost_median": round(float(np.median(joins[~natural])), 3),
        "concatenated_join_cost_p90": round(float(np.percentile(joins[~natural], 90)), 3),
        "backoffs": backoffs, "overrides": args.set, "machine": platform.machine(),
    }
    print(f"concat vocoder, {args.units} ({len(database)} units), {len(rows)} held-out utterances")
    print(f"{'utterance':<12} {'seconds':>8} {'PESQ':>6} {'STOI':>6} {'natural':>8}")
    for row in rows:
        print(f"{row[0]:<12} {row[1]:>8.2f} {row[2]:>6.2f} {row[3]:>6.3f} {row[4]:>8.1%}")
    print(f"RTF {figures['rtf']}; joins {len(joins)}, natural {figures['natural_share']:.1%}; join cost all "
          f"mean/median/p90 {figures['join_cost_mean']}/{figures['join_cost_median']}/{figures['join_cost_p90']}, "
          f"concatenated {figures['concatenated_join_cost_mean']}/{figures['concatenated_join_cost_median']}/"
          f"{figures['concatenated_join_cost_p90']}; backoffs {backoffs or 'none'}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
