"""`tts demo`: a local web page (Gradio) that speaks typed text with a voice and shows how."""

import os
import shutil
import tempfile

from tts.cli.argtypes import positive_int
from tts.cli.listening import add_listening_arguments, voice_to_serve
from tts.demo import defaults  # plain constants: `tts --help` does not import Gradio

CACHE_VARIABLE = "GRADIO_TEMP_DIR"


def register(subparsers):
    parser = subparsers.add_parser(
        "demo", help="serve a web demo of a voice",
        description="Serve a Gradio page: type text, pick a speaker (or a mix), a vocoder and a speed, and get "
        "the audio, its mel spectrogram, the phoneme durations and timings. Local only unless --host says otherwise.",
    )
    add_listening_arguments(parser, what="demo", host=defaults.HOST, port=defaults.PORT)
    parser.add_argument("--max-chars", type=positive_int, default=defaults.MAX_CHARS, metavar="N",
                        help=f"longest text accepted (default {defaults.MAX_CHARS})")
    parser.add_argument("--queue-size", type=positive_int, default=defaults.QUEUE_SIZE, metavar="N",
                        help=f"requests waiting beyond this are refused with 'queue full' (default {defaults.QUEUE_SIZE})")
    parser.add_argument("--concurrency", type=positive_int, default=defaults.CONCURRENCY, metavar="N",
                        help=f"syntheses run at once (default {defaults.CONCURRENCY})")
    parser.set_defaults(func=run)


def run(args):
    # Gradio's cache folder is private to this demo unless the user chose one, so that sweeping it
    # (tts.demo.cache_sweeper) never touches another app's files; it goes when the demo stops.
    private_cache = None if os.environ.get(CACHE_VARIABLE) else tempfile.mkdtemp(prefix="tts-demo-")
    if private_cache:
        os.environ[CACHE_VARIABLE] = private_cache
    try:
        from tts.demo.app import build_app, serve

        voice = voice_to_serve(args, what="demo")
        serve(build_app(voice, max_chars=args.max_chars), host=args.host, port=args.port,
              queue_size=args.queue_size, concurrency=args.concurrency)
    finally:
        if private_cache:
            shutil.rmtree(private_cache, ignore_errors=True)
    return 0
