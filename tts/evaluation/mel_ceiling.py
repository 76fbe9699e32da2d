"""What a log-mel leaves a vocoder to find: a recording rebuilt from its mel with its own phase.

A mel vocoder is given each frame's band levels and must make up the rest: the fine structure
within the bands and the phase. The magnitude the mel describes (the filterbank's non-negative
least-squares inverse, tts.mel.mel_to_magnitude) put back on the recording's own phase is what a
vocoder that got the phase right would give: the gap between the recordings and it is the mel's,
the gap between it and a vocoder's output is the vocoder's. `tts eval copy --mel-ceiling` scores it
as a reference row (on the bootstrap VCTK's 120 held-out utterances: WER 0.442 against the
recordings' 0.431 and Griffin-Lim's 0.453, PESQ 4.26; BENCHMARKS.md).
"""

import librosa
import numpy as np

from tts.mel import analysis_frames, analysis_window, mel_to_magnitude, padding


def mel_with_own_phase(wav, log_mel, spec):
    """[samples] float32: `wav` rebuilt from the magnitude of its log-mel [frames, n_mels]."""
    return with_own_phase(wav, mel_to_magnitude(log_mel, spec).T, spec)


def with_own_phase(wav, magnitude, spec):
    """[samples] float32: the frames mel_numpy analyses in `wav`, their magnitude replaced by
    `magnitude` [frames, n_fft // 2 + 1] and their phase kept, windowed again and overlap-added
    (weighted by the squared window, so the true magnitude gives `wav` back)."""
    spectrum = np.fft.rfft(analysis_frames(wav, spec), axis=1)
    left = padding(spec)[0]  # the frames start that far before the waveform
    padded = librosa.istft((magnitude * np.exp(1j * np.angle(spectrum))).T, hop_length=spec.hop_length,
                           n_fft=spec.n_fft, window=analysis_window(spec), center=False, length=left + len(wav))
    return padded[left:].astype(np.float32)
