"""Evaluating a voice on texts: it speaks each sentence with a given speaker and vocoder, and the
audio is scored without a reference recording: real-time factor (the whole synthesis: frontend,
acoustic model and vocoder, over the audio's length), intelligibility (ASR word error rate against
the text) and DNSMOS (predicted SIG, BAK and OVRL opinion scores). `evaluate_texts` runs it for
every vocoder and speaker, as `tts eval texts` does.

A vocoder that draws at random (one with a `seed`: the WaveNet's samples, Griffin-Lim's first
phase) says something different with each seed, and one seed moves a speaker's WER by several words
in a hundred; with `seeds` above 1 each text is spoken once per seed and the figures pool them.
"""

import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from tts.errors import UsageError, checked_count
from tts.evaluation.spoken import spoken_text
from tts.metrics.dnsmos import Dnsmos, dnsmos, mean_dnsmos
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


def evaluate_texts(voice_path, source, *, speakers=None, vocoders=None, limit=None, seeds=1, progress=False):
    """{"voice", "texts", "vocoders": {name: {"speakers": {label: summary}, "mean": mean_over_speakers}}}:
    the voice at `voice_path` ("default": the bundled one) speaking the first `limit` texts of `source`
    (a file or a built-in list, as read_texts) with each of `speakers` (index, id or mix; default 0) and
    `vocoders` (default: all of the voice's), `seeds` times over for a vocoder that draws at random
    (seeds_of). `progress`: a line on stderr as each pair starts."""
    checked_count(seeds, least=1, what="seeds", unit="draws", error=UsageError)
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
        vocoder, per_speaker = voice.vocoder(name), {}
        for label, speaker in resolved.items():
            draws = {}
            for seed in seeds_of(vocoder, seeds):
                if progress:
                    print(f"{name}, speaker {label}{'' if seed is None else f', seed {seed}'}: {len(texts)} texts",
                          file=sys.stderr)
                with drawing_with(vocoder, seed):
                    draws[seed] = score_texts(voice, texts, speaker=speaker, vocoder=name, recognizer=recognizer)
            per_speaker[label] = summary(draws)
        report["vocoders"][name] = {"speakers": per_speaker, "mean": mean_over_speakers(per_speaker.values())}
    return report


def seeds_of(vocoder, count):
    """The seeds to draw `count` times from `vocoder`: its own seed and the count - 1 after it, or
    [None] (its own, untouched) for one draw or a vocoder that draws nothing at random."""
    if count == 1 or not hasattr(vocoder, "seed"):
        return [None]
    return [vocoder.seed + k for k in range(count)]


@contextmanager
def drawing_with(vocoder, seed):
    """`vocoder` drawing with `seed` inside the block (None: its own), its own seed back after."""
    if seed is None:
        yield
        return
    own, vocoder.seed = vocoder.seed, seed
    try:
        yield
    finally:
        vocoder.seed = own


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


def summary(draws):
    """Of {seed: SentenceScores} (None: the vocoder's own seed, drawn once): corpus WER over every
    draw, mean DNSMOS, and the RTF as total synthesis time over total audio; the transcripts in the
    order of the texts (one list per seed, and each seed's WER, when there are several)."""
    scores = [score for run in draws.values() for score in run]
    figures = {
        "utterances": len(scores),
        "audio_seconds": round(sum(s.seconds for s in scores), 2),
        "rtf": round(sum(s.synthesis_seconds for s in scores) / sum(s.seconds for s in scores), 4),
        "wer": _wer(scores),
        **mean_dnsmos([s.dnsmos for s in scores]),
    }
    if None in draws:
        return {**figures, "transcripts": [s.transcript for s in draws[None]]}
    return {**figures, "seeds": {str(seed): {"wer": _wer(run), "transcripts": [s.transcript for s in run]}
                                 for seed, run in draws.items()}}


def _wer(scores):
    return round(word_error_rate([s.text for s in scores], [s.transcript for s in scores], normalize=spoken_text), 4)


def mean_over_speakers(summaries):
    """Each figure of the per-speaker summaries averaged over the speakers."""
    return {figure: round(float(np.mean([s[figure] for s in summaries])), 4) for figure in FIGURES}
