"""Preflight: check every file of a corpus once, before any training, and say what is wrong with each.

Each problem is an Issue with a stable `code` and a severity:
- bad      the utterance is skipped: empty_file, undecodable, truncated, nonfinite, silent, no_speech,
           too_short, empty_transcript, short_transcript, long_transcript, transcript_encoding
- warning  kept and fixed on load: stereo (downmixed), sample_rate (resampled), clipping
Utterances with only a transcript or only audio are the listing's `unpaired` entries: listed and
skipped, but not counted as bad, since real corpora ship some (VCTK-0.92's p315: close to 1 % of it).

A run passes when at most `max_bad_fraction` of the checked utterances are bad.
"""

import multiprocessing
import unicodedata
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Optional

import librosa
import numpy as np
from tqdm import tqdm

from tts import audio
from tts.corpora.listing import CorpusItem, CorpusListing
from tts.corpora.manifest import ManifestEntry
from tts.corpora.wav_chunks import wav_truncation
from tts.errors import AudioFormatError, TTSError

BAD, WARNING = "bad", "warning"

MIN_DURATION = 0.1  # seconds; shorter clips hold no word (a 50 ms clip is bad)
# Characters are letters and digits. Read speech runs at 10-15 a second (LJSpeech about 13, the
# bootstrap voices 8-18); under 0.5 (one per two seconds) the transcript cannot be what the audio says
# (a truncated line, or a clip paired with the wrong text).
MIN_CHARS_PER_SECOND = 0.5
# From 20 characters on, pauses no longer dominate (a lone "Oh." may sit in seconds of silence):
# under 2 a second, the audio holds far more than its text.
STEADY_RATE_CHARS = 20
MIN_STEADY_CHARS_PER_SECOND = 2.0
# Fast read speech stays under about 20 a second; over 35 the audio is too short for its text (cut
# off, or paired with the wrong line: 97 characters in 1.69 s).
MAX_CHARS_PER_SECOND = 35.0
# Speech's loud frames sit at -30 to -10 dBFS (the bootstrap voices -20 to -16); when even the loudest
# 5 % of 25 ms frames stay under -45 dBFS the file holds hiss or a muted microphone, not speech.
MIN_SPEECH_DBFS = -45.0
LOUD_PERCENTILE = 95
LEVEL_FRAME_SECONDS = 0.025
CLIP_LEVEL = 0.999  # |sample| at or above this counts as full scale
MAX_CLIPPED_FRACTION = 0.001  # more full-scale samples than this means the recording clipped
# Decoding takes 0.3-2 ms a file, but a spawned worker needs ~2 s to start (it re-imports the CLI):
# below this many files one process is faster (measured on 2 cores).
PARALLEL_MIN_FILES = 5000
DEFAULT_JOBS = 2


@dataclass(frozen=True)
class Issue:
    code: str
    severity: str  # BAD or WARNING
    message: str


@dataclass(frozen=True)
class AudioCheck:
    """What one look at an audio file found; the rate etc. are None when it could not be read."""

    sample_rate: Optional[int]
    channels: Optional[int]
    frames: Optional[int]
    issues: tuple

    @property
    def duration(self):
        return self.frames / self.sample_rate if self.sample_rate else None

    @property
    def bad(self):
        return _any_bad(self.issues)


@dataclass(frozen=True)
class FileCheck:
    item: CorpusItem
    audio: AudioCheck
    issues: tuple  # Issue, audio and transcript together

    @property
    def bad(self):
        return _any_bad(self.issues)


