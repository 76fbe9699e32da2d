"""What the commands that listen on the network share: where to listen, and a voice loaded up front."""

import sys

from tts.cli.argtypes import positive_int

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def add_listening_arguments(parser, *, what, host, port):
    parser.add_argument("--voice", metavar="DIR",
                        help="a voice directory, or `default` (the bundled voice, also when omitted)")
    parser.add_argument("--host", default=host,
                        help=f"address to listen on (default {host}; 0.0.0.0 exposes the {what} to the network)")
    parser.add_argument("--port", type=positive_int, default=port, help=f"default {port}")


def voice_to_serve(args, *, what):
    """The voice, its default vocoder loaded now (a broken voice fails here, not on the first request),
    after a warning when the host is reachable from elsewhere."""
    from tts.voice import Voice

    voice = Voice.load(args.voice)
    voice.vocoder()
    if args.host not in LOCAL_HOSTS:
        print(f"tts: warning: listening on {args.host}: anyone who can reach it can use the {what}", file=sys.stderr)
    return voice
