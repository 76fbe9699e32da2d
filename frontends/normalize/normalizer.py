"""`normalize(text) -> NormalizedText`: English text as the words a speaker would say.

The passes run in a fixed order, each a pure str -> str function; the order is the contract:
  sanitize          any str in: invisible and control characters out, emoji and other scripts reported
  decorations       "=====" dropped before "=" could be read as "equals"
  web, phone        before anything reads their dots, dashes and digits
  abbreviations     while "No. 5" and "p. 45" still have their digits; "Jan." becomes a month name
  dates, times      before money, units and ranges take their numbers apart
  decades           before units read the "s" of "1990s" as seconds
  money, units      before bare numbers: "$5m" is millions, "5 m" is meters
  ranges, fractions, ordinals, years            the remaining number shapes that need context
  roman             needs the capitals acronyms would spell
  symbols, letter/digit split, acronyms
  numbers           every digit left becomes words
  punctuation, filter, spacing                  only letters, spaces and kept punctuation remain

It never raises on a str: should a pass fail on some input no test foresaw, its input goes on
unchanged and the report says which pass failed. Inline phonemes (`[[ h ə l oʊ ]]`) are the
user's own pronunciation: they pass through untouched, and the text around them is normalized.
"""

import re
from dataclasses import dataclass

from frontends.normalize import (
    abbreviations,
    acronyms,
    dates,
    fractions,
    money,
    numbers,
    phone,
    ranges,
    roman,
    symbols,
    times,
    units,
    web,
    years,
)
from frontends.normalize.punctuation import drop_decorations, tidy_punctuation, tidy_spacing
from frontends.normalize.report import Report, ReportBuilder
from frontends.normalize.speakable import drop_unspeakable, has_words
from frontends.normalize.unicode import sanitize
from frontends.tokens import INLINE_PHONEMES

PASSES = (
    web.expand_web,
    phone.expand_phone_numbers,
    abbreviations.expand_abbreviations,
    dates.expand_dates,
    times.expand_times,
    years.expand_decades,
    money.expand_money,
    units.expand_units,
    ranges.expand_ranges,
    fractions.expand_fractions,
    numbers.expand_ordinals,
    years.expand_years,
    roman.expand_roman_numerals,
    symbols.expand_symbols,
    acronyms.split_letters_from_digits,
    acronyms.expand_acronyms,
    numbers.expand_numbers,
    tidy_punctuation,
)
# Passes that act only around digits. No pass creates digits, so text without any (most sentences)
# skips them all: plain prose normalizes three times faster.
DIGIT_PASSES = frozenset(
    {
        phone.expand_phone_numbers,
        dates.expand_dates,
        times.expand_times,
        years.expand_decades,
        money.expand_money,
        units.expand_units,
        ranges.expand_ranges,
        fractions.expand_fractions,
        numbers.expand_ordinals,
        years.expand_years,
        numbers.expand_numbers,
    }
)
_DIGIT = re.compile("[0-9]")
_INLINE_SPLIT = re.compile(f"({INLINE_PHONEMES.pattern})")


@dataclass(frozen=True)
class NormalizedText:
    text: str  # words and kept punctuation, single spaces; original case kept
    report: Report

    @property
    def is_silent(self):
        """True when nothing is left to speak (empty input, punctuation or emoji only)."""
        return not has_words(self.text)


def normalize(text):
    """English text -> NormalizedText. Pure, deterministic, linear in the length of `text`."""
    if not isinstance(text, str):
        raise TypeError(f"normalize() takes a str, not {type(text).__name__}")
    report = ReportBuilder()
    # split() with a group keeps the inline phonemes: they sit at the odd positions
    pieces = _INLINE_SPLIT.split(text)
    text = tidy_spacing(" ".join(piece if odd % 2 else _normalize_plain(piece, report) for odd, piece in enumerate(pieces)))
    if text and not has_words(text):
        report.warn("nothing left to speak: only punctuation")
    return NormalizedText(text, report.build())


def _normalize_plain(text, report):
    text = drop_decorations(sanitize(text, report), report)
    has_digits = _DIGIT.search(text) is not None
    for expand in PASSES:
        if has_digits or expand not in DIGIT_PASSES:
            text = _run_guarded(expand, text, report)
    return drop_unspeakable(text, report)


def _run_guarded(expand, text, report):
    try:
        return expand(text)
    except Exception as error:  # noqa: BLE001 - the contract is "never raises"; the report says what failed
        failed = f"{expand.__module__}.{expand.__name__}"
        report.warn(f"{failed} failed ({type(error).__name__}: {error}); its input was kept")
        return text
