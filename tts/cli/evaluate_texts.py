"""`tts eval --voice DIR --texts FILE`: a voice speaks each text with every chosen vocoder and
speaker; a table, a JSON report and a plot of RTF, WER and DNSMOS per vocoder and speaker."""

import json
import sys

from tts.atomic import write_text_atomic
from tts.errors import UsageError


def run(args):
    from tts.evaluation.plot import plot_report
    from tts.evaluation.text_synthesis import mean_over_speakers, score_texts, summary
    from tts.evaluation.texts import read_texts
    from tts.metrics.intelligibility import Recognizer
    from tts.voice import Voice

    if args.texts is None:
        raise UsageError("--voice needs --texts FILE.txt (one sentence per line) or a built-in list (harvard), "
                         "or --manifest M.jsonl to score its acoustic model on held-out recordings")
    texts = read_texts(args.texts)[: args.limit]
    voice = Voice.load(None if args.voice == "default" else args.voice)
    speakers = {}
    for text in args.speaker or ["0"]:
        speaker = voice.resolve_speaker(text)
        speakers[voice.speakers[speaker] if isinstance(speaker, int) else text] = speaker
    vocoders = args.vocoder or list(voice.vocoder_names)
    for name in vocoders:
        # An unknown or broken vocoder fails before any scoring; one-time loading and compilation
        # (espeak-ng, numba kernels) stay out of the RTF.
        voice.synthesize(texts[0], speaker=next(iter(speakers.values())), vocoder=name)
    recognizer = Recognizer()
    report = {"voice": voice.name, "texts": texts, "vocoders": {}}
    for name in vocoders:
        per_speaker = {}
        for label, speaker in speakers.items():
            print(f"{name}, speaker {label}: {len(texts)} texts", file=sys.stderr)
            scores = score_texts(voice, texts, speaker=speaker, vocoder=name, recognizer=recognizer)
            per_speaker[label] = summary(scores)
        report["vocoders"][name] = {"speakers": per_speaker, "mean": mean_over_speakers(per_speaker.values())}
    _print_table(report, args.texts)
    if args.out is not None:
        write_text_atomic(args.out, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
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
            print(f"{name:<14} {label:<12} {f['rtf']:>7.3f} {f['wer']:>6.3f} {f['dnsmos_sig']:>5.2f} "
                  f"{f['dnsmos_bak']:>5.2f} {f['dnsmos_ovrl']:>5.2f}")
