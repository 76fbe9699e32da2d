"""`tts phonemize`: show what the frontend makes of a text: normalized words, phonemes, durations."""

import json
import sys

from tts.cli.text_input import add_text_arguments, read_text


def register(subparsers):
    parser = subparsers.add_parser("phonemize", help="normalize and phonemize text; durations with a model")
    add_text_arguments(parser)
    parser.add_argument("--lexicon", metavar="FILE", help="user lexicon: TSV of word<TAB>phonemes")
    parser.add_argument("--duration-model", metavar="FILE", help="a trained duration model (.safetensors)")
    parser.add_argument("--speaker", default="0", help="speaker index, id or mix (3:0.7,5:0.3) for the durations")
    parser.add_argument("--speed", type=float, default=1.0, help="speaking rate for the durations")
    parser.add_argument("--json", action="store_true", help="one JSON object per sentence")
    parser.set_defaults(func=run)


def run(args):
    # Imported here: the frontend pulls in phonemizer and espeak, which other commands do not need.
    from frontends.duration.model import DurationModel
    from frontends.frontend import Frontend, warning_line
    from frontends.lexicon import Lexicon
    from tts.speaker_selection import parse_speaker, resolve_speaker

    text = read_text(args)
    duration_model = DurationModel.load(args.duration_model) if args.duration_model else None
    speaker = parse_speaker(args.speaker)
    if duration_model is not None:
        speaker = resolve_speaker(speaker, duration_model.config.speakers)  # fails before any work
    lexicon = Lexicon.load(args.lexicon) if args.lexicon else None
    frontend = Frontend(lexicon=lexicon, duration_model=duration_model)
    for utterance in frontend.sentences(text, speaker=speaker, speed=args.speed):
        warning = warning_line(utterance.report)
        if args.json:
            print(json.dumps(_as_json(utterance), ensure_ascii=False))
        else:
            print(f"normalized: {utterance.normalized}")
            print(f"phonemes:   {' '.join(p if p != ' ' else '|' for p in utterance.phonemes)}")
            if utterance.durations is not None:
                seconds = utterance.durations.sum() * duration_model.spec.frame_seconds
                print(f"durations:  {' '.join(map(str, utterance.durations))}  ({seconds:.2f} s)")
        if warning:
            print(f"warning: {warning}", file=sys.stderr)
    return 0


def _as_json(utterance):
    return {
        "text": utterance.text,
        "normalized": utterance.normalized,
        "words": list(utterance.words),
        "phonemes": list(utterance.phonemes),
        "ids": utterance.ids.tolist(),
        "word_of": utterance.phoneme_words.tolist(),
        "durations": None if utterance.durations is None else utterance.durations.tolist(),
        "report": utterance.report,
    }
