"""`tts serve`: an HTTP speech server (OpenAI- and Coqui-compatible) over a voice."""

import sys

from tts.cli.argtypes import positive_int
from tts.cli.listening import add_listening_arguments, voice_to_serve
from tts.server.limits import HOST, PORT, ServerLimits  # plain constants: `tts --help` does not import FastAPI

DEFAULTS = ServerLimits()


def register(subparsers):
    parser = subparsers.add_parser(
        "serve", help="serve a voice over HTTP (OpenAI and Coqui request forms)",
        description="Serve a voice over HTTP: POST /v1/audio/speech (OpenAI), GET /api/tts (Coqui), GET /voices, "
        "GET /health. Text starting with <speak> is read as SSML. Local only unless --host says otherwise.",
    )
    add_listening_arguments(parser, what="server", host=HOST, port=PORT)
    parser.add_argument("--max-chars", type=positive_int, default=DEFAULTS.max_chars, metavar="N",
                        help=f"longest text per request, SSML markup included (default {DEFAULTS.max_chars})")
    parser.add_argument("--max-concurrent", type=positive_int, default=DEFAULTS.max_concurrent, metavar="N",
                        help=f"syntheses run at once (default {DEFAULTS.max_concurrent})")
    parser.add_argument("--max-queue", type=positive_int, default=DEFAULTS.max_queue, metavar="N",
                        help=f"requests waiting for a slot; more get 503 with Retry-After (default {DEFAULTS.max_queue})")
    parser.add_argument("--timeout", type=positive_int, default=int(DEFAULTS.timeout_s), metavar="SECONDS",
                        help=f"synthesis time per request before it is cut off (default {DEFAULTS.timeout_s:g})")
    parser.add_argument("--max-body-bytes", type=positive_int, default=DEFAULTS.max_body_bytes, metavar="N",
                        help=f"largest request body; more gets 413 (default {DEFAULTS.max_body_bytes})")
    parser.set_defaults(func=run)


def run(args):
    import uvicorn

    from tts.server.app import create_app

    voice = voice_to_serve(args, what="server")
    limits = ServerLimits(max_chars=args.max_chars, max_concurrent=args.max_concurrent, max_queue=args.max_queue,
                          timeout_s=float(args.timeout), max_body_bytes=args.max_body_bytes)
    print(f"tts: serving voice {voice.name!r} on http://{args.host}:{args.port}", file=sys.stderr)
    uvicorn.run(create_app(voice, limits), host=args.host, port=args.port, log_level="warning")
    return 0
