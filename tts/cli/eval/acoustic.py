"""`tts eval acoustic --voice DIR --manifest M.jsonl [--durations D.jsonl]`: a voice's acoustic model on
held-out recordings with their real durations (mel L1, MCD, F0 RMSE, voicing error), then the vocoders
on its mels (WER by ASR, MCD), per speaker and over all; a table and a JSON report
(tts.evaluation.acoustic_eval)."""

from pathlib import Path

from tts.cli.argtypes import positive_int


def register(subparsers):
    parser = subparsers.add_parser(
        "acoustic",
        help="a voice's acoustic model on held-out recordings: mel L1, MCD, F0 RMSE, V/UV, WER",
        description="Run the voice's acoustic model on held-out recordings with their aligned phonemes, "
        "durations and speaker, score its mel and F0 against the recording's (mel L1, MCD, F0 RMSE, V/UV "
        "error), then each vocoder on that mel (WER by ASR, MCD), per speaker and over all.",
    )
    parser.add_argument("--voice", required=True, metavar="DIR",
                        help="a voice directory, or `default` (the bundled voice)")
    parser.add_argument("--manifest", type=Path, required=True, metavar="M.jsonl",
                        help="corpus manifest of the held-out recordings")
    parser.add_argument(
        "--durations", type=Path, metavar="D.jsonl",
        help="the true phonemes and durations, from `tts align` (default: <manifest stem>.durations.jsonl beside it)",
    )
    parser.add_argument(
        "--ids", type=Path, metavar="IDS.json",
        help="a JSON list of utterance ids to score (default: the held-out split every training stage leaves out)",
    )
    parser.add_argument(
        "--vocoder", action="append", metavar="NAME",
        help="a vocoder of the voice; repeat to compare (default: griffinlim and wavenet, where it has them)",
    )
    parser.add_argument("--limit", type=positive_int, metavar="N", help="score at most N utterances per speaker")
    parser.add_argument("--out", type=Path, metavar="REPORT.json", help="write the figures as JSON")
    parser.set_defaults(func=run)


def run(args):
    from tts.evaluation.acoustic_eval import evaluate_acoustic
    from tts.evaluation.files import write_report

    report = evaluate_acoustic(args.voice, args.manifest, durations_path=args.durations, ids_path=args.ids,
                               vocoders=args.vocoder, per_speaker=args.limit, progress=True)
    print(table(report), end="")
    if args.out is not None:
        write_report(args.out, report)
    return 0


def table(report):
    """The report as two text tables: the acoustic model's figures, then WER and MCD per vocoder."""
    groups = [*report["speakers"].items(), ("all", report["all"])]
    lines = [
        f"acoustic model of voice {report['voice']} ({report['acoustic_dtype']}) on {report['all']['utterances']} "
        f"utterances of {report['manifest']} ({report['selection']}), with their true durations",
        f"{'speaker':<8} {'utts':>4} {'frames':>7} {'mel L1':>7} {'MCD dB':>7} {'F0 RMSE Hz':>11} {'cents':>7} "
        f"{'V/UV err':>8}",
    ]
    for label, f in groups:
        lines.append(f"{label:<8} {f['utterances']:>4} {f['frames']:>7} {_cell(f['mel_l1'], 7, 3)} "
                     f"{_cell(f['mcd_db'], 7, 2)} {_cell(f['f0_rmse_hz'], 11, 1)} {_cell(f['f0_rmse_cents'], 7, 0)} "
                     f"{_cell(f['vuv_error'], 8, 3)}")
    columns = [(f"{name} {label}", name, key, digits) for name, row in report["all"]["audio"].items()
               for label, key, digits in (("WER", "wer", 3), ("MCD", "mcd_db", 2)) if key in row]
    if columns:
        lines += ["", "audio: WER by ASR against the transcripts (original: the recordings themselves), and MCD dB "
                      "of the vocoded audio's mel against the recording's"]
        widths = [max(8, len(header)) for header, *_ in columns]
        lines.append(f"{'speaker':<8} " + " ".join(f"{c[0]:>{w}}" for c, w in zip(columns, widths)))
        for label, f in groups:
            lines.append(f"{label:<8} " + " ".join(_cell(f["audio"][name][key], w, digits)
                                                   for (_, name, key, digits), w in zip(columns, widths)))
    return "\n".join(lines) + "\n"


def _cell(value, width, digits):
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.{digits}f}"
