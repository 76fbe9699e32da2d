"""`tts synth`: speak a text with a voice (the bundled one by default) into a WAV file or stdout."""

import sys
import time
from pathlib import Path

from tts.cli.text_input import add_text_arguments, read_text

DEFAULT_OUTPUT = "out.wav"
BATCH_SENTENCES = 8  # without --stream: sentences rendered together, written as each batch finishes
STREAM_CHUNK_FRAMES = 32  # with --stream: about 0.37 s of audio per write at 22.05 kHz


def register(subparsers):
    parser = subparsers.add_parser(
        "synth", help="synthesize speech from text",
        description="Speak TEXT (or stdin, or --file) with a voice. Long text is split into sentences and "
        "written as it is rendered, so memory stays bounded.",
    )
    add_text_arguments(parser)
    add_voice_arguments(parser)
    parser.add_argument("-o", "--output", default=DEFAULT_OUTPUT, metavar="OUT.wav",
                        help=f"where to write the audio (.wav or .flac; - for stdout; default {DEFAULT_OUTPUT})")
    parser.add_argument("--speed", type=float, default=1.0, help="speaking rate: 2 is twice as fast (0.25 .. 4)")
    parser.add_argument(
        "--pitch-shift", type=float, default=0.0, metavar="SEMITONES", help="raise or lower the pitch (-12 .. 12)"
    )
    parser.add_argument("--date-order", choices=("month-first", "day-first"), default="month-first",
                        help="how 12/05/2026 reads: December fifth (month-first, the default) or the twelfth of May")
    parser.add_argument("--ssml", action="store_true",
                        help="read the text as SSML (automatic when it starts with <speak>)")
    parser.add_argument("--stream", action="store_true",
                        help="render and write sentence by sentence (stdout gets an open-ended WAV, flushed per sentence)")
    parser.set_defaults(func=run)


def add_voice_arguments(parser):
    parser.add_argument("--voice", metavar="DIR", help="a voice directory, or `default` (the bundled voice, also when omitted)")
    parser.add_argument("--speaker", default="0", help="index (3), id (p227) or mix (3:0.7,5:0.3); default 0")
    parser.add_argument("--vocoder", help="a vocoder of the voice (default: the voice's; see `tts speakers`)")


def run(args):
    from tts.voice import Voice, text_warning  # imported here: only synthesis needs the voice
    from tts.wav_writer import check_output_path, open_wav_writer

    text = read_text(args)
    check_output_path(args.output)
    voice = Voice.load(args.voice, date_order=args.date_order)
    speaker = voice.resolve_speaker(args.speaker)
    vocoder = voice.vocoder(args.vocoder)  # an unknown or broken vocoder fails before any text is rendered
    started = time.perf_counter()
    seconds, reports = 0.0, []
    if not args.stream:
        options = {"batch_sentences": BATCH_SENTENCES}
    else:  # pieces of sentences where the vocoder can, whole sentences where not
        options = {"chunk_frames": STREAM_CHUNK_FRAMES} if hasattr(vocoder, "stream") else {}
    chunks = voice.stream(  # checks everything, the SSML included, before the output is opened
        text, ssml=args.ssml or "auto", speaker=speaker, vocoder=args.vocoder, speed=args.speed,
        pitch_shift=args.pitch_shift, **options,
    )
    with open_wav_writer(args.output, voice.sample_rate, streaming=args.stream) as writer:
        for chunk in chunks:
            writer.write(chunk.audio)
            seconds += chunk.seconds
            reports.extend(u.report for u in chunk.utterances)  # one Utterance per sentence
    sentences = len(reports)
    elapsed = time.perf_counter() - started
    warning = text_warning(reports)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    where = "standard output" if args.output == "-" else Path(args.output).resolve()
    print(
        f"wrote {where}: {seconds:.2f} s of audio, {sentences} sentence{'s' if sentences != 1 else ''}, "
        f"speaker {args.speaker}, vocoder {args.vocoder or voice.default_vocoder}, RTF {elapsed / max(seconds, 1e-9):.3f}",
        file=sys.stderr,
    )
    return 0

