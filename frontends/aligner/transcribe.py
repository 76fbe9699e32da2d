"""Transcripts -> the token sequence that the aligner, and every model trained on its durations, sees.

The G2P gives `word [pause] SEP word [pause] SEP ... word [pause]`. Corpus audio keeps silence
before the first word and after the last (trimmed VCTK files keep ~50 ms margins), and some token
must own those frames, or the first word would be stretched back to time 0. So each utterance is
framed by a word separator at both ends: `SEP word ... word [pause] SEP`. The separator is the
token that already owns the silences between words; at inference the Frontend must frame its
phonemes with `frame_utterance` too, so the duration and acoustic models see what they learned on.
"""

from dataclasses import dataclass

import numpy as np

from frontends.inventory import WORD_SEPARATOR
from frontends.normalize import normalize
from tts.errors import TTSError


@dataclass(frozen=True)
class Transcript:
    words: tuple  # spoken words, in order
    phonemes: tuple  # framed tokens: SEP, phonemes, separators and pauses, SEP
    ids: np.ndarray  # [n_tokens] int64 phoneme ids
    word_of: np.ndarray  # [n_tokens] index into `words`, -1 for separators and pauses


def frame_utterance(phonemes, word_of):
    """Put a word separator before the first token and after the last."""
    return (WORD_SEPARATOR, *phonemes, WORD_SEPARATOR), (-1, *word_of, -1)


class Transcriber:
    """Callable: transcripts -> Transcripts, normalized as the Frontend does, then phonemized in
    one G2P batch."""

    def __init__(self, g2p):
        self.g2p = g2p
        self.inventory = g2p.inventory

    def __call__(self, texts):
        normalized = [normalize(text).text for text in texts]
        return [self._transcript(p) for p in self.g2p.phonemize_batch(normalized)]

    def _transcript(self, phonemized):
        phonemes, word_of = frame_utterance(phonemized.phonemes, phonemized.word_of)
        ids, unknown = self.inventory.ids(phonemes)
        if unknown:  # the G2P drops symbols outside its inventory, so this is a mismatched pair
            raise TTSError(f"phonemes {sorted(unknown)} are not in inventory {self.inventory.version!r}")
        return Transcript(phonemized.words, phonemes, ids, np.asarray(word_of, dtype=np.int64))
