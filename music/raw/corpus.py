"""The audio a music WaveNet learns from: a folder of wav, flac and ogg files at any rate, mono or
stereo, read at 16 kHz mono (resampled with soxr, channels averaged) and cached once as int16
beside the folder (`<folder>.cache/audio-16000/`, tts.feature_cache), then split into training and
held-out files.

A folder may list its files in pieces.json, as `tts music bootstrap` writes it (render_corpus.py):

    {"files": [{"file": "piano/bwv1.6.wav", "piece": "bach/bwv1.6.mxl", "instrument": "piano",
                "split": "train"}, ...]}

Its split is then the one used (whole pieces held out: a piece's renderings all fall on one side),
and its instruments are what the models are conditioned on. Without one, every audio file under
the folder is a piece of its own with no instrument, and tts.corpora.holdout holds out a
`fraction` of them.

A file that cannot be decoded, or is silent, or too short, is skipped and reported, one line each;
a folder with no usable file is an error.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from tts.atomic import write_text_atomic
from tts.corpora.holdout import holdout_split
from tts.errors import AudioFormatError, TTSError
from tts.feature_cache import INT16_SCALE, audio_cache_dir, cached_audio, load_cached_audio

SAMPLE_RATE = 16_000  # of everything in music.raw: the corpus, the models, generation
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg")
PIECES_FILE = "pieces.json"
SPLITS = ("train", "held_out")
SILENT_PEAK = 10 ** (-60 / 20)  # a file whose loudest sample stays under -60 dBFS holds nothing to learn
MIN_SECONDS = 0.1


@dataclass(frozen=True)
class AudioFile:
    id: str  # its path inside the corpus folder
    piece: str  # what it plays: a score's id, or the file itself
    instrument: str  # "" when the corpus names none
    split: str = "train"  # "train" or "held_out"; a folder without pieces.json splits when prepared


@dataclass(frozen=True)
class CachedFile:
    id: str
    instrument: str
    path: Path  # the int16 waveform at SAMPLE_RATE (.npy)
    samples: int

    def audio(self, start=0, stop=None):
        """Samples [start, stop) as float32 in [-1, 1)."""
        return load_cached_audio(self.path, start, stop)


def write_pieces(folder, files):
    """Write `folder`/pieces.json listing `files` (AudioFiles), atomically."""
    rows = [{"file": f.id, "piece": f.piece, "instrument": f.instrument, "split": f.split} for f in files]
    write_text_atomic(Path(folder) / PIECES_FILE, json.dumps({"files": rows}, indent=1) + "\n")


def read_pieces(path):
    """The AudioFiles a pieces.json lists; a one-line TTSError naming it when it is not one."""
    try:
        rows = json.loads(Path(path).read_text(encoding="utf-8"))["files"]
        files = [AudioFile(row["file"], row["piece"], row["instrument"], row["split"]) for row in rows]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise TTSError(f"{path}: not a listing of audio files ({type(error).__name__}: {error})") from None
    wrong = sorted({f.split for f in files} - set(SPLITS))
    if wrong:
        raise TTSError(f"{path}: split must be one of {SPLITS}, got {wrong}")
    return files


def list_files(corpus):
    """The AudioFiles of a corpus folder: its pieces.json, or every audio file under it."""
    folder = Path(corpus)
    if not folder.is_dir():
        raise TTSError(f"corpus {corpus!r} is not a folder (of wav, flac or ogg files; `tts music bootstrap` makes one)")
    if (folder / PIECES_FILE).is_file():
        return read_pieces(folder / PIECES_FILE)
    paths = sorted(p for p in folder.rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES and p.is_file())
    if not paths:
        raise TTSError(f"{folder}: no audio files ({', '.join(AUDIO_SUFFIXES)}) in it")
    return [AudioFile(str(p.relative_to(folder)), str(p.relative_to(folder)), "") for p in paths]


def prepare_corpus(corpus, *, fraction, cache_dir="", progress=False):
    """(training files, held-out files, {file id: why it was skipped}), as CachedFiles. A folder
    without pieces.json holds out `fraction` of its usable files (whole files)."""
    folder = Path(corpus).resolve()
    listed = list_files(folder)
    cache = audio_cache_dir(folder, SAMPLE_RATE, cache_dir)
    usable, skipped = [], {}
    for entry in tqdm(listed, desc="reading audio", unit="file", disable=not progress, leave=False):
        try:
            usable.append((entry, _cached(folder / entry.id, cache / f"{entry.id}.npy", entry)))
        except AudioFormatError as error:
            skipped[entry.id] = str(error).removeprefix(f"{folder / entry.id}: ")
    if not usable:
        raise TTSError(f"{folder}: none of its {len(listed)} audio files is usable ({len(skipped)} skipped)")
    if (folder / PIECES_FILE).is_file():
        train = [cached for entry, cached in usable if entry.split == "train"]
        held_out = [cached for entry, cached in usable if entry.split == "held_out"]
    else:
        train, held_out = holdout_split([cached for _, cached in usable], fraction, group=lambda item: None)
    return train, held_out, skipped


def _cached(path, npy_path, entry):
    """The CachedFile of one listed file; AudioFormatError when it is unusable."""
    if not path.is_file():
        raise AudioFormatError(f"{path}: listed in {PIECES_FILE} but not found")
    samples = cached_audio(path, npy_path, SAMPLE_RATE)
    if samples < MIN_SECONDS * SAMPLE_RATE:
        raise AudioFormatError(f"{path}: {samples / SAMPLE_RATE:.3f} s is shorter than {MIN_SECONDS} s")
    if np.abs(np.load(npy_path, mmap_mode="r")).max(initial=0) < SILENT_PEAK * INT16_SCALE:
        raise AudioFormatError(f"{path}: silent (no sample reaches -60 dBFS)")
    return CachedFile(entry.id, entry.instrument, npy_path, samples)


def corpus_instruments(files):
    """The instruments the files name, sorted: what a model is conditioned on (none for fewer than two)."""
    names = sorted({f.instrument for f in files})
    if "" in names and len(names) > 1:
        raise TTSError("some files of the corpus name an instrument and some do not; name one for every file")
    return tuple(names) if len(names) > 1 else ()
