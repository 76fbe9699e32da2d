"""URLs and e-mail addresses, read out.

"user@example.com" -> "user at example dot com";
"https://www.example.org/path" -> "H T T P S colon slash slash W W W dot example dot org slash path".
A name part reads as a word when it has a vowel and four letters or more, or three letters starting
consonant-vowel ("com", "net", "doe"); otherwise it is spelled ("www", "bbc", "io", "edu", "xyz").
Digits are read one by one. A bare domain ("example.com/docs") needs a known top-level domain.
Trailing sentence punctuation is not part of the address.
"""

import re

from frontends.normalize.numbers import say_digits

SEPARATOR_WORDS = {
    ".": "dot", "/": "slash", ":": "colon", "@": "at", "-": "dash", "_": "underscore", "~": "tilde",
    "?": "question mark", "=": "equals", "&": "and", "#": "hash", "%": "percent", "+": "plus",
}  # fmt: skip
TOP_LEVEL_DOMAINS = "com|org|net|edu|gov|io|co|uk|us|ca|au|de|fr|eu|ai|dev|app|info|biz|me|tv"
VOWELS = frozenset("aeiouy")
SAID_AS_WORDS = frozenset({"org", "app"})

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}(?![A-Za-z0-9-])"
)
_URL = re.compile(r"\b(?:(?:https?|ftp)://|www\.)[^\s<>\"]{1,2000}")
_BARE_DOMAIN = re.compile(
    rf"(?<![A-Za-z0-9.@/-])[A-Za-z0-9-]{{1,63}}(?:\.[A-Za-z0-9-]{{1,63}}){{0,4}}\.(?i:{TOP_LEVEL_DOMAINS})"
    r"(?![A-Za-z0-9-])(?:/[^\s<>\"]{0,2000})?"
)
_TRAILING_PUNCTUATION = frozenset(".,;:!?]'\"")
_PIECE = re.compile(r"[A-Za-z]+|[0-9]+|.", re.DOTALL)


def expand_web(text):
    if "@" in text:
        text = _EMAIL.sub(lambda m: say_address(m.group()), text)
    if "." in text or "://" in text:
        text = _URL.sub(_say_url, text)
        text = _BARE_DOMAIN.sub(_say_url, text)
    return text


def say_address(address):
    """Every piece of an address as words; unknown symbols are kept for the later passes."""
    words = []
    for piece in _PIECE.findall(address):
        if piece[0].isdigit():
            words.append(say_digits(piece))
        elif piece[0].isalpha():
            words.append(piece if _reads_as_word(piece.lower()) else " ".join(piece.upper()))
        else:
            words.append(SEPARATOR_WORDS.get(piece, piece))
    return " ".join(words)


def _say_url(match):
    url, trailing = _split_trailing_punctuation(match.group())
    return say_address(url) + trailing


def _split_trailing_punctuation(url):
    """("example.com/a", ").") for "example.com/a)."; a ")" stays when it closes one in the URL."""
    end, unclosed = len(url), url.count(")") - url.count("(")
    while end and (url[end - 1] in _TRAILING_PUNCTUATION or (url[end - 1] == ")" and unclosed > 0)):
        unclosed -= url[end - 1] == ")"
        end -= 1
    return url[:end], url[end:]


def _reads_as_word(piece):
    if piece in SAID_AS_WORDS:
        return True
    if len(piece) >= 4:
        return any(char in VOWELS for char in piece)
    return len(piece) == 3 and piece[0] not in VOWELS and piece[1] in "aeiou"  # "com", "doe"; not "xyz"
