"""User lexicon: a UTF-8 TSV of `word<TAB>phonemes`, phonemes separated by spaces.

    # comment lines and blank lines are ignored
    tomato	t ə m ˈɑː t oʊ
    GIF	dʒ ˈɪ f

Keys are case-insensitive. Phonemes are kept verbatim (inventory symbols, see frontends/ipa.py),
except that a stand-alone stress mark joins the symbol after it ("ˈ ɑː" == "ˈɑː").
Every malformed line is an error naming the file and line number.
"""

from pathlib import Path

from frontends.ipa import attach_stress
from tts.errors import TTSError, undecodable_byte


class Lexicon:
    def __init__(self, entries=None):
        self._entries = {}
        for word, phonemes in (entries or {}).items():
            symbols = phonemes.split() if isinstance(phonemes, str) else phonemes
            self._entries[word.casefold()] = attach_stress(symbols)

    def __len__(self):
        return len(self._entries)

    def lookup(self, word):
        """Phoneme tuple for `word`, or None when the lexicon does not have it."""
        return self._entries.get(word.casefold())

    @classmethod
    def load(cls, path):
        raw = _read_bytes(path)
        try:
            text = raw.decode("utf-8-sig")  # a byte-order mark from a spreadsheet export is not part of a word
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            raise TTSError(f"{path}:{line}: not valid UTF-8 ({undecodable_byte(error, raw)})") from None
        lexicon = cls()
        first_line_of = {}
        # split("\n"), not splitlines(): line numbers must match the ones an editor shows.
        for number, line in enumerate(text.split("\n"), start=1):
            line = line.removesuffix("\r")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            word, phonemes = _parse_line(path, number, line)
            key = word.casefold()
            if key in first_line_of:
                raise TTSError(f"{path}:{number}: {word!r} is already defined on line {first_line_of[key]}")
            first_line_of[key] = number
            lexicon._entries[key] = phonemes
        return lexicon


def _read_bytes(path):
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise TTSError(f"cannot read lexicon {path}: {error.strerror or error}") from None


def _parse_line(path, number, line):
    fields = line.split("\t")
    if len(fields) != 2:
        raise TTSError(f"{path}:{number}: expected 'word<TAB>phonemes' (one tab), got {line!r}")
    word, phonemes = fields[0].strip(), fields[1].split()
    if not word or any(char.isspace() for char in word):
        raise TTSError(f"{path}:{number}: the word must be non-empty and have no spaces, got {fields[0]!r}")
    if not phonemes:
        raise TTSError(f"{path}:{number}: {word!r} has no phonemes")
    symbols = attach_stress(phonemes)
    if not symbols:
        raise TTSError(f"{path}:{number}: {word!r} has only stress marks, no phonemes")
    return word, symbols
