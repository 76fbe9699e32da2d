"""`normalize(text) -> NormalizedText`: English text as the words a speaker would say.

The passes run in a fixed order, each a pure str -> str function; the order is the contract:
  sanitize          any str in: control characters and escape sequences become spaces, invisible
                    marks go, emoji, other scripts and the controls are reported
  decorations       "=====" dropped before "=" could be read as "equals"
  web, phone        before anything reads their dots, dashes and digits
  abbreviations     while "No. 5" and "p. 45" still have their digits; "Jan." becomes a month name
  dates, times      before money, units and ranges take their numbers apart
  decades           before units read the "s" of "1990s" as seconds
  money, units      before bare numbers: "$5m" is millions, "5 m" is meters
  scales            after them ("5 MB", "3x4" are theirs), before "1.5M" is split into "1.5 M"
  ranges, fractions, ordinals, years            the remaining number shapes that need context
  roman             needs the capitals acronyms would spell
  symbols, letter/digit split, acronyms
  numbers           every digit left becomes words
  punctuation, filter, spacing                  only letters, spaces and kept punctuation remain

One option is a locale choice: `date_order` ("month-first", the default, or "day-first") picks the
dates pass that reads "12/05/2026"; the passes and their order stay the same.

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
    scales,
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
    scales.expand_scales,
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
        dates.expand_dates_day_first,
        times.expand_times,
        years.expand_decades,
        money.expand_money,
        units.expand_units,
        scales.expand_scales,
        ranges.expand_ranges,
        fractions.expand_fractions,
        numbers.expand_ordinals,
        years.expand_years,
        numbers.expand_numbers,
    }
)
# The dates pass is the only one a locale changes; the order of the passes stays the same.
_PASSES_BY_DATE_ORDER = {
    order: tuple(expand_dates if expand is dates.expand_dates else expand for expand in PASSES)
    for order, expand_dates in dates.DATE_ORDERS.items()
}
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


def normalize(text, *, date_order="month-first"):
    """English text -> NormalizedText. Pure, deterministic, linear in the length of `text`.

    date_order: how "12/05/2026" reads, "month-first" (December fifth, the US reading) or
    "day-first" (the twelfth of May); see dates.py.
    """
    if not isinstance(text, str):
        raise TypeError(f"normalize() takes a str, not {type(text).__name__}")
    check_date_order(date_order)
    passes = _PASSES_BY_DATE_ORDER[date_order]
    report = ReportBuilder()
    # split() with a group keeps the inline phonemes: they sit at the odd positions
    pieces = _INLINE_SPLIT.split(text)
    text = tidy_spacing(
        " ".join(piece if odd % 2 else _normalize_plain(piece, report, passes) for odd, piece in enumerate(pieces))
    )
    if text and not has_words(text):
        report.warn("nothing left to speak: only punctuation")
    return NormalizedText(text, report.build())


def check_date_order(date_order):
    """Raise a ValueError naming the valid orders unless `date_order` is one of them."""
    if date_order not in dates.DATE_ORDERS:
        valid = ", ".join(repr(order) for order in dates.DATE_ORDERS)
        raise ValueError(f"date_order must be one of {valid}, not {date_order!r}")


def _normalize_plain(text, report, passes):
    text = drop_decorations(sanitize(text, report), report)
    has_digits = _DIGIT.search(text) is not None
    for expand in passes:
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
