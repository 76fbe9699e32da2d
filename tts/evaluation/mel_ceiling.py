"""What a log-mel leaves a vocoder to find: a recording rebuilt from its mel with its own phase.

A mel vocoder is given each frame's band levels and must make up the rest: the fine structure
within the bands and the phase. The magnitude the mel describes (the filterbank's non-negative
least-squares inverse, tts.mel.mel_to_magnitude) put back on the recording's own phase is what a
vocoder that got the phase right would give: the gap between the recordings and it is the mel's,
the gap between it and a vocoder's output is the vocoder's. `tts eval copy --mel-ceiling` scores it
as a reference row (on the bootstrap VCTK's 120 held-out utterances: WER 0.442 against the
recordings' 0.431 and Griffin-Lim's 0.453, PESQ 4.26; BENCHMARKS.md).
"""

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
    frames = np.fft.irfft(magnitude * np.exp(1j * np.angle(spectrum)), n=spec.n_fft, axis=1)
    window = analysis_window(spec)
    hop, left = spec.hop_length, padding(spec)[0]
    total, weight = np.zeros(len(frames) * hop + spec.n_fft), np.zeros(len(frames) * hop + spec.n_fft)
    for index, frame in enumerate(frames):
        total[index * hop : index * hop + spec.n_fft] += frame * window
        weight[index * hop : index * hop + spec.n_fft] += window**2
    out = total[left : left + len(wav)] / np.maximum(weight[left : left + len(wav)], 1e-12)
    return out.astype(np.float32)
