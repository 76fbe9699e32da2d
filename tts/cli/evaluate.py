"""`tts eval`: score vocoders by copy-synthesis of held-out recordings (--manifest), a voice speaking
texts (--voice --texts, in tts.cli.evaluate_texts), or a voice's acoustic model on held-out recordings
with their real durations (--voice --manifest, in tts.cli.evaluate_acoustic)."""

import json
from pathlib import Path

from tts.atomic import write_text_atomic
from tts.cli import evaluate_acoustic, evaluate_texts
from tts.cli.argtypes import positive_int
from tts.corpora.manifest import read_manifest
from tts.corpora.speakers import manifest_speaker_order
from tts.durations import read_durations
from tts.errors import TTSError, UsageError
from tts.evaluation.copy_synthesis import copy_synthesis, score_recordings, score_resynthesis, summary
from tts.metrics.intelligibility import Recognizer, scoring_text
from tts.registry import load_vocoder_class


def register(subparsers):
    parser = subparsers.add_parser(
        "eval",
        help="score vocoders by copy-synthesis (RTF, PESQ, STOI, MCD, WER), a voice on texts (RTF, WER, DNSMOS), "
        "or a voice's acoustic model on held-out recordings (mel L1, MCD, F0 RMSE, V/UV, WER)",
        description="With --manifest: re-render recordings from their own mels with each vocoder and score "
        "the output against the recording. With --voice and --texts: speak each line with every chosen "
        "vocoder and speaker and score the audio by ASR word error rate and DNSMOS. With --voice and "
        "--manifest: run the voice's acoustic model on held-out recordings with their aligned phonemes, "
        "durations and speaker, score its mel and F0 against the recording's (mel L1, MCD, F0 RMSE, V/UV "
        "error), then each vocoder on that mel (WER by ASR, MCD), per speaker and over all.",
    )
    parser.add_argument(
        "--manifest", type=Path, metavar="M.jsonl",
        help="corpus manifest: the recordings to copy-synthesize, or with --voice the held-out recordings",
    )
    parser.add_argument("--voice", metavar="DIR", help="a voice directory, or `default` for the bundled voice")
    parser.add_argument(
        "--texts", metavar="FILE.txt", help="with --voice: one sentence per line, or a built-in list (harvard)"
    )
    parser.add_argument(
        "--speaker", action="append", metavar="S", help="with --voice: index, id or mix; repeat to compare (default 0)"
    )
    parser.add_argument(
        "--ids", type=Path, metavar="IDS.json",
        help="a JSON list of utterance ids to score (e.g. a run's held_out.json); with --voice --manifest "
        "the default is the held-out split every training stage leaves out",
    )
    parser.add_argument(
        "--vocoder",
        action="append",
        metavar="NAME[=PATH]",
        help="a registered vocoder and its files; repeat to compare (a vocoder without PATH, such as "
        "griffinlim, takes the FeatureSpec of the first one with files). With --voice: a vocoder of the "
        "voice (default with --texts: all of them; with --manifest: griffinlim and wavenet, where it has them)",
    )
    parser.add_argument(
        "--durations",
        type=Path,
        metavar="D.jsonl",
        help="phonemes and durations (from `tts align`) for vocoders that need them, such as concat; with "
        "--voice --manifest, the true durations (default: <manifest stem>.durations.jsonl beside it)",
    )
    parser.add_argument(
        "--world-reference",
        action="store_true",
        help="add WORLD analysis-synthesis of each recording (its own Harvest/CheapTrick/D4C features) as a reference row",
    )
    parser.add_argument(
        "--limit", type=positive_int, metavar="N",
        help="score at most N utterances or texts (with --voice --manifest: N utterances per speaker)",
    )
    parser.add_argument("--out", type=Path, metavar="REPORT.json", help="write the figures as JSON")
    parser.add_argument("--plot", type=Path, metavar="REPORT.png", help="with --voice: bars of WER and DNSMOS")
    parser.set_defaults(func=run)


