"""Writing synthesized audio piece by piece, so long texts never sit in memory whole.

    with open_wav_writer("out.wav", 22050) as writer:    # or "-" for standard output
        for chunk in voice.stream(text):
            writer.write(chunk.audio)

A file is written to a temporary name beside it and renamed when the block ends without error, so
a failed or interrupted synthesis (or a full disk) leaves no partial file. An output that is a
symbolic link is written through: the file it points at is replaced, and the link stays. Standard output gets
16-bit PCM WAV: a header with the real length when `streaming` is off (the audio is held until
the end), or an open-ended header (the length fields set to their maximum, which players and sox
read as "until the end of the stream") when it is on, with every chunk flushed as it comes.
"""

import contextlib
import errno
import os
import shutil
import struct
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile

from tts.atomic import atomic_path
from tts.errors import TTSError, UsageError

FORMATS = {".wav": ("WAV", "PCM_16"), ".flac": ("FLAC", "PCM_16")}
OPEN_ENDED = 0xFFFFFFFF
FULL_DISK_BYTES = 64 * 1024  # less free space than this after a failed write: the disk filled up


def check_output_path(output):
    """Refuse an output that cannot be written before any synthesis runs."""
    if output == "-":
        return
    path = _written_path(output)
    if path.is_dir():
        raise UsageError(f"{path} is a directory; give a file name such as {path / 'out.wav'}")
    if path.suffix.lower() not in FORMATS:
        raise UsageError(f"{path}: unsupported audio extension {path.suffix!r}; use .wav or .flac (or - for stdout)")
    parent = path.parent
    if not parent.is_dir():
        raise UsageError(f"{path}: the folder {parent} does not exist")
    try:  # the one sure test of writability (permissions, read-only mounts, ACLs) is to try
        handle, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=parent)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    os.close(handle)
    os.unlink(probe)


@contextlib.contextmanager
def open_wav_writer(output, sample_rate, *, streaming=False):
    if output == "-":
        try:
            writer = _StdoutWriter(sample_rate, streaming)
            yield writer
            writer.finish()
        except BrokenPipeError:
            raise  # the reader left: the CLI ends quietly
        except OSError as error:
            raise TTSError(f"cannot write standard output: {_reason(error, None)}") from None
        return
    path = _written_path(output)
    audio_format, subtype = FORMATS[Path(output).suffix.lower()]
    try:
        with atomic_path(path) as tmp:
            with soundfile.SoundFile(str(tmp), "w", sample_rate, 1, subtype, format=audio_format) as sound:
                yield _FileWriter(sound)
    except (OSError, soundfile.SoundFileError) as error:
        raise TTSError(f"cannot write {path}: {_reason(error, path.parent)}; nothing was written") from None


def _written_path(output):
    """The file to replace: a symbolic link's target (the link stays), else the path itself."""
    path = Path(output)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _reason(error, folder):
    """What went wrong, in words; libsndfile says only "System error." when the disk fills up."""
    if getattr(error, "errno", None) == errno.ENOSPC or (folder is not None and _is_full(folder)):
        return "the disk is full"
    return getattr(error, "strerror", None) or str(error)


def _is_full(folder):
    try:
        return shutil.disk_usage(folder).free < FULL_DISK_BYTES
    except OSError:
        return False


class _FileWriter:
    def __init__(self, sound):
        self.sound = sound

    def write(self, audio):
        self.sound.write(_clipped(audio))


class _StdoutWriter:
    def __init__(self, sample_rate, streaming):
        self.sample_rate = sample_rate
        self.streaming = streaming
        self.held = []
        self.out = sys.stdout.buffer
        if streaming:
            self.out.write(wav_header(sample_rate, None))
            self.out.flush()

    def write(self, audio):
        pcm = pcm16(audio)
        if self.streaming:
            self.out.write(pcm)
            self.out.flush()
        else:
            self.held.append(pcm)

    def finish(self):
        if not self.streaming:
            data = b"".join(self.held)
            self.out.write(wav_header(self.sample_rate, len(data)) + data)
        self.out.flush()


def wav_header(sample_rate, data_bytes):
    """The 44-byte header of mono 16-bit PCM WAV; `data_bytes` None for an open-ended stream."""
    data_size = OPEN_ENDED if data_bytes is None else data_bytes
    riff_size = OPEN_ENDED if data_bytes is None else 36 + data_bytes
    return (
        b"RIFF" + struct.pack("<I", riff_size) + b"WAVE"
        + b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, sample_rate, sample_rate * 2, 2, 16)
        + b"data" + struct.pack("<I", data_size)
    )


def pcm16(audio):
    """float audio -> little-endian 16-bit PCM bytes, clipped to full scale."""
    return (_clipped(audio) * 32767.0).round().astype("<i2").tobytes()


def _clipped(audio):
    return np.clip(np.asarray(audio, dtype=np.float32), -1.0, 1.0)

