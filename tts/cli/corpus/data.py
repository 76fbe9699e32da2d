"""`tts corpus check` and `tts corpus manifest`: read a corpus, check its files, write its manifest.

check     decodes every file once: the full preflight (silence, speech level, NaN, clipping included).
manifest  reads headers only: the same readers and checks minus those that need the samples; fast.

Both print a table of the files with problems and a summary, write a JSON report when asked, and write
the manifest and speaker table of the good files only when the run passes: more than
--max-bad-fraction bad files is a failure (exit 1), and an earlier manifest is left as it was.
"""

import argparse
import json
from pathlib import Path

from tts.atomic import write_text_atomic
from tts.cli.argtypes import positive_int
from tts.corpora.layout import read_corpus
from tts.corpora.manifest import write_manifest
from tts.corpora.preflight import BAD, DEFAULT_JOBS, preflight
from tts.corpora.speakers import build_speaker_table, default_speaker_table_path, write_speaker_table
from tts.errors import TTSError

MAX_LISTED = 20  # warning and unpaired rows printed per kind; every bad file is printed


def register(group):
    check = group.add_parser(
        "check", help="decode and check every file of a corpus; write a report and a manifest of the good ones"
    )
    _add_arguments(check, out_required=False)
    check.add_argument("--jobs", metavar="N", type=positive_int, default=DEFAULT_JOBS, help="decoding processes")
    check.set_defaults(func=run_check)

    manifest = group.add_parser("manifest", help="write a manifest from audio headers only (fast, no decoding)")
    _add_arguments(manifest, out_required=True)
    manifest.set_defaults(func=run_manifest)


def run_check(args):
    return _run(args, decode=True, jobs=args.jobs)


def run_manifest(args):
    return _run(args, decode=False, jobs=1)


def _add_arguments(parser, *, out_required):
    add = parser.add_argument
    add("dir", metavar="DIR", type=Path, help="corpus root: LJSpeech-1.1, VCTK-Corpus-0.92 or VCTK 0.80 layout")
    add("--out", metavar="MANIFEST.jsonl", type=Path, required=out_required, help="manifest of the good files")
    add("--speakers", metavar="SPEAKERS.json", type=Path, help="speaker table (default: <out stem>.speakers.json)")
    add("--report", metavar="REPORT.json", type=Path, help="write the full per-file report here")
    add("--max-bad-fraction", metavar="F", type=_fraction, default=0.01, help="fail when more are bad (default: 0.01)")
    add("--sample-rate", metavar="HZ", type=positive_int, help="warn on other rates (default: the most common)")


def _run(args, *, decode, jobs):
    listing = read_corpus(args.dir)
    report = preflight(
        listing, decode=decode, sample_rate=args.sample_rate, max_bad_fraction=args.max_bad_fraction, jobs=jobs
    )
    print(format_report(report))
    if args.report:
        write_text_atomic(args.report, json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    if not report.passed:
        raise TTSError(
            f"{len(report.bad)} of {len(report.files)} files are bad ({report.bad_fraction:.1%}), more than "
            f"--max-bad-fraction {args.max_bad_fraction:g}; fix or remove them, or raise the threshold"
        )
    if args.out:
        entries = report.manifest_entries()
        write_manifest(args.out, entries)
        table = build_speaker_table((entry.speaker for entry in entries), listing.speakers)
        write_speaker_table(args.speakers or default_speaker_table_path(args.out), table)
    return 0


def format_report(report):
    """A table of the files with problems (bad ones first, then warnings, then unpaired), and a summary."""
    data = report.to_dict()
    bad = [row for row in data["files"] if row["status"] == BAD]
    warned = [row for row in data["files"] if row["status"] != BAD]
    skipped = [("SKIPPED", row["path"], row["code"], row["message"]) for row in data["unpaired"]]
    rows = _issue_rows(bad) + _capped(_issue_rows(warned)) + _capped(skipped)
    lines = [f"{data['corpus']} ({data['layout']})"]
    if rows:
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3] for row in rows]
    summary = data["summary"]
    lines.append(
        f"checked {summary['checked']} files ({'decoded' if report.decoded else 'headers only'}): "
        f"{summary['bad']} bad ({summary['bad_fraction']:.1%}), {summary['warned']} with warnings, "
        f"{summary['unpaired']} unpaired skipped; {summary['good']} good, {summary['hours']:.2f} h"
    )
    return "\n".join(lines)


def _issue_rows(files):
    return [
        (issue["severity"].upper(), row["path"], issue["code"], issue["message"])
        for row in files
        for issue in row["issues"]
    ]


def _capped(rows):
    if len(rows) <= MAX_LISTED:
        return rows
    return rows[:MAX_LISTED] + [("", f"... and {len(rows) - MAX_LISTED} more", "", "(all are in --report)")]


def _fraction(text):
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a fraction between 0 and 1, got {text!r}")
    return value
