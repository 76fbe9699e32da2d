"""Number ranges and ratios: "10-20" -> "ten to twenty", "1990–1995" -> "nineteen ninety to nineteen ninety-five".

A hyphen with no spaces or an en dash (spaced or not) between two numbers is a range. A spaced ASCII
hyphen ("5 - 3") is left for the symbols pass, which reads it as "minus".
Both ends read as years when both look like years (1100-2099) and the range goes forward;
"1990-95" reads "nineteen ninety to ninety-five".
A ratio is a colon before a single digit ("3:1" -> "three to one"); "3:10" is a time (times pass).
"""

import re

from frontends.normalize.numbers import NUMBER, SIGNED_NUMBER, say_number
from frontends.normalize.years import is_year_like, say_year

_RANGE = re.compile(
    rf"(?<![0-9A-Za-z.,])(?P<low>{SIGNED_NUMBER})(?:-| ?– ?)(?P<high>{NUMBER})(?![0-9]|-[0-9])"
)


_RATIO = re.compile(r"(?<![0-9:.,])(?P<left>[0-9]{1,3}):(?P<right>[0-9])(?![0-9:])")


def expand_ranges(text):
    text = _RATIO.sub(lambda m: f"{say_number(m.group('left'))} to {say_number(m.group('right'))}", text)
    return _RANGE.sub(_say_range, text)


def _say_range(match):
    low, high = match.group("low"), match.group("high")
    if is_year_like(low):
        if is_year_like(high) and int(high) > int(low):
            return f"{say_year(int(low))} to {say_year(int(high))}"
        if len(high) == 2:  # "1990-95"
            return f"{say_year(int(low))} to {say_number(high)}"
    return f"{say_number(low)} to {say_number(high)}"
