"""The phoneme inventory: a versioned symbol list whose positions are the model's phoneme ids.

A trained model stores its inventory (JSON, `Inventory.save`) beside its weights, and text is turned
into ids with that stored inventory, never with whatever the code's current default happens to be.
Changing the default symbol list therefore needs a new INVENTORY_VERSION.

The English list was derived by phonemizing ~82,000 distinct tokens with espeak-ng 1.51 en-us (words
from man pages and docs, the bootstrap word list, numbers 0-2100 and powers of ten, accented
loanwords) and hard-coded here: every symbol they produced is listed. Letters of other scripts can
produce symbols outside it (retroflex ʈ ɖ, ɲ, ʁ ...); those are reported and skipped, not guessed.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from frontends.ipa import PRIMARY_STRESS, SECONDARY_STRESS
from tts.atomic import write_text_atomic
from tts.errors import TTSError

INVENTORY_VERSION = "en-us-espeak-1"
FILE_FORMAT = 1

PAD = "_"  # id 0: padding in batches
WORD_SEPARATOR = " "  # between two words, like Piper's " "
SHORT_PAUSE = ","  # , ; : dashes brackets
SENTENCE_END = "."  # . and …
QUESTION = "?"
EXCLAMATION = "!"
SPECIAL_SYMBOLS = (PAD, WORD_SEPARATOR, SHORT_PAUSE, SENTENCE_END, QUESTION, EXCLAMATION)

CONSONANTS = (
    "p", "b", "t", "d", "k", "ɡ", "ʔ", "ɾ", "m", "n", "ŋ", "f", "v", "θ", "ð", "s", "z", "ʃ", "ʒ",
    "h", "x", "tʃ", "dʒ", "l", "ɬ", "ɹ", "r", "j", "w",
)
# Everything that can carry stress; each also appears with ˈ and ˌ attached (see frontends/ipa.py).
VOWELS = (
    "i", "iː", "ɪ", "ᵻ", "ɛ", "æ", "ɐ", "ə", "ɚ", "ɜː", "ʌ", "ɑː", "ɔ", "ɔː", "oː", "ʊ", "u", "uː", "ɑ̃",
    "aɪ", "eɪ", "oʊ", "aʊ", "ɔɪ", "iə", "aɪə", "aɪɚ", "ɑːɹ", "ɔːɹ", "oːɹ", "ɪɹ", "ɛɹ", "ʊɹ",
    "əl", "n̩",
)


def english_symbols():
    stressed = tuple(mark + vowel for mark in (PRIMARY_STRESS, SECONDARY_STRESS) for vowel in VOWELS)
    return SPECIAL_SYMBOLS + CONSONANTS + VOWELS + stressed


@dataclass(frozen=True)
class Inventory:
    """symbols[i] has id i; symbols[0] is PAD."""

    symbols: tuple
    version: str
    _id_of: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        symbols = tuple(self.symbols)
        if not symbols or symbols[0] != PAD:
            raise TTSError(f"phoneme inventory {self.version!r}: the first symbol must be the pad {PAD!r}")
        duplicates = sorted(s for s, n in Counter(symbols).items() if n > 1)
        if duplicates:
            raise TTSError(f"phoneme inventory {self.version!r}: duplicate symbols {duplicates}")
        object.__setattr__(self, "symbols", symbols)
        object.__setattr__(self, "_id_of", {s: i for i, s in enumerate(symbols)})

    def __len__(self):
        return len(self.symbols)

    def __contains__(self, symbol):
        return symbol in self._id_of

    def ids(self, phonemes):
        """(int64 ids, Counter of unknown symbols). Unknown symbols are skipped, never a KeyError."""
        known = []
        unknown = Counter()
        for symbol in phonemes:
            index = self._id_of.get(symbol)
            if index is None:
                unknown[symbol] += 1
            else:
                known.append(index)
        return np.asarray(known, dtype=np.int64), unknown

    def to_dict(self):
        return {"format": FILE_FORMAT, "version": self.version, "symbols": list(self.symbols)}

    def save(self, path):
        write_text_atomic(path, json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n")

    @classmethod
    def from_dict(cls, data, *, source="inventory", expected_version=None):
        if not isinstance(data, dict) or data.get("format") != FILE_FORMAT:
            found = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise TTSError(f"{source}: unsupported phoneme inventory format {found!r} (expected {FILE_FORMAT})")
        version, symbols = data.get("version"), data.get("symbols")
        symbols_ok = isinstance(symbols, list) and all(isinstance(s, str) for s in symbols)
        if not isinstance(version, str) or not symbols_ok:
            raise TTSError(f"{source}: a phoneme inventory needs a string 'version' and a list of string 'symbols'")
        if expected_version is not None and version != expected_version:
            raise TTSError(f"{source}: phoneme inventory version {version!r}, expected {expected_version!r}")
        return cls(tuple(symbols), version)

    @classmethod
    def load(cls, path, *, expected_version=None):
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise TTSError(f"cannot read phoneme inventory {path}: {error}") from None
        return cls.from_dict(data, source=str(path), expected_version=expected_version)


def english_inventory():
    """The default inventory for espeak-ng en-us phonemes (INVENTORY_VERSION)."""
    return Inventory(english_symbols(), INVENTORY_VERSION)
