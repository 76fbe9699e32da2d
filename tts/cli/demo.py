"""`tts demo`: a local web page (Gradio) that speaks typed text with a voice and shows how."""

import sys

from tts.cli.argtypes import positive_int
from tts.demo import defaults  # plain constants: `tts --help` does not import Gradio

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def register(subparsers):
    parser = subparsers.add_parser(
        "demo", help="serve a web demo of a voice",
        description="Serve a Gradio page: type text, pick a speaker (or a mix), a vocoder and a speed, and get "
        "the audio, its mel spectrogram, the phoneme durations and timings. Local only unless --host says otherwise.",
    )
    parser.add_argument("--voice", metavar="DIR", help="a voice directory (default: the bundled voice)")
    parser.add_argument("--host", default=defaults.HOST,
                        help=f"address to listen on (default {defaults.HOST}; 0.0.0.0 exposes the demo to the network)")
    parser.add_argument("--port", type=positive_int, default=defaults.PORT, help=f"default {defaults.PORT}")
    parser.add_argument("--max-chars", type=positive_int, default=defaults.MAX_CHARS, metavar="N",
                        help=f"longest text accepted (default {defaults.MAX_CHARS})")
    parser.add_argument("--queue-size", type=positive_int, default=defaults.QUEUE_SIZE, metavar="N",
                        help=f"requests waiting beyond this are refused with 'queue full' (default {defaults.QUEUE_SIZE})")
    parser.add_argument("--concurrency", type=positive_int, default=defaults.CONCURRENCY, metavar="N",
                        help=f"syntheses run at once (default {defaults.CONCURRENCY})")
    parser.set_defaults(func=run)


def run(args):
    from tts.demo.app import build_app, serve
    from tts.voice import Voice

    voice = Voice.load(args.voice)
    voice.vocoder()  # load the default vocoder now: a broken voice fails here, and the first request is not slow
    if args.host not in LOCAL_HOSTS:
        print(f"tts: warning: listening on {args.host}: anyone who can reach it can use the demo", file=sys.stderr)
    serve(build_app(voice, max_chars=args.max_chars), host=args.host, port=args.port,
          queue_size=args.queue_size, concurrency=args.concurrency)
    return 0
