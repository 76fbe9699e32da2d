"""The response formats: how synthesized chunks become bytes on the wire.

wav and pcm stream: each chunk is sent as it is rendered (wav opens with a header whose lengths are
set to "until the end of the stream", as `tts synth --stream -o -` writes it). flac needs its
totals in its header, so it is encoded once the whole text is rendered.
"""

import io

import numpy as np
import soundfile

from tts.wav_writer import pcm16, wav_header

MEDIA_TYPES = {"wav": "audio/wav", "pcm": "audio/L16", "flac": "audio/flac"}
STREAMING = frozenset({"wav", "pcm"})


def stream_start(response_format, sample_rate):
    return wav_header(sample_rate, None) if response_format == "wav" else b""


def stream_chunk(audio):
    return pcm16(audio)


def whole_file(response_format, audio, sample_rate):
    """A complete file: a wav with its real lengths, a flac, or raw pcm."""
    if response_format == "pcm":
        return pcm16(audio)
    buffer = io.BytesIO()  # from the same 16-bit samples as wav and pcm (libsndfile would scale by 32768)
    soundfile.write(buffer, np.frombuffer(pcm16(audio), dtype="<i2"), sample_rate, subtype="PCM_16",
                    format=response_format.upper())
    return buffer.getvalue()
