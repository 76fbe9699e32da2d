"""Spectral distances between a waveform and its reference, sample-aligned (a reconstruction):
magnitudes only, so a different phase costs nothing.

- Multi-resolution STFT distance (Yamamoto et al. 2020, Parallel WaveGAN's loss as a figure): at
  each resolution, spectral convergence plus the mean absolute log-magnitude difference; averaged.
- Log-spectral distance: per frame, the RMS over bins of the dB power difference; averaged over
  frames (the NSynth paper's reconstruction figure).
"""

import numpy as np

RESOLUTIONS = ((512, 128), (1024, 256), (2048, 512))  # (n_fft, hop); Hann windows of n_fft
FLOOR = 1e-7  # magnitude floor: the log of silence stays finite


def _magnitudes(wav, n_fft, hop):
    import librosa

    return np.abs(librosa.stft(np.asarray(wav, dtype=np.float32), n_fft=n_fft, hop_length=hop, window="hann"))


def _paired(wav, reference):
    wav, reference = np.asarray(wav, dtype=np.float32), np.asarray(reference, dtype=np.float32)
    if wav.ndim != 1 or reference.ndim != 1 or not len(reference):
        raise ValueError(f"expected two non-empty waveforms [samples], got shapes {wav.shape}, {reference.shape}")
    length = min(len(wav), len(reference))
    return wav[:length], reference[:length]


def multi_resolution_stft_distance(wav, reference, *, resolutions=RESOLUTIONS):
    """Mean over resolutions of ‖|S| − |R|‖_F / ‖R‖_F + mean |log |S| − log |R||."""
    wav, reference = _paired(wav, reference)
    total = 0.0
    for n_fft, hop in resolutions:
        s, r = _magnitudes(wav, n_fft, hop), _magnitudes(reference, n_fft, hop)
        convergence = np.linalg.norm(s - r) / max(np.linalg.norm(r), FLOOR)
        log_distance = np.mean(np.abs(np.log(np.maximum(s, FLOOR)) - np.log(np.maximum(r, FLOOR))))
        total += convergence + log_distance
    return float(total / len(resolutions))


def log_spectral_distance(wav, reference, *, n_fft=2048, hop=512):
    """Mean over frames of the RMS over bins of 10 log10 |S|² − 10 log10 |R|², in dB."""
    wav, reference = _paired(wav, reference)
    s, r = _magnitudes(wav, n_fft, hop), _magnitudes(reference, n_fft, hop)
    difference = 20 * (np.log10(np.maximum(s, FLOOR)) - np.log10(np.maximum(r, FLOOR)))
    return float(np.mean(np.sqrt(np.mean(difference**2, axis=0))))
