"""The flat forms of `tts eval` from before its subcommands, kept for one release: `tts eval --manifest
...` runs `tts eval copy`, `tts eval --voice ... --texts ...` runs `tts eval texts` and `tts eval --voice
... --manifest ...` runs `tts eval acoustic`, with the same flags, after a warning on stderr."""

import sys

HELP = ("-h", "--help")


def accept_flat_forms(parser):
    """Have `parser`, the eval group, put the implied subcommand in front of a flat form before parsing.
    argparse has no optional subcommand, so the group's parse_known_args (what the `tts` parser calls
    with the arguments after `eval`) is wrapped."""
    parse_known_args = parser.parse_known_args

    def parse(args=None, namespace=None):
        return parse_known_args(with_mode(args), namespace)

    parser.parse_known_args = parse


def with_mode(args):
    """`args` led by the subcommand their flags imply, after the warning; unchanged when they are empty
    (the group's usage error), start with a word (a subcommand, or argparse's invalid-choice error) or
    ask for the group's help."""
    if not args or not args[0].startswith("-") or args[0] in HELP:
        return args
    mode, form = implied_mode(args)
    print(f"tts: warning: 'tts eval {form} ...' is deprecated; use 'tts eval {mode} ...'", file=sys.stderr)
    return [mode, *args]


def implied_mode(args):
    """(subcommand, flat form) as the flat command chose: --voice with --manifest is the acoustic model,
    --voice alone the texts, anything else copy-synthesis."""
    given = {arg.partition("=")[0] for arg in args}
    if "--voice" in given:
        return ("acoustic", "--voice --manifest") if "--manifest" in given else ("texts", "--voice --texts")
    return "copy", "--manifest"
