"""Looking around a regex match: the word before, the word after, whether a sentence ends here.

Each helper reads a short window of the text, so a callback costs the same on a 100,000-character
input as on a sentence.
"""

import re

WINDOW = 40
_LAST_WORD = re.compile(r"([A-Za-z]+)\.?[ ,]*$")
_FIRST_WORD = re.compile(r" ?([A-Za-z][A-Za-z']*)")
# A period after an abbreviation also ends the sentence when nothing, a closing quote or bracket,
# or a capitalised word follows.
_SENTENCE_END_AFTER = re.compile(r"$|[\"')\]]| [A-Z]")
# Capitalised words that start sentences rather than names.
FUNCTION_WORDS = frozenset(
    "The A An And But Or So If In On At To Of For With By From As It Its He She We They You I This "
    "That These Those There Then When While Where What Who Why How My Our Your His Her Their Is Was".split()
)


def word_before(text, position):
    """The word just before `position` (skipping one period, spaces and commas), or ""."""
    match = _LAST_WORD.search(text, max(0, position - WINDOW), position)
    return match.group(1) if match else ""


def word_after(text, position):
    """The word starting at `position` (after at most one space), or ""."""
    match = _FIRST_WORD.match(text, position)
    return match.group(1) if match else ""


def ends_sentence(text, position):
    """True when a period at `position - 1` also ends a sentence."""
    return _SENTENCE_END_AFTER.match(text, position) is not None


def is_capitalized(word):
    return len(word) > 1 and word[0].isupper() and word[1:].islower()


def looks_like_name(word):
    """True for a capitalised word that is not a sentence-initial function word ("Smith", not "Then")."""
    return is_capitalized(word) and word not in FUNCTION_WORDS
