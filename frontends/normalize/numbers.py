"""Numbers as words, all through num2words: cardinals, decimals, negatives, ordinals, digit strings.

"1,234,567" -> "one million two hundred and thirty-four thousand five hundred and sixty-seven"
"3.14" -> "three point one four", ".5" -> "point five", "-5" -> "minus five", "21st" -> "twenty-first",
"007" -> "zero zero seven" (a leading zero means an identifier, not a quantity), and more than
LONGEST_CARDINAL digits (card numbers, ids) are read digit by digit.
num2words' commas are removed so they do not turn into pauses; its hyphens ("eighty-four") stay.
"""

import re

from num2words import num2words

LONGEST_CARDINAL = 15
DIGIT_WORDS = tuple(num2words(digit) for digit in range(10))

# A number as written: thousands separators or plain digits, then decimals. Patterns in other modules
# build on these; they never start inside a digit run.
NUMBER = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
# A minus sign counts only where it cannot be a hyphen or a range ("x-1", "3-4").
SIGNED_NUMBER = r"(?:(?<![A-Za-z0-9.,])-)?" + NUMBER

_NUMBER = re.compile(r"(?<![0-9])" + SIGNED_NUMBER + r"(?![0-9])")
_ORDINAL = re.compile(r"(?<![0-9.,])([0-9]+)(?:st|nd|rd|th|ST|ND|RD|TH)(?![A-Za-z0-9])")
_BARE_DECIMAL = re.compile(r"(?<![0-9A-Za-z.])(?P<minus>-)?\.(?P<digits>[0-9]+)")  # ".5" -> "point five"
_POINT_SEQUENCE = re.compile(r"(?<![0-9.])[0-9]+(?:\.[0-9]+){2,}(?![0-9])")  # 1.2.3, 192.168.0.1


def spoken(words):
    """num2words output without the commas it puts between groups."""
    return words.replace(",", "")


def say_cardinal(value):
    return spoken(num2words(value))


def say_ordinal(value):
    return spoken(num2words(value, to="ordinal"))


def say_digits(digits, *, zero="zero"):
    """"042" -> "zero four two"; phone numbers pass zero="oh", as they are said."""
    return " ".join(zero if digit == "0" else DIGIT_WORDS[int(digit)] for digit in digits)


def say_number(written):
    """Words for a written number: optional "-", optional thousands commas, optional decimals."""
    sign = "minus " if written.startswith("-") else ""
    whole, _, decimals = written.lstrip("-").replace(",", "").partition(".")
    words = say_whole(whole) if whole else ""
    if decimals:
        words = f"{words} point {say_digits(decimals)}".strip()
    return sign + words


def say_whole(digits):
    """Words for a string of digits: a quantity, or digit by digit for ids and very long strings."""
    if len(digits) > LONGEST_CARDINAL or (len(digits) > 1 and digits[0] == "0"):
        return say_digits(digits)
    return say_cardinal(int(digits))


def is_exactly_one(written):
    """True when a written amount takes the singular ("1 km", "-1 °C"), not "1.0" or "1,000"."""
    return written.lstrip("-") == "1"


def expand_ordinals(text):
    """"1st and 22nd" -> "first and twenty-second"."""
    return _ORDINAL.sub(lambda m: say_ordinal(int(m.group(1))), text)


def expand_numbers(text):
    """Every digit left in the text becomes words; runs last, after the passes that need context."""
    text = _POINT_SEQUENCE.sub(_say_point_sequence, text)
    text = _BARE_DECIMAL.sub(_say_bare_decimal, text)
    return _NUMBER.sub(lambda m: say_number(m.group()), text)


def _say_bare_decimal(match):
    return f"{'minus ' if match.group('minus') else ''}point {say_digits(match.group('digits'))}"


def _say_point_sequence(match):
    return " point ".join(say_whole(part) for part in match.group().split("."))
