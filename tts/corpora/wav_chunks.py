"""How much of a WAV file's audio is really there.

libsndfile reads a WAV that was cut short (an interrupted copy, a full disk) without an error: it
reports the frames the file still holds, so the duration and the samples look fine. The RIFF header
still says how many bytes the `data` chunk was written with; this compares that with the file's size.
"""

import struct
from typing import NamedTuple

# Streaming writers leave the data size at 0 or 0xFFFFFFFF when they cannot seek back to fill it in;
# such files promise nothing to compare with.
UNKNOWN_SIZES = (0, 0xFFFFFFFF)


class Truncation(NamedTuple):
    promised: int  # frames the header's data chunk declares
    held: int  # frames the file still holds
    sample_rate: int


def wav_truncation(path):
    """A Truncation when a RIFF/WAVE file holds fewer frames than its header promises; None otherwise.

    Files that are not RIFF/WAVE, or whose chunks cannot be walked to `data`, give None: the decoder
    reports those.
    """
    with open(path, "rb") as stream:
        head = stream.read(12)
        if head[:4] != b"RIFF" or head[8:] != b"WAVE":  # RIFX (big-endian) and RF64 are left to the decoder
            return None
        size = stream.seek(0, 2)
        offset, fmt = 12, None
        while offset + 8 <= size:
            stream.seek(offset)
            chunk, length = struct.unpack("<4sI", stream.read(8))
            if chunk == b"fmt ":
                fmt = stream.read(16)
            elif chunk == b"data":
                return _shortfall(fmt, length, held_bytes=size - offset - 8)
            offset += 8 + length + (length & 1)  # chunks are padded to an even length
    return None


def _shortfall(fmt, promised_bytes, *, held_bytes):
    if fmt is None or len(fmt) < 16 or promised_bytes in UNKNOWN_SIZES:
        return None
    _, _, sample_rate, _, block_align = struct.unpack("<HHIIH", fmt[:14])
    if block_align == 0 or sample_rate == 0:
        return None
    promised, held = promised_bytes // block_align, held_bytes // block_align
    return Truncation(promised, held, sample_rate) if held < promised else None
