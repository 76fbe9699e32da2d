"""What one request of the audio tabs ("Morph (NSynth)", "Music (audio)") needs alike: checks of the
temperature and the seed (the messages the "Music (notes)" tab gives), the bundled models that are
installed, a model loaded once per version of its file, an uploaded file's errors told by its own
name, and 16-bit samples for the page.
"""

import functools
from pathlib import Path

import numpy as np

from tts.errors import TTSError

MAX_TEMPERATURE = 2.0


def is_whole(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer()


def temperature_problem(temperature):
    if not isinstance(temperature, (int, float)) or not 0 <= temperature <= MAX_TEMPERATURE:  # NaN fails too
        return f"temperature must be from 0 to {MAX_TEMPERATURE:g}, got {temperature!r}"


def seed_problem(seed):
    if not is_whole(seed) or seed < 0:
        return f"seed must be a whole number, 0 or more, got {seed!r}"


def installed(bundled):
    """{name: weights file} of the bundled models (`bundled`: {name: path}) that exist."""
    return {name: path for name, path in bundled.items() if Path(path).is_file()}


@functools.lru_cache(maxsize=4)
def _loaded(loader, path, mtime_ns, size):
    return loader(path)


def cached_model(loader, path, *, what):
    """loader(path), loaded once per version of the file (its mtime and size); `what` names the
    model in the error when the file cannot be read ("autoencoder", "music model")."""
    try:
        stat = Path(path).stat()
    except OSError as error:
        raise TTSError(f"{what} {path} cannot be read: {error.strerror}") from None
    return _loaded(loader, str(path), stat.st_mtime_ns, stat.st_size)


def upload_error(error, path, name):
    """A TTSError about the file at `path` (an upload in Gradio's cache) told by `name`, the name
    the user knows, so that the server's folders never reach the page."""
    return TTSError(str(error).replace(str(path), name))


def pcm16(wav):
    """float samples in [-1, 1] (clipped) as int16: what the page's audio player gets."""
    return np.round(np.clip(wav, -1.0, 1.0) * 32767).astype(np.int16)
