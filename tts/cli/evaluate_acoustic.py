"""`tts eval --voice DIR --manifest M.jsonl [--durations D.jsonl]`: a voice's acoustic model on held-out
recordings with their real durations (mel L1, MCD, F0 RMSE, voicing error), then the vocoders on its
mels (WER by ASR, MCD), per speaker and over all; a table and a JSON report."""

import json
import sys

from tts.atomic import write_text_atomic
from tts.durations import default_durations_path


def run(args, ids=None):
    from tts.evaluation.acoustic_eval import (
        DEFAULT_VOCODERS,
        HOLDOUT_FRACTION,
        score_held_out,
        select_held_out,
        summary,
    )
    from tts.metrics.intelligibility import Recognizer, scoring_text
    from tts.voice import Voice

    voice = Voice.load(None if args.voice == "default" else args.voice)
    durations = args.durations or default_durations_path(args.manifest)
    vocoders = args.vocoder or [name for name in DEFAULT_VOCODERS if name in voice.vocoder_names]
    for name in vocoders:
        voice.vocoder(name)  # an unknown or broken vocoder fails before any scoring
    held_out = select_held_out(voice, args.manifest, durations, ids=ids, per_speaker=args.limit)
    # WER needs every utterance's text, as in copy-synthesis.
    recognizer = Recognizer() if all(scoring_text(h.text) for h in held_out) else None
    print(f"scoring {len(held_out)} utterances with vocoders {', '.join(vocoders) or 'none'}", file=sys.stderr)
    results = score_held_out(voice, held_out, vocoders=vocoders, recognizer=recognizer, progress=True)
    report = {
        "voice": voice.name,
        "acoustic_source": voice.files.extra.get("sources", {}).get("acoustic"),  # the checkpoint, where recorded
        "manifest": str(args.manifest),
        "durations": str(durations),
        "selection": (str(args.ids) if ids is not None else f"held-out {HOLDOUT_FRACTION:.0%} per speaker")
        + (f", at most {args.limit} per speaker" if args.limit else ""),
        "per_speaker_limit": args.limit,
        "acoustic_dtype": str(voice.acoustic_dtype).removeprefix("torch.") if voice.acoustic_dtype else "float32",
        "vocoders": list(vocoders),
        **summary(results, voice.speakers),
    }
    print(table(report), end="")
    if args.out is not None:
        write_text_atomic(args.out, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
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
