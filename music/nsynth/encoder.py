"""The autoencoder's temporal encoder (NSynth, Engel et al. 2017): non-causal dilated
convolutions with residual connections over the waveform, a 1x1 down to the code size, and an
average pool to one code every `hop` samples.

Every convolution is a "valid" one (no padding), so a sample's encoding depends on the input
within `reach` samples of it and on nothing else; `encode_audio` sets a signal in silence (zeros
for `reach` samples on each side) before it runs. A frame of codes computed from any crop of that
silence-padded signal with `reach` samples of margin therefore equals the whole signal's (what
lets training encode a crop, and long files encode in windows: tests/test_nsynth_model.py)."""

import torch
import torch.nn.functional as F
from torch import nn


class EncoderLayer(nn.Module):
    """ReLU, dilated convolution, ReLU, 1x1, added back to the input cropped to its length."""

    def __init__(self, channels, kernel_size, dilation):
        super().__init__()
        self.trim = (kernel_size - 1) // 2 * dilation
        self.dilated = nn.Conv1d(channels, channels, kernel_size, dilation=dilation)
        self.mix = nn.Conv1d(channels, channels, 1)

    def forward(self, x):
        """[batch, channels, time] -> [batch, channels, time - 2 * trim]."""
        return x[:, :, self.trim : x.shape[-1] - self.trim] + self.mix(F.relu(self.dilated(F.relu(x))))


class Encoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.input = nn.Conv1d(1, config.channels, config.kernel_size)
        self.layers = nn.ModuleList(EncoderLayer(config.channels, config.kernel_size, d) for d in config.dilations)
        self.codes = nn.Conv1d(config.channels, config.code_dim, 1)

    def forward(self, audio):
        """audio [batch, frames * hop + 2 * reach] -> codes [batch, frames, code_dim]: the code of a
        frame is the average over its hop samples, each seeing `reach` samples either side."""
        x = self.input(audio[:, None])
        for layer in self.layers:
            x = layer(x)
        return F.avg_pool1d(self.codes(x), self.config.hop).transpose(1, 2)


def frames_of(samples, hop):
    """Code frames covering `samples` samples (the last frame padded with silence)."""
    return -(-samples // hop)


def encode_audio(encoder, audio, *, window_frames=1024):
    """Codes [frames, code_dim] of one waveform [samples] (a tensor), the last frame padded with
    silence. Runs in windows of `window_frames` frames (with `reach` samples of margin), so a
    10-minute file needs no more memory than a 30-second one; equal to one pass over the whole."""
    config = encoder.config
    frames = frames_of(len(audio), config.hop)
    padded = F.pad(audio, (config.reach, frames * config.hop - len(audio) + config.reach))
    pieces = []
    with torch.no_grad():
        for first in range(0, frames, window_frames):
            last = min(first + window_frames, frames)
            window = padded[first * config.hop : last * config.hop + 2 * config.reach]
            pieces.append(encoder(window[None])[0])
    return torch.cat(pieces) if pieces else torch.zeros(0, config.code_dim)
