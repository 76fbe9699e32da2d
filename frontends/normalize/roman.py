"""Roman numerals, only where the context says so.

- After a chapter-like word, as a cardinal: "Chapter IV" -> "Chapter four", "World War II" ->
  "World War two", "Super Bowl LVIII" -> "Super Bowl fifty-eight" (lower case too: "part iv").
- After a capitalised name, as "the" + ordinal: "Henry VIII" -> "Henry the eighth", "John Smith III"
  -> "John Smith the third". Only I, V and X numerals up to XXXIX, so acronyms such as "CD" or "MIX"
  are left alone.
- A lone I or X is a regnal number only where the pronoun or a letter cannot be meant:
  after a royal title and a name, whatever follows ("Queen Elizabeth I said", "Pope Pius X"), and a
  lone I after a name that ends a clause, is possessive or comes before "of" ("under Elizabeth I,",
  "Elizabeth I's reign", "Charles I of England"). "Elizabeth I said", "Then I." and "Malcolm X" keep
  the pronoun and the letter.
"""

import re

from frontends.normalize.context import looks_like_name
from frontends.normalize.numbers import say_cardinal, say_ordinal

VALUES = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}
CHAPTER_WORDS = (
    "Chapter|Book|Part|Volume|Vol\\.|Act|Scene|Section|Article|Appendix|Phase|Stage|Level|Type|Class|"
    "Episode|Season|Title|War|Bowl|Psalm|Canto|Movement|Apollo|Gemini"
)
_NUMERAL = r"(?=[MDCLXVI])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_AFTER_CHAPTER_WORD = re.compile(
    rf"\b(?P<word>(?i:{CHAPTER_WORDS})) (?P<numeral>{_NUMERAL}|{_NUMERAL.lower()})(?![A-Za-z0-9'])"
)
# Capitalised words that come before the pronoun rather than name a king ("Only I.", "Not I!").
BEFORE_THE_PRONOUN = frozenset("Only Not Nor Neither Even Just Except Than Like Unlike Yes No Me".split())
ROYAL_TITLES = "King|Queen|Pope|Emperor|Empress|Tsar|Czar|Tsarina|Kaiser|Sultan|Pharaoh|Shah"
_POSSESSIVE = r"(?P<possessive>'s)?(?![A-Za-z0-9'])"
_AFTER_NAME = re.compile(
    r"\b(?P<name>[A-Z][a-z]+) (?P<numeral>(?=[XVI]{2}|V)X{0,3}(?:IX|IV|V?I{0,3}))" + _POSSESSIVE
)
_LONE_AFTER_TITLE_AND_NAME = re.compile(rf"\b(?i:{ROYAL_TITLES}) (?P<name>[A-Z][a-z]+) (?P<numeral>[IX])" + _POSSESSIVE)
_LONE_I_AFTER_NAME = re.compile(
    r"\b(?P<name>[A-Z][a-z]+) (?P<numeral>I)(?:(?P<possessive>'s)(?![A-Za-z0-9'])|(?=[,.;:!?)]| of\b|$))"
)


def expand_roman_numerals(text):
    text = _AFTER_CHAPTER_WORD.sub(_say_chapter, text)
    text = _LONE_AFTER_TITLE_AND_NAME.sub(_say_regnal, text)
    text = _AFTER_NAME.sub(_say_regnal, text)
    return _LONE_I_AFTER_NAME.sub(_say_regnal, text)


def roman_value(numeral):
    """Value of a valid numeral; subtractive pairs ("IV") count the smaller one negative."""
    values = [VALUES[letter] for letter in numeral.upper()]
    return sum(-value if value < following else value for value, following in zip(values, values[1:] + [0]))


def _say_chapter(match):
    numeral = match.group("numeral")
    if numeral.islower() and len(numeral) == 1:  # "part i", "section v": too likely a letter
        return match.group()
    return f"{match.group('word')} {say_cardinal(roman_value(numeral))}"


def _say_regnal(match):
    name = match.group("name")
    if not looks_like_name(name) or name in BEFORE_THE_PRONOUN:  # "Then I.", "Only I.": the pronoun
        return match.group()
    before = match.string[match.start():match.start("numeral")]  # the name, and a title before it
    possessive = match.group("possessive") or ""
    return f"{before}the {say_ordinal(roman_value(match.group('numeral')))}{possessive}"
