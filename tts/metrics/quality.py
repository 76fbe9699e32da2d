"""PESQ and STOI of a waveform against its reference, resampled as each measure requires.

PESQ (ITU-T P.862.2 wideband, the `pesq` package) runs at 16 kHz and scores 1.0 to 4.6; STOI
(`pystoi`) runs at 10 kHz internally and scores 0 to 1. Both need the two signals time-aligned
(copy-synthesis is); the longer one is cut to the shorter.
"""

import numpy as np

from tts import audio
from tts.errors import TTSError

PESQ_RATE = 16000


def _pair(wav, reference, sample_rate, target_rate=None):
    wav, reference = np.asarray(wav, dtype=np.float32), np.asarray(reference, dtype=np.float32)
    if target_rate and target_rate != sample_rate:
        wav = audio.resample(wav, orig_sr=sample_rate, target_sr=target_rate)
        reference = audio.resample(reference, orig_sr=sample_rate, target_sr=target_rate)
    n = min(len(wav), len(reference))
    if n == 0:
        raise TTSError("cannot score an empty waveform")
    return wav[:n], reference[:n]


def pesq_score(wav, reference, sample_rate):
    """Wideband PESQ (MOS-LQO) of `wav` against `reference`."""
    from pesq import pesq  # the optional [eval] extra

    wav, reference = _pair(wav, reference, sample_rate, PESQ_RATE)
    return float(pesq(PESQ_RATE, reference, wav, "wb"))


def stoi_score(wav, reference, sample_rate):
    """Short-time objective intelligibility of `wav` against `reference`."""
    from pystoi import stoi  # the optional [eval] extra

    wav, reference = _pair(wav, reference, sample_rate)
    return float(stoi(reference, wav, sample_rate, extended=False))
