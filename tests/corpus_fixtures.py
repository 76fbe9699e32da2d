"""Factories for tiny corpora in the real LJSpeech and VCTK layouts, and for broken audio files.

Audio is a sine tone with a little noise, a few seconds at most: about as long as its transcript takes
to read, since preflight checks the speaking rate.
"""

from pathlib import Path

import numpy as np
import soundfile

LJ_RATE = 22050
VCTK_RATE = 48000
VCTK_SECONDS = 2.0  # long enough for VCTK_TRANSCRIPTS at a reading pace (8-22 characters a second)


def tone(seconds, sample_rate, *, channels=1, seed=0):
    """[samples] (mono) or [samples, channels] float32: a 220 Hz sine at -10 dBFS plus faint noise."""
    n = int(round(seconds * sample_rate))
    t = np.arange(n) / sample_rate
    wav = 0.3 * np.sin(2 * np.pi * 220.0 * t) + 0.01 * np.random.default_rng(seed).standard_normal(n)
    wav = wav.astype(np.float32)
    return wav if channels == 1 else np.stack([wav] * channels, axis=1)


def write_tone(path, seconds=0.3, sample_rate=LJ_RATE, *, channels=1, seed=0):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(path), tone(seconds, sample_rate, channels=channels, seed=seed), sample_rate, subtype="PCM_16")
    return path


def make_ljspeech(root, rows, *, audio=None, seconds=0.3):
    """An LJSpeech-1.1 folder. `rows` are metadata lines (id, text, normalized); `audio` lists the ids
    that get a wav (default: every row's)."""
    root = Path(root)
    (root / "wavs").mkdir(parents=True, exist_ok=True)
    lines = ["|".join(row) for row in rows]
    (root / "metadata.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for index, key in enumerate(audio if audio is not None else [row[0] for row in rows]):
        write_tone(root / "wavs" / f"{key}.wav", seconds, LJ_RATE, seed=index)
    return root


def make_vctk(root, transcripts, *, audio, version="0.92", speaker_info=None, seconds=0.3):
    """A VCTK folder. `transcripts` maps utterance id -> text (speaker = the id before "_");
    `audio` lists ids that get audio (mic1 and mic2 flac in 0.92, wav in 0.80)."""
    root = Path(root)
    for key, text in transcripts.items():
        path = root / "txt" / key.split("_")[0] / f"{key}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    for index, key in enumerate(audio):
        speaker = key.split("_")[0]
        if version == "0.92":
            for mic in ("mic1", "mic2"):
                path = root / "wav48_silence_trimmed" / speaker / f"{key}_{mic}.flac"
                write_tone(path, seconds, VCTK_RATE, seed=index)
        else:
            write_tone(root / "wav48" / speaker / f"{key}.wav", seconds, VCTK_RATE, seed=index)
    if speaker_info is not None:
        (root / "speaker-info.txt").write_text(speaker_info, encoding="utf-8")
    return root


LJ_ROWS = [
    ("LJ001-0001", "Printing, in the only sense with which we are at present concerned,",
     "Printing, in the only sense with which we are at present concerned,"),
    ("LJ001-0002", 'He said "it\'s 1 o\'clock," and left.', 'He said "it\'s one o\'clock," and left.'),
    ("LJ001-0003", "This row has no wav file.", "This row has no wav file."),
]


def ljspeech_corpus(root):
    """Two good utterances (one with quotes), one row without audio, one wav without a row.

    Each lasts about as long as its text takes to read (54 and 25 characters: 13.5 and 10 a second)."""
    make_ljspeech(root, LJ_ROWS, audio=["LJ001-0001", "LJ001-0002", "LJ999-0001"], seconds=4.0)
    write_tone(Path(root) / "wavs" / "LJ001-0002.wav", 2.5, LJ_RATE)  # a second duration to check
    return Path(root)


VCTK_TRANSCRIPTS = {
    "p225_001": "Please call Stella.",
    "p225_002": "Ask her to bring these things with her from the store.",
    "p226_001": "Please call Stella.",
    "p226_009": "This transcript has no audio.",
}
VCTK_AUDIO = ["p225_001", "p225_002", "p226_001", "p315_001"]  # p315: audio without text

SPEAKER_INFO_092 = """ID  AGE  GENDER  ACCENTS  REGION COMMENTS
p225  23  F    English    Southern  England
p226  22  M    English
p315  18  M    American    Connecticut  (text missing)
"""
SPEAKER_INFO_080 = """ID  AGE  GENDER  ACCENTS  REGION
225  23  F    English    Southern  England
226  22  M    English    Surrey
"""


def vctk_corpus(root, version="0.92"):
    info = SPEAKER_INFO_092 if version == "0.92" else SPEAKER_INFO_080
    return make_vctk(root, VCTK_TRANSCRIPTS, audio=VCTK_AUDIO, version=version, speaker_info=info, seconds=VCTK_SECONDS)
