"""Frame-level F0 aligned with the mel frames of a FeatureSpec (WORLD's DIO + StoneMask, pyworld).

Mel frame k covers samples [k * hop, (k + 1) * hop) and is centred at (k + 0.5) * hop; WORLD
places its frame i at i * frame_period. So the analysis runs on the clip without its first half
hop, with frame_period = hop / rate: WORLD frame k then sits at the centre of mel frame k.
n samples give n // hop values, like the mel; 0 marks unvoiced frames.
"""

import warnings

import numpy as np

from tts.errors import AudioFormatError

F0_FLOOR = 60.0  # Hz: below the lowest speaking voices
F0_CEIL = 600.0  # Hz: above the highest


def frame_f0(wav, spec, *, f0_floor=F0_FLOOR, f0_ceil=F0_CEIL):
    """F0 in Hz [n // hop] float32 of a mono clip at spec.sample_rate, 0 where unvoiced."""
    pyworld = import_pyworld()
    wav = np.asarray(wav, dtype=np.float64)
    n_frames = len(wav) // spec.hop_length
    if wav.ndim != 1 or n_frames == 0:
        raise AudioFormatError(f"expected a mono clip of at least one hop, got shape {wav.shape}")
    period_ms = 1000.0 * spec.hop_length / spec.sample_rate
    shifted = wav[spec.hop_length // 2 :]
    coarse, times = pyworld.dio(shifted, spec.sample_rate, f0_floor=f0_floor, f0_ceil=f0_ceil, frame_period=period_ms)
    f0 = pyworld.stonemask(shifted, coarse, times, spec.sample_rate)
    return np.pad(f0, (0, max(n_frames - len(f0), 0)))[:n_frames].astype(np.float32)


def import_pyworld():
    """pyworld, imported without the warning it raises about the deprecated pkg_resources."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        import pyworld
    return pyworld
