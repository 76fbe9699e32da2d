"""Evaluating a voice on texts: it speaks each sentence with a given speaker and vocoder, and the
audio is scored without a reference recording: real-time factor (the whole synthesis: frontend,
acoustic model and vocoder, over the audio's length), intelligibility (ASR word error rate against
the text) and DNSMOS (predicted SIG, BAK and OVRL opinion scores). `evaluate_texts` runs it for
every vocoder and speaker, as `tts eval texts` does.
"""

import sys
import time
from dataclasses import dataclass

import numpy as np

from tts.evaluation.spoken import spoken_text
from tts.metrics.dnsmos import Dnsmos, dnsmos
from tts.metrics.intelligibility import Recognizer, word_error_rate
from tts.texts import read_texts
from tts.voice import Voice

FIGURES = ("rtf", "wer", "dnsmos_sig", "dnsmos_bak", "dnsmos_ovrl")  # what is averaged over speakers


@dataclass(frozen=True)
class SentenceScores:
    text: str
    transcript: str  # what the recognizer heard
    seconds: float  # audio length
    synthesis_seconds: float  # wall time of voice.synthesize
    dnsmos: Dnsmos


def evaluate_texts(voice_path, source, *, speakers=None, vocoders=None, limit=None, progress=False):
    """{"voice", "texts", "vocoders": {name: {"speakers": {label: summary}, "mean": mean_over_speakers}}}:
    the voice at `voice_path` ("default": the bundled one) speaking the first `limit` texts of `source`
    (a file or a built-in list, as read_texts) with each of `speakers` (index, id or mix; default 0) and
    `vocoders` (default: all of the voice's). `progress`: a line on stderr as each pair starts."""
    texts = read_texts(source)[:limit]
    voice = Voice.load(voice_path)
    resolved = {}
    for text in speakers or ["0"]:
        speaker = voice.resolve_speaker(text)
        resolved[voice.speakers[speaker] if isinstance(speaker, int) else text] = speaker
    vocoders = vocoders or list(voice.vocoder_names)
    for name in vocoders:
        # An unknown or broken vocoder fails before any scoring; one-time loading and compilation
        # (espeak-ng, numba kernels) stay out of the RTF.
        voice.synthesize(texts[0], speaker=next(iter(resolved.values())), vocoder=name)
    recognizer = Recognizer()
    report = {"voice": voice.name, "texts": texts, "vocoders": {}}
    for name in vocoders:
        per_speaker = {}
        for label, speaker in resolved.items():
            if progress:
                print(f"{name}, speaker {label}: {len(texts)} texts", file=sys.stderr)
            scores = score_texts(voice, texts, speaker=speaker, vocoder=name, recognizer=recognizer)
            per_speaker[label] = summary(scores)
        report["vocoders"][name] = {"speakers": per_speaker, "mean": mean_over_speakers(per_speaker.values())}
    return report


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
        "wer": round(word_error_rate([s.text for s in scores], [s.transcript for s in scores],
                                     normalize=spoken_text), 4),
        "dnsmos_sig": round(float(np.mean([s.dnsmos.sig for s in scores])), 3),
        "dnsmos_bak": round(float(np.mean([s.dnsmos.bak for s in scores])), 3),
        "dnsmos_ovrl": round(float(np.mean([s.dnsmos.ovrl for s in scores])), 3),
        "transcripts": [s.transcript for s in scores],
    }


def mean_over_speakers(summaries):
    """Each figure of the per-speaker summaries averaged over the speakers."""
    return {figure: round(float(np.mean([s[figure] for s in summaries])), 4) for figure in FIGURES}
