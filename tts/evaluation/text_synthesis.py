"""Evaluating a voice on texts: it speaks each sentence with a given speaker and vocoder, and the
audio is scored without a reference recording: real-time factor (the whole synthesis: frontend,
acoustic model and vocoder, over the audio's length), intelligibility (ASR word error rate against
the text) and DNSMOS (predicted SIG, BAK and OVRL opinion scores).
"""

import time
from dataclasses import dataclass

import numpy as np

from tts.metrics.dnsmos import Dnsmos, dnsmos
from tts.metrics.intelligibility import word_error_rate

FIGURES = ("rtf", "wer", "dnsmos_sig", "dnsmos_bak", "dnsmos_ovrl")  # what is averaged over speakers


@dataclass(frozen=True)
class SentenceScores:
    text: str
    transcript: str  # what the recognizer heard
    seconds: float  # audio length
    synthesis_seconds: float  # wall time of voice.synthesize
    dnsmos: Dnsmos


def score_texts(voice, texts, *, speaker, vocoder, recognizer):
    """SentenceScores for each text spoken by `voice` (a tts.voice.Voice)."""
    scores = []
    for text in texts:
        start = time.perf_counter()
        result = voice.synthesize(text, speaker=speaker, vocoder=vocoder)
        synthesis_seconds = time.perf_counter() - start
        scores.append(
            SentenceScores(
                text=text,
                transcript=recognizer.transcribe(result.audio, result.sample_rate),
                seconds=result.seconds,
                synthesis_seconds=synthesis_seconds,
                dnsmos=dnsmos(result.audio, result.sample_rate),
            )
        )
    return scores


def summary(scores):
    """Corpus WER, mean DNSMOS, and the RTF as total synthesis time over total audio; the transcripts
    in the order of the texts."""
    return {
        "utterances": len(scores),
        "audio_seconds": round(sum(s.seconds for s in scores), 2),
        "rtf": round(sum(s.synthesis_seconds for s in scores) / sum(s.seconds for s in scores), 4),
        "wer": round(word_error_rate([s.text for s in scores], [s.transcript for s in scores]), 4),
        "dnsmos_sig": round(float(np.mean([s.dnsmos.sig for s in scores])), 3),
        "dnsmos_bak": round(float(np.mean([s.dnsmos.bak for s in scores])), 3),
        "dnsmos_ovrl": round(float(np.mean([s.dnsmos.ovrl for s in scores])), 3),
        "transcripts": [s.transcript for s in scores],
    }


def mean_over_speakers(summaries):
    """Each figure of the per-speaker summaries averaged over the speakers."""
    return {figure: round(float(np.mean([s[figure] for s in summaries])), 4) for figure in FIGURES}
