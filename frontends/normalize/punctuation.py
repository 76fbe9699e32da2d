"""Punctuation kept for prosody, and the spacing around it.

Kept: , . ; : ? ! ' " ( ) and "-" (a spaced "-" is a dash pause; inside a word it joins). Runs
collapse: "......" -> "...", "?!?" -> "?", ",," -> ","; dashes ("--", "—", "–") become " - ";
brackets and braces become parentheses. Decoration ("=====", "*****") is dropped and reported before
the symbols pass could read it out.
"""

import re

# Only the characters that appear in the final text; sanitizing turned the rest into these.
KEPT_PUNCTUATION = ",.;:?!'\"()-"

_DECORATION = re.compile(r"([=_*~#+<>^|\\/])\1{2,}")
_DOTS = re.compile(r"\.{2,}")
_QUESTION_OR_EXCLAMATION = re.compile(r"[?!]{2,}")
_REPEATED_PAUSE = re.compile(r"([,;:])[,;:]+")
_DASH = re.compile(r" ?(?:-{2,}|[—–]) ?")
_OPENING = re.compile(r"[\[{]")
_CLOSING = re.compile(r"[\]}]")
_SPACES = re.compile(r"  +")
_SPACE_BEFORE = re.compile(r" (?=[,.;:?!)])")
_SPACE_AFTER_OPENING = re.compile(r"(?<=\() ")
_NO_SPACE_AFTER = re.compile(r"(?<=[,;:?!)])(?=[A-Za-z(])|(?<=[A-Za-z])(?=\()")  # "3(a)" -> "three (a)"


def drop_decorations(text, report):
    return _DECORATION.sub(lambda m: _drop_run(m.group(), report), text)


def tidy_punctuation(text):
    text = _DOTS.sub("...", text)
    text = _QUESTION_OR_EXCLAMATION.sub(lambda m: "?" if "?" in m.group() else "!", text)
    text = _REPEATED_PAUSE.sub(r"\1", text)
    text = _DASH.sub(" - ", text)
    text = _OPENING.sub("(", text)
    return _CLOSING.sub(")", text)


def tidy_spacing(text):
    """Single spaces, none before closing punctuation or after "(", one after , ; : ? ! ) before a
    word, one before "(" after a word."""
    text = _SPACES.sub(" ", text)
    text = _SPACE_BEFORE.sub("", text)
    text = _SPACE_AFTER_OPENING.sub("", text)
    return _NO_SPACE_AFTER.sub(" ", text).strip()


def _drop_run(run, report):
    for char in run:
        report.drop(char)
    return " "
