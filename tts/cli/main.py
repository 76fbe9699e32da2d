"""Entry point of the `tts` command.

Each subcommand lives in its own module exposing `register(subparsers)`; the handler it sets as
`func` receives the parsed arguments and returns an exit status. User errors (TTSError) become one
line on stderr and their exit code; nothing else is caught, so bugs keep their traceback.
"""

import argparse
import os
import signal
import sys
import warnings

from tts.cli import (
    align,
    build_units,
    build_voice,
    corpus,
    demo,
    phonemize,
    serve,
    speakers,
    synth,
    system,
    train,
    vocoders,
)
from tts.cli import eval as evaluate  # the package is named after the command; `eval` would shadow the builtin
from tts.errors import TTSError
from tts.registry import COMMANDS, PluginWarning, load_extensions

SIGPIPE_STATUS = 128 + signal.SIGPIPE  # 141: what a shell reports for a process a closed pipe ended
SUBCOMMANDS = (
    synth, speakers, demo, serve, phonemize, corpus, train, align, build_units, build_voice, vocoders, evaluate, system,
)


def build_parser():
    parser = argparse.ArgumentParser(prog="tts", description="Text-to-speech toolkit.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in SUBCOMMANDS:
        module.register(subparsers)
    for name, register in load_extensions(COMMANDS, what="command").items():
        if name in subparsers.choices:
            warnings.warn(f"command {name!r} from an extension skipped: `tts {name}` is built in", PluginWarning,
                          stacklevel=1)
            continue
        register(subparsers)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status = args.func(args)
    except TTSError as error:
        print(f"tts: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("tts: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output left (`tts synth -o - | head -c 100`): end quietly, as Unix tools
        # killed by SIGPIPE do, and keep Python's exit-time flush from failing on the closed pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return SIGPIPE_STATUS
    return status or 0


if __name__ == "__main__":
    sys.exit(main())
