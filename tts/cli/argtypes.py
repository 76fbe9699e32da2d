"""argparse value types shared by the subcommands."""

import argparse


def positive_int(text):
    return _int_at_least(text, 1, "a positive integer")


def non_negative_int(text):
    return _int_at_least(text, 0, "an integer >= 0")


def _int_at_least(text, lowest, wanted):
    try:
        value = int(text)
    except ValueError:
        value = lowest - 1
    if value < lowest:
        raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}")
    return value


def non_negative_float(text):
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):  # also refuses nan
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return value
