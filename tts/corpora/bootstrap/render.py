"""Synthesize one utterance into the corpus: engine -> trim -> resample -> loudness -> atomic save.

Runs in worker processes, so everything it needs travels in the picklable Item and root path.
"""

import json
import tempfile
from pathlib import Path

import numpy as np

from tts import audio
from tts.atomic import write_text_atomic
from tts.corpora.bootstrap import engines, festival_timings
from tts.errors import TTSError

TARGET_DBFS = -23.0  # every speaker at one RMS level; the engines' raw levels differ by 10+ dB


def warm_up():
    """Run the trimming once, so librosa's lazy imports (2 s) happen before the workers fork."""
    audio.speech_bounds(np.zeros(4000, dtype=np.float32), sample_rate=16000)


def as_in_corpus(wav, rate, *, sample_rate, trim):
    """An engine's waveform as the corpus keeps it: trimmed to the speech (if `trim`), at
    `sample_rate`, at one loudness; and the sample (of `wav`) where the kept audio starts."""
    start, end = audio.speech_bounds(wav, sample_rate=rate) if trim else (0, len(wav))
    wav = audio.resample(wav[start:end], orig_sr=rate, target_sr=sample_rate)
    return audio.normalize_loudness(wav, target_dbfs=TARGET_DBFS), start


def render(item, root):
    """Write `item`'s audio (and, for festival voices, its alignment) under `root`; return its seconds."""
    root = Path(root)
    with tempfile.TemporaryDirectory(prefix="tts-bootstrap-") as tmp:
        raw = Path(tmp) / "raw.wav"
        words = engines.synthesize(item.voice, item.sentence.normalized, raw)
        if not raw.is_file() or raw.stat().st_size == 0:
            raise TTSError(f"{item.voice.label} wrote no audio for {item.utt_id}")
        wav, rate = audio.load(raw)
    if not np.any(wav):
        raise TTSError(f"{item.voice.label} produced silence for {item.utt_id}: {item.sentence.normalized!r}")
    wav, start = as_in_corpus(wav, rate, sample_rate=item.sample_rate, trim=item.trim)
    audio.save(root / item.audio, wav, item.sample_rate)
    seconds = len(wav) / item.sample_rate
    if words is not None:
        words = festival_timings.shift(words, offset=start / rate, duration=seconds)
        alignment = {
            "id": item.utt_id,
            "speaker": item.speaker,
            "sample_rate": item.sample_rate,
            "words": [{"word": w.word, "start": w.start, "end": w.end} for w in words],
        }
        write_text_atomic(root / "alignments" / f"{item.utt_id}.json", json.dumps(alignment, indent=1) + "\n")
    return seconds
