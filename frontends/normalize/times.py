"""Clock times.

"3:30 pm" -> "three thirty P M", "10:05 p.m." -> "ten oh five P M", "7 a.m." -> "seven A M",
"15:45" -> "fifteen forty-five", "3:00" -> "three o'clock", "15:00" -> "fifteen hundred",
"10:05:30" -> "ten oh five and thirty seconds". Words such as "noon" and "midnight" are left alone.
A.M./P.M. are spelled as capital letters (see acronyms). The period of "p.m." stays when it also ends
the sentence.
"""

import re

from frontends.normalize.context import ends_sentence
from frontends.normalize.numbers import DIGIT_WORDS, say_cardinal

_MERIDIEM = r"(?: ?(?P<meridiem>[AaPp])(?P<dotted>\.)? ?[Mm](?P<final_dot>\.)?(?![A-Za-z]))"
_CLOCK = re.compile(
    r"(?<![0-9:.,])(?P<hour>[01]?[0-9]|2[0-3]):(?P<minute>[0-5][0-9])(?::(?P<second>[0-5][0-9]))?"
    r"(?![0-9]|:[0-9])" + _MERIDIEM + "?"
)
_HOUR_ONLY = re.compile(r"(?<![0-9:.,])(?P<hour>1[0-2]|0?[1-9])" + _MERIDIEM)


def expand_times(text):
    text = _CLOCK.sub(_say_clock, text)
    return _HOUR_ONLY.sub(_say_hour_only, text)


def _say_clock(match):
    hour, minute = int(match.group("hour")), int(match.group("minute"))
    meridiem = match.group("meridiem")
    if meridiem and not 1 <= hour <= 12:
        return match.group()  # "15:00 pm" is not a time anyone writes; leave it to the numbers
    words = [say_cardinal(hour)]
    if minute:
        words.append(f"oh {DIGIT_WORDS[minute]}" if minute < 10 else say_cardinal(minute))
    elif not meridiem:
        words.append("o'clock" if 1 <= hour <= 12 else "hundred")
    if match.group("second"):
        words.append(f"and {say_cardinal(int(match.group('second')))} seconds")
    return " ".join(words) + _say_meridiem(match)


def _say_hour_only(match):
    return say_cardinal(int(match.group("hour"))) + _say_meridiem(match)


def _say_meridiem(match):
    meridiem = match.group("meridiem")
    if not meridiem:
        return ""
    said = f" {meridiem.upper()} M"
    dotted = match.group("dotted") and match.group("final_dot")
    return said + "." if dotted and ends_sentence(match.string, match.end()) else said