def run(args):
    if args.voice is not None and args.manifest is not None:
        _refuse(args, "--voice --manifest", texts="--texts", speaker="--speaker", plot="--plot",
                world_reference="--world-reference")
        return evaluate_acoustic.run(args, ids=_read_ids(args.ids) if args.ids is not None else None)
    if args.voice is not None:
        _refuse(args, "--voice --texts", ids="--ids", durations="--durations", world_reference="--world-reference")
        return evaluate_texts.run(args)
    if args.manifest is None:
        raise UsageError("give --manifest (copy-synthesis), --voice with --texts, or --voice with --manifest "
                         "(the acoustic model on held-out recordings)")
    _refuse(args, "--manifest", texts="--texts", speaker="--speaker", plot="--plot")
    if not args.vocoder:
        raise UsageError("--manifest needs at least one --vocoder NAME[=PATH]")
    entries = read_manifest(args.manifest)
    if args.ids is not None:
        wanted = set(_read_ids(args.ids))
        entries = [entry for entry in entries if entry.id in wanted]
    entries = entries[: args.limit] if args.limit else entries
    if not entries:
        raise UsageError("no utterance to score: check --ids against the manifest")
    speakers = manifest_speaker_order(args.manifest) or sorted({entry.speaker for entry in entries})
    speaker_index = {speaker: index for index, speaker in enumerate(speakers)}
    alignments = None
    if args.durations is not None:
        alignments = {record.id: record for record in read_durations(args.durations).records}
    # WER needs every utterance's text; the recordings' own WER is the floor the recognizer allows.
    recognizer = Recognizer() if all(scoring_text(entry.text) for entry in entries) else None
    report = {"original": score_recordings(entries, recognizer)} if recognizer else {}
    vocoders = _load_vocoders(args.vocoder)
    for name, vocoder in vocoders:
        report[name] = summary(copy_synthesis(vocoder, entries, speaker_index, alignments, recognizer))
    if args.world_reference:
        world = load_vocoder_class("world")(vocoders[0][1].spec)
        render = lambda entry, reference, features: world.analysis_synthesis(reference)  # noqa: E731
        report["world-analysis"] = summary(score_resynthesis(render, entries, world.spec, recognizer))
    print(f"copy-synthesis of {len(entries)} utterances from {args.manifest}")
    print(f"{'vocoder':<16} {'RTF':>8} {'PESQ':>6} {'STOI':>6} {'MCD dB':>7} {'WER':>6}")
    for name, figures in report.items():
        print(f"{name:<16} {_cell(figures, 'rtf', 8, 3)} {_cell(figures, 'pesq', 6, 2)} {_cell(figures, 'stoi', 6, 3)} "
              f"{_cell(figures, 'mcd_db', 7, 2)} {_cell(figures, 'wer', 6, 3)}")
    if args.out is not None:
        write_text_atomic(args.out, json.dumps(report, indent=2) + "\n")
    return 0


def _cell(figures, key, width, digits):
    """The figure right-aligned in `width`, or a dash where the row has none (the recordings' row)."""
    return f"{figures[key]:>{width}.{digits}f}" if key in figures else f"{'-':>{width}}"


def _refuse(args, mode, **options):
    """A usage error for any of `options` ({attribute: flag}) given in the other mode."""
    given = [flag for attribute, flag in options.items() if getattr(args, attribute) not in (None, False)]
    if given:
        raise UsageError(f"{', '.join(given)} cannot be used with {mode}")


def _read_ids(path):
    try:
        ids = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise TTSError(f"{path}: not a JSON list of utterance ids ({error})") from None
    if not isinstance(ids, list):
        raise TTSError(f"{path}: not a JSON list of utterance ids")
    return ids


def _load_vocoders(specs):
    """[(label, vocoder)]: those with files first, then the file-less ones on the first one's spec."""
    loaded, spec = [], None
    for text in specs:
        name, _, path = text.partition("=")
        cls = load_vocoder_class(name)
        if path:
            vocoder = cls.load(path)
            spec = spec or vocoder.spec
            loaded.append((name, vocoder))
    for text in specs:
        name, _, path = text.partition("=")
        if not path:
            cls = load_vocoder_class(name)
            loaded.append((name, cls(spec) if spec is not None else cls()))
    return loaded
