"""Intelligibility: word error rate of an automatic speech recognizer's transcript against the text.

The recognizer is pocketsphinx with the US English acoustic model, dictionary and language model its
wheel ships (no download), decoding 16 kHz mono 16-bit audio. It is a weak recognizer: its WER on
clean synthetic speech is well above zero, so compare systems against each other and against the
recordings (`tts eval` reports them as "original"), not against zero.

Text and transcript are compared as words: both go through a normalizer the caller passes (the
frontend's, tts.evaluation.spoken.spoken_text: numbers, dates, money and symbols spelled out as the
voice would say them; passed in because core metrics import no stage), then lower-case, with
hyphens and punctuation dropped; WER is (substitutions + deletions + insertions) / reference words
over a whole set of sentences (jiwer).
"""

import re

import numpy as np

from tts import audio
from tts.errors import TTSError

ASR_RATE = 16000
NOISE_FLOOR = 1e-4  # RMS (-80 dBFS) of the seeded noise added before decoding; see Recognizer.transcribe
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def scoring_text(text, *, normalize):
    """`text` as lower-case spoken words separated by single spaces; normalize: str -> str as spoken."""
    return " ".join(_WORD.findall(normalize(text).lower()))


def word_error_rate(references, hypotheses, *, normalize):
    """Corpus WER of the `hypotheses` against the `references` (lists of str, compared as scoring_text
    with `normalize`)."""
    import jiwer  # the optional [eval] extra

    references = [scoring_text(text, normalize=normalize) for text in references]
    if not all(references):
        raise TTSError("a reference text has no words to score against")
    return float(jiwer.wer(references, [scoring_text(text, normalize=normalize) for text in hypotheses]))


class Recognizer:
    """Transcribes waveforms with pocketsphinx; one decoder, reused across calls."""

    def __init__(self):
        from pocketsphinx import Decoder  # the optional [eval] extra

        self._decoder = Decoder(samprate=ASR_RATE, loglevel="FATAL")

    def transcribe(self, wav, sample_rate):
        """The recognized words of a mono float waveform in [-1, 1] (possibly empty)."""
        wav = audio.resample(wav, orig_sr=sample_rate, target_sr=ASR_RATE)
        # Synthetic speech has stretches of exact digital silence, which recordings never have, and they
        # derail pocketsphinx's front end (espeak-ng's "the quick brown fox" is heard as "don't fall").
        # A faint noise floor like a recording's avoids that; seeded, so a transcript is repeatable.
        wav = wav + np.random.default_rng(0).normal(0.0, NOISE_FLOOR, len(wav)).astype(np.float32)
        pcm = (np.clip(wav, -1.0, 1.0) * 32767).astype("<i2").tobytes()
        self._decoder.start_utt()
        self._decoder.process_raw(pcm, full_utt=True)
        self._decoder.end_utt()
        hypothesis = self._decoder.hyp()
        return hypothesis.hypstr if hypothesis is not None else ""
