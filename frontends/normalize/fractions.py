"""Fractions: "1/2" -> "one half", "3/4" -> "three quarters", "5/16" -> "five sixteenths",
"1 1/2" -> "one and one half".

A slash between two numbers is a fraction when the denominator is at most 16, or when the fraction
is proper with a denominator up to 100 ("3/100" -> "three hundredths"). "24/7", "9/11" and "50/50"
are idioms read number by number; anything else ("150/200") reads "over". Dates ("3/5/2024") are
taken by the dates pass before this one runs.
"""

import re

from frontends.normalize.numbers import say_cardinal, say_ordinal

LARGEST_SMALL_DENOMINATOR = 16
LARGEST_PROPER_DENOMINATOR = 100
IDIOMS = frozenset({(24, 7), (9, 11)})

_FRACTION = re.compile(
    r"(?<![0-9/.,])(?:(?P<whole>[0-9]{1,6}) )?(?P<num>[0-9]{1,4})/(?P<den>[0-9]{1,4})(?![0-9/])"
)
_NAMED_DENOMINATORS = {2: ("half", "halves"), 4: ("quarter", "quarters")}


def expand_fractions(text):
    return _FRACTION.sub(_say_fraction, text)


def _say_fraction(match):
    numerator, denominator = int(match.group("num")), int(match.group("den"))
    whole = match.group("whole")
    fraction = None if _is_idiom(numerator, denominator) else say_fraction(numerator, denominator)
    if fraction is None:
        said = _say_idiom_or_ratio(numerator, denominator)
        return f"{say_cardinal(int(whole))} {said}" if whole else said
    if whole and numerator < denominator:
        return f"{say_cardinal(int(whole))} and {fraction}"
    return f"{say_cardinal(int(whole))} {fraction}" if whole else fraction


def say_fraction(numerator, denominator):
    """"five sixteenths", or None when the pair does not read as a fraction."""
    proper = numerator < denominator <= LARGEST_PROPER_DENOMINATOR
    if denominator < 2 or numerator == denominator or not (denominator <= LARGEST_SMALL_DENOMINATOR or proper):
        return None
    ordinal = say_ordinal(denominator).removeprefix("one ")  # "hundredth", not "one hundredth"
    singular, plural = _NAMED_DENOMINATORS.get(denominator, (ordinal, ordinal + "s"))
    return f"{say_cardinal(numerator)} {singular if numerator == 1 else plural}"


def _is_idiom(numerator, denominator):
    return (numerator, denominator) in IDIOMS or numerator == denominator


def _say_idiom_or_ratio(numerator, denominator):
    if _is_idiom(numerator, denominator):
        return f"{say_cardinal(numerator)} {say_cardinal(denominator)}"
    return f"{say_cardinal(numerator)} over {say_cardinal(denominator)}"
