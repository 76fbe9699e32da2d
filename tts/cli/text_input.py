"""Reading the text a command should speak: an argument, `-` for stdin, or --file."""

import sys
from pathlib import Path

from tts.errors import UsageError, undecodable_byte


def add_text_arguments(parser):
    parser.add_argument("text", nargs="?", help="the text; `-` or nothing reads standard input")
    parser.add_argument("--file", type=Path, metavar="FILE", help="read the text from a UTF-8 file")


def read_text(args):
    """The text to speak as str; strict UTF-8 for stdin and files, with a one-line error otherwise."""
    if args.file is not None and args.text not in (None, "-"):
        raise UsageError("give the text either as an argument or with --file, not both")
    if args.file is not None:
        try:
            data, source = args.file.read_bytes(), str(args.file)
        except OSError as error:
            raise UsageError(f"cannot read {args.file}: {error.strerror}") from None
    elif args.text in (None, "-"):
        data, source = sys.stdin.buffer.read(), "standard input"
    else:
        text = args.text
        data = None
    if data is not None:
        try:
            text = data.decode("utf-8-sig")  # a leading BOM is an encoding mark, not text
        except UnicodeDecodeError as error:
            raise UsageError(
                f"{source} is not valid UTF-8 ({undecodable_byte(error, data)}); "
                "convert it with iconv -t UTF-8"
            ) from None
    if not text.strip():
        raise UsageError("empty text: give some words to speak")
    return text
