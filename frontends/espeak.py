"""espeak-ng through phonemizer: a list of words in, one tuple of phoneme symbols per word out.

One `EspeakPhonemizer` is NOT thread-safe; `frontends.g2p.G2P` serializes calls with a lock and
runs them under a watchdog. phonemizer loads a private copy of libespeak-ng per backend instance,
so a fresh instance is independent of a hung one.
"""

import logging

from frontends.ipa import split_ipa
from tts.errors import TTSError
from tts.system_tools import TOOLS, install_hint, require

_PHONE_SEPARATOR = "|"
_WORD_SEPARATOR = " "


def _espeak_install_hint():
    return install_hint(next(tool for tool in TOOLS if tool.command == "espeak-ng"))


class EspeakPhonemizer:
    """Callable: words -> [tuple of symbols]; an empty tuple where espeak produced nothing."""

    def __init__(self, language="en-us"):
        require("espeak-ng")  # one-line TTSError with the install command when missing
        try:
            from phonemizer.backend import EspeakBackend
            from phonemizer.separator import Separator
        except ImportError:
            raise TTSError("phonemizer is not installed; install it with: pip install 'tts-toolkit[text]'") from None
        try:
            self._backend = EspeakBackend(
                language,
                with_stress=True,
                preserve_punctuation=False,  # punctuation never reaches espeak: the G2P makes pause tokens
                language_switch="remove-flags",
                logger=_quiet_logger(),
            )
        except RuntimeError as error:
            raise TTSError(f"espeak-ng cannot phonemize {language!r} ({error}); "
                           f"install it with: {_espeak_install_hint()}") from None
        self._separator = Separator(phone=_PHONE_SEPARATOR, word=_WORD_SEPARATOR, syllable="")

    def __call__(self, words):
        words = list(words)
        lines = self._backend.phonemize(words, separator=self._separator, strip=True, njobs=1)
        if len(lines) != len(words):  # phonemizer keeps one line per input; guard rather than misalign
            lines = [self._backend.phonemize([w], separator=self._separator, strip=True)[0] for w in words]
        return [_symbols(line) for line in lines]


def _quiet_logger():
    # phonemizer warns about "words count mismatch" whenever espeak reads a token as several words
    # ("1984"), which _symbols handles. A private logger (not in logging's registry) drops warnings.
    return logging.Logger("frontends.espeak.phonemizer", level=logging.ERROR)


def _symbols(line):
    # espeak may read one token as several words ("1984"); they are all this token's phonemes.
    phones = line.replace(_WORD_SEPARATOR, _PHONE_SEPARATOR).split(_PHONE_SEPARATOR)
    return tuple(symbol for phone in phones for symbol in split_ipa(phone))
