"""Audio I/O and level processing on NumPy float32 arrays.

Waveforms are float32 in [-1, 1], shaped [samples] (mono) or [channels, samples]. Every function
validates its input and raises a one-line AudioFormatError naming the file or the problem.
"""

from dataclasses import dataclass
from pathlib import Path

import librosa
import numpy as np
import soundfile
import soxr

from tts.atomic import atomic_path
from tts.errors import AudioFormatError

SUBTYPES = {".wav": "PCM_16", ".flac": "PCM_16"}


@dataclass(frozen=True)
class AudioInfo:
    sample_rate: int
    channels: int
    frames: int

    @property
    def duration(self):
        return self.frames / self.sample_rate


def info(path):
    """Header information without decoding the samples."""
    path = Path(path)
    if not path.is_file():
        raise AudioFormatError(f"{path}: no such audio file")
    try:
        header = soundfile.info(str(path))
    except (soundfile.LibsndfileError, RuntimeError) as error:
        raise AudioFormatError(f"{path}: not a readable audio file ({_reason(error)})") from None
    return AudioInfo(sample_rate=header.samplerate, channels=header.channels, frames=header.frames)


def load(path, *, sample_rate=None, mono=True):
    """Read an audio file as float32; resample to `sample_rate` (soxr) and downmix when asked.

    Returns (wav, sample_rate). wav is [samples] when mono, else [channels, samples].
    """
    path = Path(path)
    if not path.is_file():
        raise AudioFormatError(f"{path}: no such audio file")
    try:
        data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError) as error:
        raise AudioFormatError(f"{path}: not a readable audio file ({_reason(error)})") from None
    wav = data.T  # [channels, samples]
    if mono:
        wav = to_mono(wav)
    if sample_rate is not None and sample_rate != rate:
        wav = resample(wav, orig_sr=rate, target_sr=sample_rate)
        rate = sample_rate
    return np.ascontiguousarray(wav, dtype=np.float32), rate


def to_mono(wav):
    """Average the channels of a [channels, samples] array; a 1-D array is returned as is."""
    wav = np.asarray(wav, dtype=np.float32)
    return wav if wav.ndim == 1 else wav.mean(axis=0)


def resample(wav, *, orig_sr, target_sr):
    """High-quality resampling with soxr; works on [samples] or [channels, samples]."""
    wav = np.asarray(wav, dtype=np.float32)
    if orig_sr == target_sr:
        return wav
    if wav.ndim == 1:
        return soxr.resample(wav, orig_sr, target_sr, quality="HQ").astype(np.float32)
    return soxr.resample(wav.T, orig_sr, target_sr, quality="HQ").T.astype(np.float32)


def band_limit(wav, *, sample_rate, cutoff_hz):
    """[samples] without what lies above `cutoff_hz`: down to twice the cutoff and back, through
    soxr's anti-alias filter; same length. At 22,050 Hz with an 8 kHz cutoff: -0.01 dB at 7 kHz,
    -5.7 dB at 7.6 kHz, -140 dB from 8 kHz on."""
    wav = np.asarray(wav, dtype=np.float32)
    if 2 * cutoff_hz >= sample_rate:
        return wav
    low = resample(resample(wav, orig_sr=sample_rate, target_sr=2 * cutoff_hz), orig_sr=2 * cutoff_hz, target_sr=sample_rate)
    return np.pad(low[: len(wav)], (0, max(len(wav) - len(low), 0)))


def normalize_peak(wav, *, peak=0.95):
    """Scale so that the largest absolute sample equals `peak`; silence is returned unchanged."""
    wav = np.asarray(wav, dtype=np.float32)
    top = float(np.max(np.abs(wav))) if wav.size else 0.0
    return wav if top == 0.0 else wav * np.float32(peak / top)


def rms_dbfs(wav):
    """Loudness as RMS level in dB relative to full scale (-inf for silence)."""
    wav = np.asarray(wav, dtype=np.float64)
    rms = np.sqrt(np.mean(wav**2)) if wav.size else 0.0
    return -np.inf if rms == 0.0 else 20.0 * np.log10(rms)


def normalize_loudness(wav, *, target_dbfs=-23.0, peak_limit=0.99):
    """Scale to an RMS level of `target_dbfs`, reduced if needed so no sample exceeds `peak_limit`."""
    wav = np.asarray(wav, dtype=np.float32)
    level = rms_dbfs(wav)
    if not np.isfinite(level):
        return wav
    gain = 10.0 ** ((target_dbfs - level) / 20.0)
    top = float(np.max(np.abs(wav)))
    gain = min(gain, peak_limit / top)
    return wav * np.float32(gain)


def speech_bounds(wav, *, sample_rate, top_db=40.0, keep_ms=50.0):
    """(start, end) samples of the audio louder than `top_db` below the peak, widened by `keep_ms`.

    Returned separately from trim_silence so callers can shift timestamps by the cut.
    """
    wav = np.asarray(wav, dtype=np.float32)
    if wav.ndim != 1:
        raise AudioFormatError("trimming expects a mono [samples] array")
    frame = max(16, int(sample_rate * 0.025))
    hop = max(4, frame // 4)
    _, (start, end) = librosa.effects.trim(wav, top_db=top_db, frame_length=frame, hop_length=hop)
    margin = int(sample_rate * keep_ms / 1000.0)
    return max(0, start - margin), min(len(wav), end + margin)


def trim_silence(wav, *, sample_rate, top_db=40.0, keep_ms=50.0):
    """Cut leading and trailing audio quieter than `top_db` below the peak, keeping `keep_ms` margins."""
    start, end = speech_bounds(wav, sample_rate=sample_rate, top_db=top_db, keep_ms=keep_ms)
    return np.asarray(wav, dtype=np.float32)[start:end]


def save(path, wav, sample_rate, *, subtype=None):
    """Write audio atomically (temp file + rename); the format follows the extension (.wav, .flac)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUBTYPES:
        raise AudioFormatError(f"{path}: unsupported audio extension {suffix!r}; use one of {sorted(SUBTYPES)}")
    wav = np.asarray(wav, dtype=np.float32)
    if not np.all(np.isfinite(wav)):
        raise AudioFormatError(f"{path}: refusing to save audio that contains NaN or inf")
    data = np.clip(wav.T if wav.ndim == 2 else wav, -1.0, 1.0)
    with atomic_path(path) as tmp:
        soundfile.write(str(tmp), data, sample_rate, subtype=subtype or SUBTYPES[suffix], format=suffix[1:].upper())


def _reason(error):
    # libsndfile prefixes "Error opening '<path>': "; the path is already in our message.
    text = str(error).strip().splitlines()
    last = text[-1] if text else type(error).__name__
    return last.split("': ", 1)[-1]
