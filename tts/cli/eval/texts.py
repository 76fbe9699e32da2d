"""`tts eval texts --voice DIR --texts FILE`: a voice speaks each text with every chosen vocoder and
speaker; a table, a JSON report and a plot of RTF, WER and DNSMOS per vocoder and speaker
(tts.evaluation.text_synthesis)."""

from pathlib import Path

from tts.cli.argtypes import positive_int


def register(subparsers):
    parser = subparsers.add_parser(
        "texts",
        help="a voice speaking texts per vocoder and speaker: RTF, WER, DNSMOS",
        description="Speak each line with every chosen vocoder and speaker and score the audio by real-time "
        "factor, ASR word error rate and DNSMOS (SIG, BAK, OVRL), per vocoder and speaker and the mean over "
        "speakers.",
    )
    parser.add_argument("--voice", required=True, metavar="DIR",
                        help="a voice directory, or `default` (the bundled voice)")
    parser.add_argument("--texts", required=True, metavar="FILE.txt",
                        help="one sentence per line, or a built-in list (harvard)")
    parser.add_argument("--speaker", action="append", metavar="S",
                        help="index, id or mix; repeat to compare (default 0)")
    parser.add_argument("--vocoder", action="append", metavar="NAME",
                        help="a vocoder of the voice; repeat to compare (default: all of them)")
    parser.add_argument("--limit", type=positive_int, metavar="N", help="speak at most N texts")
    parser.add_argument("--seeds", type=positive_int, default=1, metavar="N",
                        help="speak each text with N sampling seeds of a vocoder that draws at random (the "
                        "WaveNet, Griffin-Lim's first phase), its own and the N - 1 after it, and pool them; "
                        "each seed's WER is shown beside (default 1)")
    parser.add_argument("--out", type=Path, metavar="REPORT.json", help="write the figures as JSON")
    parser.add_argument("--plot", type=Path, metavar="REPORT.png", help="bars of WER and DNSMOS")
    parser.set_defaults(func=run)


def run(args):
    from tts.evaluation.files import write_report
    from tts.evaluation.plot import plot_report
    from tts.evaluation.text_synthesis import evaluate_texts

    report = evaluate_texts(args.voice, args.texts, speakers=args.speaker, vocoders=args.vocoder, limit=args.limit,
                            seeds=args.seeds, progress=True)
    _print_table(report, args.texts)
    if args.out is not None:
        write_report(args.out, report)
    if args.plot is not None:
        plot_report(report, args.plot)
    return 0


def _print_table(report, source):
    print(f"voice {report['voice']} speaking {len(report['texts'])} texts from {source}")
    print(f"{'vocoder':<14} {'speaker':<12} {'RTF':>7} {'WER':>6} {'SIG':>5} {'BAK':>5} {'OVRL':>5}")
    for name, results in report["vocoders"].items():
        rows = list(results["speakers"].items())
        rows += [("mean", results["mean"])] if len(rows) > 1 else []
        for label, f in rows:
            by_seed = " ".join(f"{draw['wer']:.3f}" for draw in f.get("seeds", {}).values())
            print(f"{name:<14} {label:<12} {f['rtf']:>7.3f} {f['wer']:>6.3f} {f['dnsmos_sig']:>5.2f} "
                  f"{f['dnsmos_bak']:>5.2f} {f['dnsmos_ovrl']:>5.2f}" + (f"  WER by seed {by_seed}" if by_seed else ""))
