"""Grapheme-to-phoneme: normalized text -> `Phonemized` (words, phoneme symbols, word of each symbol).

    g2p = G2P(lexicon=Lexicon.load("my.tsv"))          # checks espeak-ng at start-up
    p = g2p.phonemize("Hello, [[ w ˈɜː l d ]].")
    p.words     -> ("Hello", "[[w ˈɜː l d]]")
    p.phonemes  -> ("h", "ə", "l", "ˈoʊ", ",", " ", "w", "ˈɜː", "l", "d", ".")
    p.word_of   -> (0, 0, 0, 0, -1, -1, 1, 1, 1, 1, -1)
    ids, _ = inventory.ids(p.phonemes)                  # never reports unknowns: phonemize filtered them

Sequence layout: word [pause] SEP word [pause] SEP ... word [pause]. SEP (" ") sits between words;
a pause token (, . ? !) follows the word it comes after; leading punctuation is dropped.

Pronunciation order: inline [[ ]] > user lexicon > a reading chosen from context by the tokenizer
(past-tense "read" after "have") > built-in overrides > espeak-ng. espeak is asked only for unique
words missing from the per-instance LRU cache, in batches of `batch_size`; a word read from its
context is never cached, so the cache holds each word's reading alone.

Timeout: espeak runs inside a C call that cannot be interrupted, so each batch runs on a fresh daemon
thread and the caller waits at most `timeout_s`. On timeout the caller gets G2PTimeoutError, the hung
backend is abandoned to its thread (phonemizer gives every backend a private copy of libespeak-ng),
and the next call builds a new one. The daemon thread never blocks interpreter exit.
"""

import threading
import types
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from functools import partial

from frontends.espeak import EspeakPhonemizer
from frontends.inventory import SPECIAL_SYMBOLS, WORD_SEPARATOR, english_inventory
from frontends.ipa import attach_stress
from frontends.lexicon import Lexicon
from frontends.tokens import stronger_pause, tokenize
from tts.errors import TTSError

# Words espeak reads differently alone than in a sentence: alone, "a" is the letter name "ˈeɪ".
# Matched case-sensitively: a capital "A" is a spelled letter ("U S A", "plan A") or a sentence-initial
# article, for which the letter name is the stressed form of the article.
BUILT_IN_OVERRIDES = types.MappingProxyType({"a": ("ɐ",)})


class G2PTimeoutError(TTSError):
    """espeak-ng did not answer in time."""


@dataclass(frozen=True)
class Phonemized:
    words: tuple  # the spoken words, in order (words with no phonemes are left out and reported)
    phonemes: tuple  # inventory symbols, with WORD_SEPARATOR and pause tokens
    word_of: tuple  # per phoneme: index into `words`, -1 for separators and pauses
    report: dict = field(default_factory=dict)  # unspoken_words, unknown_symbols, dropped_characters


