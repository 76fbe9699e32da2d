"""Split normalized text into words, inline phonemes and pause tokens.

- A word is a run of letters/digits, joined by inner apostrophes or hyphens ("don't", "well-known").
- `[[ h ə l oʊ ]]` is one word whose phonemes are given verbatim.
- Punctuation becomes a pause token by class (see PAUSE_OF); a run of punctuation collapses into
  its strongest pause ("?!" -> "?", "..." -> ".").
- Quotes are ignored silently; any other character (symbols, emoji, control characters) is dropped
  and counted, so the caller can report it.
- A homograph whose reading its neighbours decide gets its phonemes here, since the G2P looks
  words up alone: "read" after a perfect or passive auxiliary ("have read", "was read", "has she
  never read") is the past participle /ɹɛd/; elsewhere ("I read", "have to read", "have read
  access") espeak's /ɹiːd/.
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

PAST_PARTICIPLE_READ = ("ɹ", "ˈɛ", "d")  # espeak's "red"
AUXILIARIES = frozenset(
    "have has had having i've you've we've they've haven't hasn't hadn't was wasn't were weren't "
    "be been being is isn't are aren't it's he's she's that's who's what's there's".split()
)
# Words that may stand between the auxiliary and "read": "have you ever read", "had not yet read".
BETWEEN_AUXILIARY_AND_VERB = frozenset(
    "not never already just also ever yet all both once recently only i you he she it we they".split()
)
_MOST_BETWEEN = 2
# "read" before these modifies them, present tense: "I have read access". Not "only": "have read
# only one page" is the participle ("read-only" is one word).
NOUNS_READ_MODIFIES = frozenset("access permission permissions rights mode receipt receipts".split())

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
    phonemes: tuple = ()  # a word's pronunciation chosen from its context; () to look the word up


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
    return _read_homographs(tokens), dropped


def stronger_pause(pause, other):
    """The stronger of two pause symbols; None counts as no pause."""
    if pause is None or (other is not None and PAUSE_STRENGTH[other] > PAUSE_STRENGTH[pause]):
        return other
    return pause


def _read_homographs(tokens):
    for index, token in enumerate(tokens):
        if token.kind == "word" and token.text.lower() == "read" and _is_past_participle(tokens, index):
            tokens[index] = Token("word", token.text, PAST_PARTICIPLE_READ)
    return tokens


def _is_past_participle(tokens, index):
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    if following is not None and following.kind == "word" and following.text.lower() in NOUNS_READ_MODIFIES:
        return False
    return _after_auxiliary(tokens, index)


def _after_auxiliary(tokens, index):
    """True when an auxiliary comes before tokens[index], with at most _MOST_BETWEEN words between."""
    for token in reversed(tokens[max(0, index - _MOST_BETWEEN - 1):index]):
        if token.kind != "word":  # a pause or inline phonemes break the phrase
            return False
        word = token.text.lower().replace("’", "'")
        if word in AUXILIARIES:
            return True
        if word not in BETWEEN_AUXILIARY_AND_VERB:
            return False
    return False


def _add_pause(tokens, pause):
    if tokens and tokens[-1].kind == "pause":
        tokens[-1] = Token("pause", stronger_pause(tokens[-1].text, pause))
    else:
        tokens.append(Token("pause", pause))


def _without_surrogates(text):
    # Lone surrogates cannot be encoded for espeak; they become U+FFFD, which is then dropped and counted.
    return _SURROGATE.sub("\ufffd", text)
