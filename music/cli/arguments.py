"""argparse value types the music commands share (those of every command are in tts.cli.argtypes)."""

import argparse


def labelled_run(text):
    """`--run LABEL=DIR` of the comparisons -> (label, folder)."""
    label, sep, folder = text.partition("=")
    if not sep or not label or not folder:
        raise argparse.ArgumentTypeError(f"expected LABEL=DIR, got {text!r}")
    return label, folder
