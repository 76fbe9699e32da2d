"""Abbreviations and titles.

Dr. and St. are decided by their neighbours:
  - followed by a capitalised word that is not a function word ("Dr. Smith", "St. John") -> the
    title: "doctor", "saint";
  - otherwise -> the place: "drive", "street" ("Elm Dr.", "St. John St.", "Elm St. The house").
The period of a place or of "etc."/"Inc." stays when it also ends the sentence; a title's never does.
With no capitalised word on either side, "Dr." is "doctor" and "St." is "street".
Titles (Mr., Prof., Gen., ...) always expand with their period; without it ("Mr Smith", British
style) only the common ones, and only before a capitalised word. "No. 5" and "p. 45" are "number"
and "page" only before a number.
"""

import re

from frontends.normalize.context import ends_sentence, is_capitalized, looks_like_name, word_after, word_before

PLACE_OR_TITLE = {"Dr": ("doctor", "drive"), "St": ("saint", "street")}
PLACE_OR_TITLE_DEFAULT = {"Dr": "doctor", "St": "street"}  # with no capitalised word on either side
TITLES = {
    "Mr": "mister", "Mrs": "missus", "Ms": "miz", "Mx": "mix", "Prof": "professor", "Gen": "general",
    "Capt": "captain", "Lt": "lieutenant", "Col": "colonel", "Sgt": "sergeant", "Gov": "governor",
    "Sen": "senator", "Rep": "representative", "Rev": "reverend", "Hon": "honorable", "Fr": "father",
    "Mt": "mount", "Ft": "fort", "Pres": "president", "Supt": "superintendent",
}  # fmt: skip
TITLES_WITHOUT_PERIOD = frozenset({"Mr", "Mrs", "Ms", "Mx", "Dr", "St", "Prof"})
GENERAL = {
    "etc": "et cetera", "vs": "versus", "approx": "approximately", "Inc": "incorporated",
    "Ltd": "limited", "Corp": "corporation", "Co": "company", "Dept": "department", "Jr": "junior",
    "Sr": "senior", "Ave": "avenue", "Blvd": "boulevard", "Rd": "road", "Ln": "lane", "Pl": "place",
    "Fig": "figure", "fig": "figure", "Vol": "volume", "vol": "volume", "Jan": "January", "Feb": "February",
    "Mar": "March", "Apr": "April", "Aug": "August", "Sep": "September", "Sept": "September",
    "Oct": "October", "Nov": "November", "Dec": "December", "Ph.D": "P H D", "a.k.a": "also known as",
    "e.g": "for example", "i.e": "that is", "cf": "compare", "viz": "namely",
}  # fmt: skip
GENERAL_WITHOUT_PERIOD = frozenset({"vs", "etc"})
NEVER_SENTENCE_FINAL = frozenset({"e.g", "i.e", "vs", "cf", "viz", "a.k.a", "approx", "Fig", "fig", "Vol", "vol"})

_ALL = sorted({*PLACE_OR_TITLE, *TITLES, *GENERAL}, key=len, reverse=True)
_ABBREVIATION = re.compile(
    r"(?<![A-Za-z.])(?P<word>" + "|".join(re.escape(word) for word in _ALL) + r")(?P<period>\.)?(?![A-Za-z])"
)
_BEFORE_NUMBER = {"No": "number", "no": "number", "Nos": "numbers", "nos": "numbers", "p": "page", "pp": "pages"}
_NUMBER_SIGN = re.compile(r"\b(?P<word>No|no|Nos|nos|p|pp)\. ?(?=[0-9])")
_WITH = re.compile(r"(?<![A-Za-z])[Ww]/(?P<without>[Oo](?![A-Za-z]))?(?= )")


def expand_abbreviations(text):
    text = _NUMBER_SIGN.sub(lambda m: _BEFORE_NUMBER[m.group("word")] + " ", text)
    text = _WITH.sub(lambda m: "without" if m.group("without") else "with", text)
    return _ABBREVIATION.sub(_expand, text)


def _expand(match):
    word, period = match.group("word"), match.group("period")
    text, end = match.string, match.end()
    next_word = word_after(text, end)
    before_name = looks_like_name(next_word)  # "Elm St. The house ..." is a street
    if word in PLACE_OR_TITLE:
        title, place = PLACE_OR_TITLE[word]
        if before_name:
            return title
        if is_capitalized(word_before(text, match.start())):
            return place + _sentence_period(period, text, end)
        return PLACE_OR_TITLE_DEFAULT[word] + _sentence_period(period, text, end) if period else match.group()
    if word in TITLES:
        return TITLES[word] if period or (before_name and word in TITLES_WITHOUT_PERIOD) else match.group()
    if period or word in GENERAL_WITHOUT_PERIOD:
        final = word not in NEVER_SENTENCE_FINAL
        return GENERAL[word] + _sentence_period(period and final, text, end)
    return match.group()


def _sentence_period(period, text, end):
    return "." if period and ends_sentence(text, end) else ""