class G2P:
    """Thread-safe G2P. Creating one checks espeak-ng (a one-line TTSError says how to install it).

    lexicon: user pronunciations (frontends.lexicon.Lexicon); inventory: symbols outside it are
    reported and skipped (default: the English inventory); cache_size: words kept in the LRU cache;
    batch_size, timeout_s: words per espeak call and seconds to wait for one; backend_factory: builds
    the callable words -> [symbol tuple] (default: EspeakPhonemizer(language)).
    """

    def __init__(self, *, language="en-us", lexicon=None, inventory=None, cache_size=100_000,
                 batch_size=500, timeout_s=10.0, backend_factory=None):
        self.inventory = english_inventory() if inventory is None else inventory
        self.lexicon = Lexicon() if lexicon is None else lexicon
        self._cache_size = cache_size
        self._batch_size = batch_size
        self._timeout_s = timeout_s
        self._backend_factory = backend_factory or partial(EspeakPhonemizer, language)
        self._lock = threading.Lock()  # guards the cache and the backend (espeak is not thread-safe)
        self._cache = OrderedDict()
        self._backend = self._backend_factory()  # start-up check: fails now, not on the first sentence

    def phonemize(self, text_or_words):
        """Already-normalized text (or a list of words) -> Phonemized."""
        return self.phonemize_batch([text_or_words])[0]

    def phonemize_batch(self, texts):
        """Phonemize many texts with one espeak pass over their unique unknown words."""
        tokenized = [tokenize(t if isinstance(t, str) else " ".join(t)) for t in texts]
        spoken = dict.fromkeys(
            tok.text for tokens, _ in tokenized for tok in tokens if tok.kind == "word" and not tok.phonemes
        )
        pronunciations = self.word_phonemes(spoken)
        return [self._assemble(tokens, dropped, pronunciations) for tokens, dropped in tokenized]

    def word_phonemes(self, words):
        """{word: phoneme tuple} for each word (lexicon, overrides, cache, then espeak)."""
        result = {}
        missing = []
        for word in words:
            listed = self.lexicon.lookup(word) or BUILT_IN_OVERRIDES.get(word)
            if listed is not None:
                result[word] = listed
            else:
                missing.append(word)
        if missing:
            result.update(self._cached_or_espeak(missing))
        return result

    def _cached_or_espeak(self, words):
        found = {}
        with self._lock:
            misses = []
            for word in words:
                if word in self._cache:
                    self._cache.move_to_end(word)
                    found[word] = self._cache[word]
                else:
                    misses.append(word)
            for start in range(0, len(misses), self._batch_size):
                batch = misses[start:start + self._batch_size]
                for word, symbols in zip(batch, self._run_with_watchdog(batch)):
                    found[word] = symbols
                    self._remember(word, symbols)
        return found

    def _remember(self, word, symbols):
        self._cache[word] = symbols
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def _run_with_watchdog(self, batch):
        if self._backend is None:
            self._backend = self._backend_factory()
        backend = self._backend
        outcome = {}

        def work():
            try:
                outcome["symbols"] = backend(batch)
            except Exception as error:  # re-raised in the caller's thread below
                outcome["error"] = error

        worker = threading.Thread(target=work, name="espeak-g2p", daemon=True)
        worker.start()
        worker.join(self._timeout_s)
        if worker.is_alive():
            self._backend = None  # abandoned to the hung thread; never touched again
            raise G2PTimeoutError(f"espeak-ng did not answer within {self._timeout_s:g} s "
                                  f"for {len(batch)} words (first: {batch[0][:40]!r})")
        if "error" in outcome:
            raise outcome["error"]
        symbols = outcome["symbols"]
        if len(symbols) != len(batch):
            raise RuntimeError(f"G2P backend returned {len(symbols)} results for {len(batch)} words")
        return symbols

    def _is_phoneme(self, symbol):
        # Separator and pause symbols inside a word (a lexicon or [[ ]] typo) would break word_of.
        return symbol in self.inventory and symbol not in SPECIAL_SYMBOLS

    def _assemble(self, tokens, dropped, pronunciations):
        words, phonemes, word_of = [], [], []
        unspoken, unknown = [], Counter()
        pending_pause = None
        for token in tokens:
            if token.kind == "pause":
                if words:  # leading punctuation has nothing to pause after
                    pending_pause = stronger_pause(pending_pause, token.text)
                continue
            if token.kind == "inline":
                word, symbols = f"[[{' '.join(token.text.split())}]]", attach_stress(token.text.split())
            elif token.phonemes:
                word, symbols = token.text, self.lexicon.lookup(token.text) or token.phonemes
            else:
                word, symbols = token.text, pronunciations[token.text]
            known = [s for s in symbols if self._is_phoneme(s)]
            unknown.update(s for s in symbols if not self._is_phoneme(s))
            if not known:
                unspoken.append(word)
                continue
            if words:
                if pending_pause:
                    phonemes.append(pending_pause)
                    word_of.append(-1)
                phonemes.append(WORD_SEPARATOR)
                word_of.append(-1)
            pending_pause = None
            phonemes.extend(known)
            word_of.extend([len(words)] * len(known))
            words.append(word)
        if pending_pause:
            phonemes.append(pending_pause)
            word_of.append(-1)
        report = {"unspoken_words": unspoken, "unknown_symbols": dict(unknown), "dropped_characters": dict(dropped)}
        return Phonemized(tuple(words), tuple(phonemes), tuple(word_of), report)
