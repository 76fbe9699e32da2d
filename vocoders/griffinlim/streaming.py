"""Griffin-Lim in blocks, for low first-audio latency: each block of frames is reconstructed with
a few frames of look-ahead, and the audio already sent is held fixed while its phase is estimated
(the idea of RTISI-LA, Zhu et al. 2007), so blocks join without phase jumps.

librosa.griffinlim cannot hold samples fixed, so this is its loop (fast Griffin-Lim with momentum,
Perraudin et al. 2013) with one added step: after every inverse STFT the known samples are put back.
"""

import librosa
import numpy as np

from tts.mel import mel_to_magnitude, padding


def stream_griffinlim(log_mel, spec, *, block_frames, lookahead_frames, history_frames, iterations, momentum, rng):
    """Yield float32 blocks of the waveform of `log_mel` [frames, n_mels]; together they are
    frames * hop samples long, framed like GriffinLimVocoder.invert (no centering)."""
    hop, n_fft = spec.hop_length, spec.n_fft
    left, _ = padding(spec)
    frames = len(log_mel)
    magnitude = np.zeros((n_fft // 2 + 1, frames), dtype=np.float32)
    inverted = 0  # the mel inversion is per frame, and as costly as the phase search: do each frame once
    sent = np.zeros(frames * hop, dtype=np.float32)
    for start in range(0, frames, block_frames):
        stop = min(start + block_frames, frames)
        first = max(0, start - history_frames)
        last = min(frames, stop + lookahead_frames)
        if last > inverted:
            magnitude[:, inverted:last] = mel_to_magnitude(log_mel[inverted:last], spec)
            inverted = last
        # frame k of the window covers padded samples [k * hop, k * hop + n_fft); output sample 0 is padded sample `left`
        offset = first * hop - left  # output sample at window position 0
        length = (last - first - 1) * hop + n_fft
        known = np.arange(max(0, -offset), start * hop - offset)  # window positions of audio already sent
        window = _constrained_griffinlim(
            magnitude[:, first:last], spec, length, known, sent[known + offset], iterations, momentum, rng
        )
        block = window[start * hop - offset : stop * hop - offset]
        sent[start * hop : stop * hop] = block
        yield np.clip(block, -1.0, 1.0).astype(np.float32)


def _constrained_griffinlim(magnitude, spec, length, known, values, iterations, momentum, rng):
    options = dict(hop_length=spec.hop_length, win_length=spec.win_length, n_fft=spec.n_fft, center=False)
    angles = np.exp(2j * np.pi * rng.random(magnitude.shape)) * magnitude
    previous = None
    for _ in range(iterations):
        signal = librosa.istft(angles, length=length, **options)
        signal[known] = values
        rebuilt = librosa.stft(signal, **options)
        angles = rebuilt - (momentum / (1 + momentum)) * previous if previous is not None else rebuilt.copy()
        angles = angles / (np.abs(angles) + 1e-16) * magnitude
        previous = rebuilt
    signal = librosa.istft(angles, length=length, **options)
    signal[known] = values
    return signal
