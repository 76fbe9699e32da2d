"""`tts align`: per-phoneme durations for a manifest from a trained aligner."""

from pathlib import Path

from frontends.aligner.align import DURATION_WEIGHT, PAUSE_COST, PRIOR_ROUNDS, align_manifest, load_aligner
from frontends.aligner.evaluate import evaluate
from frontends.aligner.silence import BELOW_PEAK_DB
from tts.cli.argtypes import non_negative_float, non_negative_int, positive_int
from tts.config import load_config
from tts.durations import default_durations_path, write_durations
from tts.features import FeatureSpec


def register(subparsers):
    parser = subparsers.add_parser(
        "align",
        help="write per-phoneme durations for a manifest with a trained aligner",
        description="Phonemize every transcript, align it to its audio and write "
        "<manifest stem>.durations.jsonl (phonemes, frames per phoneme, word of each phoneme).",
    )
    parser.add_argument("--manifest", required=True, type=Path, metavar="M.jsonl", help="corpus manifest")
    parser.add_argument(
        "--checkpoint", required=True, type=Path, metavar="PATH", help="aligner weights file or training run directory"
    )
    parser.add_argument("--out", type=Path, metavar="DURATIONS.jsonl", help="default: beside the manifest")
    parser.add_argument(
        "--reference-alignments",
        type=Path,
        metavar="DIR",
        help="folder of <id>.json reference word timings (e.g. CORPUS/alignments): print the word-boundary error",
    )
    parser.add_argument(
        "--voice-spec",
        type=Path,
        metavar="SPEC.yaml",
        help="FeatureSpec fields of the voice whose frames the durations count (default: the default spec, 22050 Hz / hop 256)",
    )
    parser.add_argument("--batch-size", type=positive_int, default=16, metavar="N", help="utterances per batch (default 16)")
    parser.add_argument(
        "--duration-weight",
        type=non_negative_float,
        default=DURATION_WEIGHT,
        metavar="W",
        help="weight of the phoneme length priors (learned per speaker from the pass before) in the "
        f"later searches; 0 = monotonic alignment search alone (default {DURATION_WEIGHT:g})",
    )
    parser.add_argument(
        "--prior-rounds",
        type=non_negative_int,
        default=PRIOR_ROUNDS,
        metavar="N",
        help=f"searches with length priors after the first, each re-estimating them (default {PRIOR_ROUNDS})",
    )
    parser.add_argument(
        "--pause-cost",
        type=non_negative_float,
        default=PAUSE_COST,
        metavar="C",
        help=f"log-likelihood a separator or pause pays per frame it takes (default {PAUSE_COST:g})",
    )
    parser.add_argument(
        "--speech-level-db",
        type=non_negative_float,
        default=BELOW_PEAK_DB,
        metavar="DB",
        help="frames within DB of the utterance's loudest (and 10 dB over its quietest) cannot be pauses; "
        f"0 lets pauses take any frame (default {BELOW_PEAK_DB:g})",
    )
    parser.set_defaults(func=run)


def run(args):
    aligner = load_aligner(args.checkpoint)
    voice_spec = load_config(FeatureSpec, args.voice_spec) if args.voice_spec else FeatureSpec()
    records, skipped = align_manifest(
        args.manifest, aligner, voice_spec=voice_spec, batch_size=args.batch_size,
        duration_weight=args.duration_weight, rounds=args.prior_rounds,
        pause_cost=args.pause_cost, speech_level_db=args.speech_level_db,
    )
    for utterance_id, reason in sorted(skipped.items()):
        print(f"skipped {utterance_id}: {reason}")
    out = args.out or default_durations_path(args.manifest)
    write_durations(out, records, spec=voice_spec, inventory=aligner.config.inventory_version)
    print(f"wrote {out} ({len(records)} utterances)")
    if args.reference_alignments:
        reports = evaluate(records, args.reference_alignments, voice_spec.frame_seconds)
        for label, report in reports.items():
            print(report.line(label))
    return 0