@dataclass(frozen=True)
class PreflightReport:
    listing: CorpusListing
    files: tuple  # FileCheck, one per paired utterance
    decoded: bool  # False: header checks only (no silence / NaN / clipping checks)
    sample_rate: Optional[int]  # the rate others are compared against
    max_bad_fraction: float

    @property
    def good(self):
        return [check for check in self.files if not check.bad]

    @property
    def bad(self):
        return [check for check in self.files if check.bad]

    @property
    def warned(self):
        return [check for check in self.good if check.issues]

    @property
    def bad_fraction(self):
        return len(self.bad) / len(self.files)

    @property
    def passed(self):
        return self.bad_fraction <= self.max_bad_fraction

    @property
    def hours(self):
        return sum(check.audio.duration for check in self.good) / 3600.0

    def manifest_entries(self):
        return [
            ManifestEntry(c.item.id, c.item.speaker, c.item.text, c.item.path, c.audio.duration, c.audio.sample_rate)
            for c in self.good
        ]

    def to_dict(self):
        root = self.listing.root
        return {
            "version": 1,
            "corpus": str(root),
            "layout": self.listing.layout,
            "decoded": self.decoded,
            "sample_rate": self.sample_rate,
            "thresholds": {
                "max_bad_fraction": self.max_bad_fraction,
                "min_duration": MIN_DURATION,
                "min_chars_per_second": MIN_CHARS_PER_SECOND,
                "steady_rate_chars": STEADY_RATE_CHARS,
                "min_steady_chars_per_second": MIN_STEADY_CHARS_PER_SECOND,
                "max_chars_per_second": MAX_CHARS_PER_SECOND,
                "min_speech_dbfs": MIN_SPEECH_DBFS,
                "clip_level": CLIP_LEVEL,
                "max_clipped_fraction": MAX_CLIPPED_FRACTION,
            },
            "summary": {
                "checked": len(self.files),
                "bad": len(self.bad),
                "bad_fraction": self.bad_fraction,
                "warned": len(self.warned),
                "unpaired": len(self.listing.unpaired),
                "good": len(self.good),
                "hours": self.hours,
                "passed": self.passed,
            },
            "files": [
                {
                    "id": check.item.id,
                    "speaker": check.item.speaker,
                    "path": _relative(check.item.path, root),
                    "status": BAD if check.bad else WARNING,
                    "issues": [vars(issue) for issue in check.issues],
                }
                for check in self.files
                if check.issues
            ],
            "unpaired": [
                {"id": entry.id, "path": _relative(entry.path, root), "code": entry.code, "message": entry.message}
                for entry in self.listing.unpaired
            ],
        }


def preflight(listing, *, decode=True, sample_rate=None, max_bad_fraction=0.01, jobs=DEFAULT_JOBS):
    """Check every paired utterance of `listing`.

    decode=True reads every sample once; decode=False reads headers only (fast, for `corpus manifest`).
    `sample_rate` is the rate expected of every file (others get a warning); None takes the most common.
    """
    if not listing.items:
        raise TTSError(
            f"{listing.root}: no utterance has both a transcript and audio "
            f"({len(listing.unpaired)} unpaired); is this the corpus root?"
        )
    audio_checks = _check_all([item.path for item in listing.items], decode=decode, jobs=jobs)
    rates = Counter(check.sample_rate for check in audio_checks if check.sample_rate)
    expected = sample_rate or (rates.most_common(1)[0][0] if rates else None)
    files = []
    for item, checked in zip(listing.items, audio_checks):
        issues = checked.issues
        if checked.sample_rate and checked.sample_rate != expected:
            message = f"{checked.sample_rate} Hz, not {expected} Hz: resampled on load"
            issues += (Issue("sample_rate", WARNING, message),)
        issues += _transcript_issues(item, checked)
        files.append(FileCheck(item, checked, issues))
    return PreflightReport(listing, tuple(files), decode, expected, max_bad_fraction)


def check_audio(path, *, decode=True):
    """Look at one audio file: its header, and all of its samples when `decode`."""
    path = Path(path)
    try:
        if path.stat().st_size == 0:
            return AudioCheck(None, None, None, (Issue("empty_file", BAD, "empty file (0 bytes)"),))
        truncation = wav_truncation(path)  # a few header bytes: cheap enough for header-only runs too
        if truncation:
            return AudioCheck(None, None, None, (_truncated(*truncation),))
        if decode:
            wav, rate = audio.load(path, mono=False)  # [channels, samples]
            channels, frames = wav.shape
        else:
            header = audio.info(path)
            rate, channels, frames = header.sample_rate, header.channels, header.frames
    except (OSError, AudioFormatError) as error:
        message = str(error).removeprefix(f"{path}: ")  # the table already names the file
        return AudioCheck(None, None, None, (Issue("undecodable", BAD, message),))
    issues = []
    if frames < MIN_DURATION * rate:
        issues.append(Issue("too_short", BAD, f"{frames / rate:.3f} s, shorter than {MIN_DURATION} s"))
    if channels > 1:
        issues.append(Issue("stereo", WARNING, f"{channels} channels: downmixed to mono on load"))
    if decode:
        issues += _sample_issues(wav, rate)
    return AudioCheck(rate, channels, frames, tuple(issues))


