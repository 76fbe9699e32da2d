"""`tts build-units`: the unit database of the concatenative vocoder, from an aligned corpus."""

import time
from pathlib import Path

from tts.config import load_config
from tts.corpora.holdout import holdout_split
from tts.corpora.manifest import read_manifest
from tts.corpora.speakers import manifest_speaker_order
from tts.durations import default_durations_path, read_durations
from tts.errors import UsageError
from tts.feature_cache import audio_cache_dir
from vocoders.concat.config import ConcatConfig
from vocoders.concat.database import AlignedUtterance, build_database


def register(subparsers):
    parser = subparsers.add_parser(
        "build-units",
        help="build the unit database of the concatenative vocoder from an aligned corpus",
        description="Cut the training utterances of a manifest into half-phone units at the durations "
        "file's boundaries, measure them (duration, F0, energy, boundary MFCCs) and write the unit "
        "database (audio as FLAC) that `concat` synthesizes from. The shared held-out split is left out.",
    )
    parser.add_argument("--manifest", required=True, type=Path, metavar="M.jsonl", help="corpus manifest")
    parser.add_argument(
        "--durations", type=Path, metavar="D.jsonl", help="the aligner's durations file (default: beside the manifest)"
    )
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="the unit database directory to write")
    parser.add_argument(
        "--speaker", action="append", metavar="S", help="a speaker id to take units from; repeat for more (default: all)"
    )
    parser.add_argument(
        "--holdout",
        type=float,
        default=0.1,
        metavar="F",
        help="fraction of each speaker held out (default 0.1, the shared split)",
    )
    parser.add_argument(
        "--config", type=Path, metavar="CONCAT.yaml", help="`units:` and `synthesis:` settings (default: built-in)"
    )
    parser.set_defaults(func=run)


def run(args):
    started = time.perf_counter()
    config = load_config(ConcatConfig, args.config) if args.config else ConcatConfig()
    entries = read_manifest(args.manifest)
    speakers = manifest_speaker_order(args.manifest) or sorted({entry.speaker for entry in entries})
    durations = read_durations(args.durations or default_durations_path(args.manifest))
    if args.speaker:
        unknown = sorted(set(args.speaker) - {entry.speaker for entry in entries})
        if unknown:
            known = ", ".join(sorted({entry.speaker for entry in entries}))
            raise UsageError(f"speakers {unknown} are not in {args.manifest}; its speakers: {known}")
        entries = [entry for entry in entries if entry.speaker in args.speaker]
    train, held_out = holdout_split(entries, args.holdout)
    records = {record.id: record for record in durations.records}
    missing = [entry.id for entry in train if entry.id not in records]
    utterances = [
        AlignedUtterance(entry.id, entry.speaker, entry.path, records[entry.id].phonemes, records[entry.id].durations)
        for entry in train
        if entry.id in records
    ]
    database, skipped = build_database(
        utterances,
        spec=durations.spec,
        speakers=speakers,
        config=config.units,
        synthesis=config.synthesis,
        audio_cache=audio_cache_dir(args.manifest, durations.spec.sample_rate),
        held_out=sorted(entry.id for entry in held_out),
    )
    database.save(args.out)
    for utterance_id in missing:
        print(f"skipped {utterance_id}: no durations")
    for utterance_id, reason in sorted(skipped.items()):
        print(f"skipped {utterance_id}: {reason}")
    size = sum(path.stat().st_size for path in Path(args.out).iterdir() if path.is_file())
    print(
        f"wrote {args.out}: {len(database)} units of {len(database.index)} (speaker, type) pairs from "
        f"{len(database.utterances)} utterances of {', '.join(database.speakers[i] for i in database.speakers_with_units)} "
        f"({len(database.audio) / database.spec.sample_rate / 60:.1f} min of audio, {size / 2**20:.1f} MiB, "
        f"{len(held_out)} held out) in {time.perf_counter() - started:.1f} s"
    )
    return 0
