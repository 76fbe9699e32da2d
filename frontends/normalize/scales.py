"""A scale or a multiplier written onto a number: "1.5M" -> "one point five million", "3x" -> "three times".

Scales: "bn", "mn" and "tn" always ("3bn" -> "three billion"); a capital M, B or K, or a small k,
only after a number with decimals ("2.5B", "1.2k"), and M after a whole number of two digits or
more ("20M users"). Written without decimals the letters are too often something else: "3M" (the
company), "12B" (a seat), "4K" (a screen), "10K" (a race): those keep their letter. Money ("$5m")
and units ("5 MB", "5m" meters) are read before this pass.
Multipliers: a small "x" right after a number and before no letter or digit ("3x faster", "up 10x");
"1920x1080" and "3 x 4" are dimensions (units), "0x1F" is hexadecimal and keeps its letters.
"""

import re

from frontends.normalize.money import SCALE_WORDS
from frontends.normalize.numbers import SIGNED_NUMBER, say_number

_SCALED = re.compile(
    rf"(?<![A-Za-z0-9.,])(?P<amount>{SIGNED_NUMBER})(?P<scale>bn|mn|tn|M|B|K|k)(?![A-Za-z0-9])"
)
_ALWAYS_A_SCALE = frozenset({"bn", "mn", "tn"})
_MULTIPLIER = re.compile(rf"(?<![A-Za-z0-9.,])(?P<amount>{SIGNED_NUMBER})x(?![A-Za-z0-9])")


def expand_scales(text):
    text = _SCALED.sub(_say_scaled, text)
    return _MULTIPLIER.sub(lambda m: f"{say_number(m.group('amount'))} times", text)


def _say_scaled(match):
    amount, scale = match.group("amount"), match.group("scale")
    if not _is_scale(amount, scale):
        return match.group()
    return f"{say_number(amount)} {SCALE_WORDS[scale]}"


def _is_scale(amount, scale):
    if scale in _ALWAYS_A_SCALE or "." in amount:
        return True
    return scale == "M" and len(amount.lstrip("-").replace(",", "")) >= 2
