"""User-facing errors: each carries one line that says what was wrong and what to do.

The CLI prints `str(error)` and exits with `exit_code`; no traceback reaches the user for these.
"""


class TTSError(Exception):
    """Base for every error caused by the user's input rather than by a bug."""

    exit_code = 1


class UsageError(TTSError):
    """Bad command-line arguments or text (empty input, unknown speaker, ...)."""

    exit_code = 2


class AudioFormatError(TTSError):
    """A file that should hold audio cannot be decoded as audio."""


class CorruptCheckpointError(TTSError):
    """A checkpoint file is truncated, empty, of the wrong format, or unsafe to load."""


class SpecMismatchError(TTSError):
    """Two components were built for different FeatureSpecs."""


class PluginError(TTSError):
    """A vocoder plugin name is invalid, unknown, duplicated or failed to load."""


def undecodable_byte(error, data=None):
    """Where a UnicodeDecodeError happened, for a one-line message: 'byte 0xe9 at offset 3'.
    data: the bytes as read, when the codec decoded less of them (utf-8-sig drops a byte-order
    mark first, and counts its offsets after it), so the offset is the file's."""
    skipped = 0 if data is None else len(data) - len(error.object)
    return f"byte 0x{error.object[error.start]:02x} at offset {skipped + error.start}"


def checked_count(value, *, least, what, unit, error=TTSError):
    """`value` if it is a whole number (not a bool) of at least `least`; otherwise an `error` in one
    line naming `what` and its `unit` (a post-filter's periods or passes, an evaluation's seeds)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise error(f"{what} must be a whole number of {unit}, {least} or more, got {value!r}")
    return value