def check_transcript(text, duration=None):
    """Issues with a transcript: nothing left to say, or a length implausible for `duration` seconds."""
    count = spoken_characters(text)
    if count == 0:
        return (Issue("empty_transcript", BAD, f"transcript {text!r} has no letters or digits"),)
    if not duration:
        return ()
    least = MIN_STEADY_CHARS_PER_SECOND if count >= STEADY_RATE_CHARS else MIN_CHARS_PER_SECOND
    if count < least * duration:
        message = f"{count} characters for {duration:.1f} s of audio (fewer than {least:g}/s)"
        return (Issue("short_transcript", BAD, message),)
    if count > MAX_CHARS_PER_SECOND * duration:
        rate = count / duration
        limit = f"more than {MAX_CHARS_PER_SECOND:g}/s"
        message = f"{count} characters for {duration:.2f} s of audio ({rate:.1f}/s, {limit})"
        return (Issue("long_transcript", BAD, message),)
    return ()


def spoken_characters(text):
    """Letters and digits in `text` after NFKC normalization: a stand-in for the real normalizer."""
    return sum(char.isalnum() for char in unicodedata.normalize("NFKC", text))


def loud_frames_dbfs(wav, *, sample_rate):
    """The level of the loudest frames of [channels, samples] audio: a high percentile of 25 ms RMS."""
    mono = audio.to_mono(wav)
    frame = min(len(mono), max(1, int(LEVEL_FRAME_SECONDS * sample_rate)))
    rms = librosa.feature.rms(y=mono, frame_length=frame, hop_length=frame, center=False)[0]
    loud = float(np.percentile(rms, LOUD_PERCENTILE))
    return 20.0 * np.log10(loud) if loud > 0 else -np.inf


def _transcript_issues(item, checked):
    if item.text_error:  # the text is not what the speaker read: nothing more to check on it
        return (Issue("transcript_encoding", BAD, item.text_error),)
    # Bad audio's duration says nothing about the speech (a truncated copy, a silent file).
    return check_transcript(item.text, None if checked.bad else checked.duration)


def _truncated(promised, held, rate):
    promise = f"the header promises {promised} frames ({promised / rate:.3f} s)"
    return Issue("truncated", BAD, f"{promise} but the file holds {held} ({held / rate:.3f} s)")


def _any_bad(issues):
    return any(issue.severity == BAD for issue in issues)


def _sample_issues(wav, rate):
    if not np.all(np.isfinite(wav)):
        return [Issue("nonfinite", BAD, "samples contain NaN or inf")]
    if not np.any(wav):
        return [Issue("silent", BAD, "digital silence (every sample is zero)")]
    level = loud_frames_dbfs(wav, sample_rate=rate)
    if level < MIN_SPEECH_DBFS:
        reach = f"the loudest frames reach {level:.1f} dBFS (speech needs {MIN_SPEECH_DBFS:g} dBFS)"
        return [Issue("no_speech", BAD, f"no speech-level energy: {reach}")]
    clipped = int(np.count_nonzero(np.abs(wav) >= CLIP_LEVEL))
    if clipped > MAX_CLIPPED_FRACTION * wav.size:
        return [Issue("clipping", WARNING, f"{clipped} samples ({clipped / wav.size:.1%}) at full scale")]
    return []


def _check_all(paths, *, decode, jobs):
    check = partial(check_audio, decode=decode)
    progress = partial(tqdm, total=len(paths), desc="checking", unit="file", disable=None)
    if jobs > 1 and len(paths) >= PARALLEL_MIN_FILES:
        # spawn, not fork: the parent may already hold torch's threads, which fork can deadlock.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            return list(progress(pool.map(check, paths, chunksize=32)))
    return [check(path) for path in progress(paths)]


def _relative(path, root):
    path = Path(path)
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
