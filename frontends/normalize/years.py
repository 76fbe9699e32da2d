"""Years and decades.

The year rule: a four-digit number from 1100 to 2099 (no separators, no decimals) reads as a year
("nineteen eighty-four") when
  - the word before it is a date word: in, since, by, until, from, to, between, before, after,
    circa, year, of, early, mid, late, a season or a month ("in 1984", "March 1984"), or
  - it stands alone: nothing but punctuation or the end of the text follows ("It was 1984."), or
  - an era follows ("1066 AD"; any 1-4 digit number before AD/BC/CE/BCE reads as a year).
Otherwise it is a quantity: "1984 people" -> "one thousand nine hundred and eighty-four people".
Decades: "1990s" -> "nineteen nineties", "'80s" / "80s" -> "eighties", "1800s" -> "eighteen hundreds",
"100s" -> "hundreds".
"""

import re

from num2words import num2words

from frontends.normalize.context import word_before
from frontends.normalize.numbers import say_cardinal, spoken

FIRST_YEAR, LAST_YEAR = 1100, 2099
DATE_WORDS = frozenset(
    "in since by until till from to through between during before after circa c ca year of early mid late "
    "spring summer autumn fall winter january february march april may june july august september "
    "october november december jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_ERAS = {"AD": "A D", "A.D.": "A D", "BC": "B C", "B.C.": "B C", "CE": "C E", "BCE": "B C E"}

_YEAR = re.compile(r"(?<![0-9.,$£€¥₹-])(1[1-9][0-9]{2}|20[0-9]{2})(?![0-9]|[.,][0-9])")
_YEAR_WITH_ERA = re.compile(r"(?<![0-9.,])([0-9]{1,4}) ?(BCE|BC|B\.C\.|AD|A\.D\.|CE)(?![A-Za-z])")
_STANDS_ALONE = re.compile(r" ?(?:[.,;:!?)\"']|$)")
_DECADE = re.compile(r"(?<![0-9.,])(?P<apostrophe>')?(?P<number>[0-9]*0)'?s(?![A-Za-z0-9'])")


def is_year_like(written):
    return len(written) == 4 and written.isdigit() and FIRST_YEAR <= int(written) <= LAST_YEAR


def say_year(year):
    """"nineteen eighty-four", "two thousand and five", "nineteen oh-five"."""
    return spoken(num2words(year, to="year"))


def expand_decades(text):
    return _DECADE.sub(_say_decade, text)


def expand_years(text):
    text = _YEAR_WITH_ERA.sub(lambda m: f"{say_year(int(m.group(1)))} {_ERAS[m.group(2)]}", text)
    return _YEAR.sub(_say_year_in_context, text)


def _say_year_in_context(match):
    year = int(match.group(1))
    if word_before(match.string, match.start()).lower() in DATE_WORDS:
        return say_year(year)
    if _STANDS_ALONE.match(match.string, match.end()):
        return say_year(year)
    return say_cardinal(year)


def _say_decade(match):
    written = match.group("number")
    if match.group("apostrophe") or len(written) == 2:  # "'80s", "80s": a decade of some century
        return _plural(say_cardinal(int(written))) if written != "00" else match.group()
    if is_year_like(written):
        return _plural(say_year(int(written)))
    if len(written) > 2 and written.lstrip("0"):  # "100s", "1000s": "hundreds", "thousands"
        return _plural(say_cardinal(int(written)).removeprefix("one "))
    return match.group()


def _plural(words):
    """"nineteen ninety" -> "nineteen nineties"; "eighteen hundred" -> "eighteen hundreds"."""
    return words[:-1] + "ies" if words.endswith("y") else words + "s"
