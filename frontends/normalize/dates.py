"""Calendar dates.

"2024-03-05" (ISO), "03/05/2024" (US: month first) and "March 5, 2024" -> "March fifth, twenty
twenty-four"; "5 March 2024", "5th of March" and "05.03.2024" (dots: day first) -> "the fifth of
March twenty twenty-four". A numeric date whose first part cannot be a month ("25/12/2024") is read
day first. Impossible dates are left for the number passes. Month names must be capitalised, so
"5 may" stays a verb.

The order of a numeric date with slashes or dashes is a locale choice, DATE_ORDERS: "month-first"
(the US, and the default: `expand_dates`) or "day-first" (the UK and most of the world:
`expand_dates_day_first`, "12/05/2026" -> "the twelfth of May twenty twenty-six"). Either way a date
that can only be read one way ("12/25/2026", "25/12/2026") is read that way, dots are day first and
ISO dates are year, month, day.
"""

import re
from functools import partial

from frontends.normalize.numbers import say_cardinal, say_digits, say_ordinal
from frontends.normalize.years import say_year

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_BY_PREFIX = {month[:3]: month for month in MONTHS}
MONTH_NAME = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DAY = r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?(?![0-9])"
_YEAR_AFTER = r"(?:(?P<comma>,)? (?P<year>[0-9]{4})(?![0-9]))?"

_ISO = re.compile(r"(?<![0-9.-])(?P<year>[12][0-9]{3})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})(?![0-9]|-[0-9])")
_NUMERIC = re.compile(
    r"(?<![0-9./-])(?P<first>[0-9]{1,2})(?P<sep>[/.-])(?P<second>[0-9]{1,2})(?P=sep)"
    r"(?P<year>[0-9]{4}|(?<=/)[0-9]{2})(?![0-9]|[/.-][0-9])"  # "24" only after a slash: "1.2.34" is a version
)
_MONTH_DAY = re.compile(rf"\b(?P<month>{MONTH_NAME})\.? {_DAY}{_YEAR_AFTER}")
_DAY_MONTH = re.compile(rf"(?:\b(?P<the>[Tt]he) )?(?<![0-9.,]){_DAY} (?:of )?(?P<month>{MONTH_NAME})\b{_YEAR_AFTER}")


def expand_dates(text):
    """Dates, numeric ones month first: "03/05/2024" is March fifth."""
    return _expand(text, day_first_order=False)


def expand_dates_day_first(text):
    """Dates, numeric ones day first: "03/05/2024" is the third of May."""
    return _expand(text, day_first_order=True)


DATE_ORDERS = {"month-first": expand_dates, "day-first": expand_dates_day_first}


def _expand(text, *, day_first_order):
    text = _ISO.sub(_say_iso, text)
    text = _NUMERIC.sub(partial(_say_numeric, day_first_order=day_first_order), text)
    text = _MONTH_DAY.sub(_say_month_day, text)
    return _DAY_MONTH.sub(_say_day_month, text)


def month_first(month, day, year_words="", comma=True):
    """"March fifth, twenty twenty-four"."""
    said = f"{MONTHS[month - 1]} {say_ordinal(day)}"
    return f"{said}{',' if comma else ''} {year_words}" if year_words else said


def day_first(month, day, year_words="", the="the"):
    """"the fifth of March twenty twenty-four"."""
    said = f"{the} {say_ordinal(day)} of {MONTHS[month - 1]}"
    return f"{said} {year_words}" if year_words else said


def _say_iso(match):
    month, day = int(match.group("month")), int(match.group("day"))
    if not _is_valid(month, day):
        return match.group()
    return month_first(month, day, say_year(int(match.group("year"))))


def _say_numeric(match, *, day_first_order):
    first, second = int(match.group("first")), int(match.group("second"))
    year_words = _say_year_part(match.group("year"))
    day_first_wanted = _reads_day_first(first, second, match.group("sep"), day_first_order)
    month, day = (second, first) if day_first_wanted else (first, second)
    if not _is_valid(month, day):
        return match.group()
    return day_first(month, day, year_words) if day_first_wanted else month_first(month, day, year_words)


def _reads_day_first(first, second, separator, day_first_order):
    if separator == ".":
        return True
    if first > 12 or second > 12:  # only one reading can be a date
        return first > 12
    return day_first_order


def _say_month_day(match):
    day = int(match.group("day"))
    month = _month_number(match.group("month"))
    if not _is_valid(month, day):
        return match.group()
    year = match.group("year")
    return month_first(month, day, say_year(int(year)) if year else "", comma=bool(match.group("comma")))


def _say_day_month(match):
    day = int(match.group("day"))
    month = _month_number(match.group("month"))
    if not _is_valid(month, day):
        return match.group()
    year = match.group("year")
    return day_first(month, day, say_year(int(year)) if year else "", the=match.group("the") or "the")


def _say_year_part(written):
    """A four-digit year as a year; "24" as "twenty-four", "05" as "oh five"."""
    if len(written) == 4:
        return say_year(int(written))
    return f"oh {say_digits(written[1])}" if written[0] == "0" else say_cardinal(int(written))


def _month_number(name):
    return MONTHS.index(_MONTH_BY_PREFIX[name[:3]]) + 1


def _is_valid(month, day):
    return 1 <= month <= 12 and 1 <= day <= 31
