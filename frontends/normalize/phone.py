"""Phone numbers, read digit by digit with a pause between groups, zero said "oh".

"555-123-4567", "(555) 123-4567", "555.123.4567" and "+1 555 123 4567" (North American), "+44 20 7946
0958" (international: a "+" and at least three groups), and a seven-digit "555-1234" right after
call/phone/tel/fax/dial. "Call 555-123-4567" -> "Call five five five, one two three, four five six
seven"; "call 555-0100" -> "call five five five, oh one oh oh".
An extension ("ext. 42", "ext 204", "extension 7") is "extension" and its number: up to two digits
as a quantity ("extension forty-two"), longer ones digit by digit like the rest ("extension two oh four").
"""

import re

from frontends.normalize.numbers import say_cardinal, say_digits

_NORTH_AMERICAN = re.compile(
    r"(?<![0-9A-Za-z+])(?:\+?(?P<country>1)[ .-]?)?(?:\((?P<area_paren>[0-9]{3})\) ?|(?P<area>[0-9]{3})[ .-])"
    r"(?P<exchange>[0-9]{3})[ .-](?P<line>[0-9]{4})(?![0-9]|[.-][0-9])"
)
_INTERNATIONAL = re.compile(r"(?<![0-9A-Za-z])\+(?P<groups>[0-9]{1,4}(?:[ .-][0-9]{1,4}){2,6})(?![0-9]|[.-][0-9])")
_LOCAL = re.compile(
    r"\b(?P<cue>[Cc]all|[Pp]hone|[Tt]el|[Ff]ax|[Dd]ial)(?P<between>\.?:? )"
    r"(?P<exchange>[0-9]{3})-(?P<line>[0-9]{4})(?![0-9]|[.-][0-9])"
)
_EXTENSION = re.compile(
    r"\b(?P<word>[Ee]xt|EXT|[Ee]xtension|EXTENSION)\.?:? ?(?P<number>[0-9]{1,6})(?![0-9]|[.,][0-9])"
)
_GROUP_SEPARATOR = re.compile(r"[ .-]")
_LONGEST_SAID_AS_QUANTITY = 2  # "extension forty-two", but "extension two oh four"


def expand_phone_numbers(text):
    text = _INTERNATIONAL.sub(_say_international, text)
    text = _NORTH_AMERICAN.sub(_say_north_american, text)
    text = _LOCAL.sub(_say_local, text)
    return _EXTENSION.sub(_say_extension, text)


def say_groups(groups):
    return ", ".join(say_phone_digits(group) for group in groups)


def say_phone_digits(digits):
    return say_digits(digits, zero="oh")


def _say_north_american(match):
    groups = [match.group("area") or match.group("area_paren"), match.group("exchange"), match.group("line")]
    said = say_groups(groups)
    return f"{say_phone_digits(match.group('country'))}, {said}" if match.group("country") else said


def _say_international(match):
    return "plus " + say_groups(_GROUP_SEPARATOR.split(match.group("groups")))


def _say_local(match):
    return match.group("cue") + match.group("between") + say_groups([match.group("exchange"), match.group("line")])


def _say_extension(match):
    number = match.group("number")
    word = "Extension" if match.group("word")[0].isupper() else "extension"  # "Ext. 12" may start a sentence
    if len(number) <= _LONGEST_SAID_AS_QUANTITY and not number.startswith("0"):
        return f"{word} {say_cardinal(int(number))}"
    return f"{word} {say_phone_digits(number)}"
