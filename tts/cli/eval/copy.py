"""`tts eval copy --manifest M.jsonl --vocoder NAME[=PATH] ...`: each vocoder re-renders recordings from
their own mels; a table and a JSON report of RTF, PESQ, STOI, MCD, WER and DNSMOS per vocoder, and the
recordings' own WER and DNSMOS (tts.evaluation.copy_synthesis)."""

from pathlib import Path

from tts.cli.argtypes import positive_int


def register(subparsers):
    parser = subparsers.add_parser(
        "copy",
        help="copy-synthesis of recordings per vocoder: RTF, PESQ, STOI, MCD, WER, DNSMOS",
        description="Re-render recordings from their own mels with each vocoder and score the output against "
        "the recording: RTF, PESQ, STOI, MCD, WER by ASR against the transcripts, and DNSMOS OVRL, with the "
        "recordings' own WER and DNSMOS as the `original` row.",
    )
    parser.add_argument("--manifest", type=Path, required=True, metavar="M.jsonl",
                        help="corpus manifest: the recordings to copy-synthesize")
    parser.add_argument("--ids", type=Path, metavar="IDS.json",
                        help="a JSON list of utterance ids to score (e.g. a run's held_out.json)")
    parser.add_argument(
        "--vocoder", type=vocoder_and_path, action="append", required=True, metavar="NAME[=PATH]",
        help="a registered vocoder and its files; repeat to compare (a vocoder without PATH, such as "
        "griffinlim, takes the FeatureSpec of the first one with files)",
    )
    parser.add_argument(
        "--vocoder-option", action="append", default=[], metavar="NAME.OPTION=VALUE",
        help="an option of a --vocoder's load, as a voice's vocoder_options (e.g. wavenet.match_mel=true); repeatable",
    )
    parser.add_argument("--durations", type=Path, metavar="D.jsonl",
                        help="phonemes and durations (from `tts align`) for vocoders that need them, such as concat")
    parser.add_argument(
        "--world-reference", action="store_true",
        help="add WORLD analysis-synthesis of each recording (its own Harvest/CheapTrick/D4C features) as a reference row",
    )
    parser.add_argument(
        "--mel-ceiling", action="store_true",
        help="add each recording rebuilt from its mel's magnitude with its own phase as a reference row "
        "(mel-own-phase): what the mel allows a vocoder that gets the phase right",
    )
    parser.add_argument("--limit", type=positive_int, metavar="N", help="score at most N utterances")
    parser.add_argument("--out", type=Path, metavar="REPORT.json", help="write the figures as JSON")
    parser.set_defaults(func=run)


def vocoder_and_path(text):
    """NAME[=PATH] as (name, path or None)."""
    name, _, path = text.partition("=")
    return name, path or None


def run(args):
    from tts.cli.build_voice import vocoder_options
    from tts.evaluation.copy_synthesis import evaluate_copy_synthesis
    from tts.evaluation.files import write_report

    options = vocoder_options(args.vocoder_option, [name for name, _ in args.vocoder])
    report = evaluate_copy_synthesis(args.manifest, args.vocoder, ids_path=args.ids, durations_path=args.durations,
                                     limit=args.limit, world_reference=args.world_reference, mel_ceiling=args.mel_ceiling,
                                     vocoder_options=options)
    utterances = next(iter(report.values()))["utterances"]  # every row scores the same ones
    print(f"copy-synthesis of {utterances} utterances from {args.manifest}")
    print(f"{'vocoder':<16} {'RTF':>8} {'PESQ':>6} {'STOI':>6} {'MCD dB':>7} {'WER':>6} {'OVRL':>5}")
    for name, figures in report.items():
        print(f"{name:<16} {_cell(figures, 'rtf', 8, 3)} {_cell(figures, 'pesq', 6, 2)} {_cell(figures, 'stoi', 6, 3)} "
              f"{_cell(figures, 'mcd_db', 7, 2)} {_cell(figures, 'wer', 6, 3)} {_cell(figures, 'dnsmos_ovrl', 5, 2)}")
    if args.out is not None:
        write_report(args.out, report)
    return 0


def _cell(figures, key, width, digits):
    """The figure right-aligned in `width`, or a dash where the row has none (the recordings' row)."""
    return f"{figures[key]:>{width}.{digits}f}" if key in figures else f"{'-':>{width}}"
