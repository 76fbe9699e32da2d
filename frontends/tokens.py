"""Split normalized text into words, inline phonemes and pause tokens.

- A word is a run of letters/digits, joined by inner apostrophes or hyphens ("don't", "well-known").
- `[[ h ə l oʊ ]]` is one word whose phonemes are given verbatim.
- Punctuation becomes a pause token by class (see PAUSE_OF); a run of punctuation collapses into
  its strongest pause ("?!" -> "?", "..." -> ".").
- Quotes are ignored silently; any other character (symbols, emoji, control characters) is dropped
  and counted, so the caller can report it.
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from frontends.inventory import EXCLAMATION, QUESTION, SENTENCE_END, SHORT_PAUSE

PAUSE_OF = {
    **dict.fromkeys(",;:—–-()[]{}", SHORT_PAUSE),
    **dict.fromkeys(".…", SENTENCE_END),
    "?": QUESTION,
    "!": EXCLAMATION,
}
# When punctuation piles up, the strongest class wins.
PAUSE_STRENGTH = {SHORT_PAUSE: 0, SENTENCE_END: 1, EXCLAMATION: 2, QUESTION: 3}
SILENT_CHARACTERS = frozenset("\"'“”„‟«»‹›‘’‚`¿¡")

# No brackets inside: keeps the scan linear on "[[[[...".
INLINE_PHONEMES = re.compile(r"\[\[[^\[\]]*\]\]")
_TOKEN = re.compile(
    r"\[\[(?P<inline>[^\[\]]*)\]\]"
    r"|(?P<word>[^\W_]+(?:['’\-][^\W_]+)*)"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)",
    re.DOTALL,
)
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Token:
    kind: str  # "word", "inline" or "pause"
    text: str  # the word, the inline phoneme string, or the pause symbol


def tokenize(text):
    """(tokens, Counter of dropped characters)."""
    tokens = []
    dropped = Counter()
    for match in _TOKEN.finditer(unicodedata.normalize("NFC", _without_surrogates(text))):
        kind = match.lastgroup
        if kind == "inline":
            tokens.append(Token("inline", match.group("inline")))
        elif kind == "word":
            tokens.append(Token("word", match.group("word")))
        elif kind == "other":
            char = match.group()
            if char in PAUSE_OF:
                _add_pause(tokens, PAUSE_OF[char])
            elif char not in SILENT_CHARACTERS:
                dropped[char] += 1
    return tokens, dropped


def stronger_pause(pause, other):
    """The stronger of two pause symbols; None counts as no pause."""
    if pause is None or (other is not None and PAUSE_STRENGTH[other] > PAUSE_STRENGTH[pause]):
        return other
    return pause


def _add_pause(tokens, pause):
    if tokens and tokens[-1].kind == "pause":
        tokens[-1] = Token("pause", stronger_pause(tokens[-1].text, pause))
    else:
        tokens.append(Token("pause", pause))


def _without_surrogates(text):
    # Lone surrogates cannot be encoded for espeak; they become U+FFFD, which is then dropped and counted.
    return _SURROGATE.sub("\ufffd", text)
