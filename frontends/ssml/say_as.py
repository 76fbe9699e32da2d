"""<say-as interpret-as="..."> -> the words to say, through the normalizer's own number, date and
phone readers, so SSML and plain text say the same thing the same way.

Content a reader cannot parse ("cardinal" around "abc") raises ValueError; the document walker
reports it and lets the normalizer read the text as usual.
"""

import re

from frontends.normalize.acronyms import spell
from frontends.normalize.dates import MONTHS, day_first, month_first
from frontends.normalize.numbers import NUMBER, say_digits, say_number, say_ordinal
from frontends.normalize.phone import say_groups
from frontends.normalize.years import say_year

DATE_FORMATS = ("mdy", "dmy", "ymd", "md", "dm", "ym", "my", "y")
_SIGNED_NUMBER = re.compile(rf"-?{NUMBER}")
_ORDINAL = re.compile(r"([0-9]+)(?:st|nd|rd|th)?", re.IGNORECASE)
_DIGIT_GROUPS = re.compile(r"[0-9]+")
_DATE_PARTS = re.compile(r"[0-9]+")


def say_as(text, interpret_as, date_format=None):
    text = " ".join(text.split())
    if interpret_as in ("characters", "spell-out"):
        return _spell_out(text)
    if interpret_as == "cardinal":
        return say_number(_matching(_SIGNED_NUMBER, text, "a number like 1,234 or -3.5"))
    if interpret_as == "ordinal":
        return say_ordinal(int(_ORDINAL.fullmatch(_matching(_ORDINAL, text, "a whole number like 3 or 3rd")).group(1)))
    if interpret_as == "digits":
        return say_digits(_matching(re.compile(r"[0-9]+"), text.replace(" ", ""), "digits"))
    if interpret_as == "telephone":
        groups = _DIGIT_GROUPS.findall(text)
        if not groups:
            raise ValueError(f"telephone {text!r} has no digits")
        return ("plus " if text.startswith("+") else "") + say_groups(groups)
    if interpret_as == "date":
        return _date(text, date_format)
    if interpret_as == "time":
        return text  # the normalizer's clock reader handles "3:30 pm", "15:45" and "7 a.m."
    raise KeyError(interpret_as)


def _spell_out(text):
    """Letters by name, digits as digit words: "R2D2" -> "R two D two"."""
    said = []
    for char in text:
        if char.isdigit():
            said.append(say_digits(char))
        elif char.isalpha():
            said.append(spell(char))
    return " ".join(said)


def _date(text, date_format):
    date_format = date_format or "mdy"
    if date_format not in DATE_FORMATS:
        raise ValueError(f"date format {date_format!r} is not one of {', '.join(DATE_FORMATS)}")
    parts = _DATE_PARTS.findall(text)
    if len(parts) != len(date_format):
        raise ValueError(f"date {text!r} does not have the {len(date_format)} parts of format {date_format!r}")
    value = {field: int(part) for field, part in zip(date_format, parts)}
    year = say_year(value["y"]) if "y" in value else ""
    if "m" not in value:
        return year
    if not 1 <= value["m"] <= 12 or not 1 <= value.get("d", 1) <= 31:
        raise ValueError(f"date {text!r} is not a calendar date in format {date_format!r}")
    if "d" not in value:
        return f"{MONTHS[value['m'] - 1]} {year}"
    if date_format.index("d") < date_format.index("m"):
        return day_first(value["m"], value["d"], year)
    return month_first(value["m"], value["d"], year)


def _matching(pattern, text, expected):
    if not pattern.fullmatch(text):
        raise ValueError(f"{text!r} is not {expected}")
    return text
