"""The acoustic model's layers: FFT blocks (FastSpeech), variance predictors, the length regulator.

Tensors are [batch, time, channels]; masks are [batch, time] bool, True on valid steps. Every
layer zeroes what it reads from padding, so a padded batch computes what each item would alone.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

from tts.masking import sequence_mask


def sinusoidal_positions(length, channels, *, device=None):
    """[length, channels] sines and cosines of geometrically spaced wavelengths (Vaswani et al.)."""
    positions = torch.arange(length, device=device, dtype=torch.float32)[:, None]
    frequencies = torch.exp(torch.arange(0, channels, 2, device=device) * (-math.log(10000.0) / channels))
    table = torch.zeros(length, channels, device=device)
    table[:, 0::2] = torch.sin(positions * frequencies)
    table[:, 1::2] = torch.cos(positions * frequencies[: channels // 2])
    return table


class SelfAttention(nn.Module):
    """Multi-head self-attention over the valid steps only (padded keys are never attended)."""

    def __init__(self, hidden, heads, dropout):
        super().__init__()
        self.heads = heads
        self.dropout = dropout
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.out = nn.Linear(hidden, hidden)

    def forward(self, x, mask):
        batch, time, hidden = x.shape
        q, k, v = self.qkv(x).view(batch, time, 3, self.heads, -1).permute(2, 0, 3, 1, 4)
        y = F.scaled_dot_product_attention(
            q, k, v, attn_mask=mask[:, None, None, :], dropout_p=self.dropout if self.training else 0.0
        )
        return self.out(y.transpose(1, 2).reshape(batch, time, hidden))


class FFTBlock(nn.Module):
    """FastSpeech's feed-forward Transformer block: attention then a conv feed-forward, each
    residual and post-LayerNorm."""

    def __init__(self, config):
        super().__init__()
        self.attention = SelfAttention(config.hidden, config.heads, config.dropout)
        self.attention_norm = nn.LayerNorm(config.hidden)
        self.feed_forward = nn.Sequential(
            nn.Conv1d(config.hidden, config.ffn_channels, config.ffn_kernel, padding=config.ffn_kernel // 2),
            nn.ReLU(),
            nn.Conv1d(config.ffn_channels, config.hidden, 1),
        )
        self.feed_forward_norm = nn.LayerNorm(config.hidden)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x, mask):
        keep = mask[..., None]
        x = self.attention_norm(x + self.dropout(self.attention(x, mask))) * keep
        y = self.feed_forward(x.transpose(1, 2)).transpose(1, 2)
        return self.feed_forward_norm(x + self.dropout(y)) * keep


class Transformer(nn.Module):
    """Sinusoidal positions added to the input, then a stack of FFT blocks (a TransformerConfig)."""

    def __init__(self, config):
        super().__init__()
        self.blocks = nn.ModuleList(FFTBlock(config) for _ in range(config.layers))

    def forward(self, x, mask):
        x = (x + sinusoidal_positions(x.shape[1], x.shape[2], device=x.device)) * mask[..., None]
        for block in self.blocks:
            x = block(x, mask)
        return x


class VariancePredictor(nn.Module):
    """FastSpeech 2's predictor: (conv -> ReLU -> LayerNorm -> dropout) x layers -> linear; one
    value per step, 0 on padding."""

    def __init__(self, in_channels, config):
        super().__init__()
        widths = [in_channels] + [config.channels] * config.layers
        self.convs = nn.ModuleList(
            nn.Conv1d(a, b, config.kernel, padding=config.kernel // 2) for a, b in zip(widths, widths[1:])
        )
        self.norms = nn.ModuleList(nn.LayerNorm(config.channels) for _ in range(config.layers))
        self.dropout = nn.Dropout(config.dropout)
        self.project = nn.Linear(config.channels, 1)

    def forward(self, x, mask):
        keep = mask[..., None]
        for conv, norm in zip(self.convs, self.norms):
            x = torch.relu(conv((x * keep).transpose(1, 2))).transpose(1, 2)
            x = self.dropout(norm(x))
        return self.project(x)[..., 0] * mask


class ValueEmbedding(nn.Module):
    """A sequence of scalars (pitch or energy per phoneme) -> [batch, time, hidden] by a convolution."""

    def __init__(self, hidden, kernel):
        super().__init__()
        self.conv = nn.Conv1d(1, hidden, kernel, padding=kernel // 2)

    def forward(self, values, mask):
        return self.conv((values * mask)[:, None]).transpose(1, 2) * mask[..., None]


class Postnet(nn.Module):
    """Tacotron 2's postnet: convolutions over the mel that return a residual to add to it."""

    def __init__(self, n_mels, config):
        super().__init__()
        widths = [n_mels] + [config.channels] * (config.layers - 1) + [n_mels]
        self.convs = nn.ModuleList(
            nn.Conv1d(a, b, config.kernel, padding=config.kernel // 2) for a, b in zip(widths, widths[1:])
        )
        self.norms = nn.ModuleList(nn.LayerNorm(width) for width in widths[1:-1])
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, mel, mask):
        keep = mask[..., None]
        x = mel
        for index, conv in enumerate(self.convs):
            x = conv((x * keep).transpose(1, 2)).transpose(1, 2)
            if index < len(self.norms):
                x = self.dropout(torch.tanh(self.norms[index](x)))
        return x * keep


def regulate_length(hidden, durations):
    """Repeat each step of `hidden` [batch, tokens, channels] `durations` [batch, tokens] times.

    Returns frames [batch, max_frames, channels] (0 past each item's end) and frame lengths
    [batch]. A zero duration gives no frames, so padding tokens must have duration 0.
    """
    ends = durations.long().cumsum(1)
    frame_lengths = ends[:, -1]
    steps = torch.arange(int(frame_lengths.max()), device=hidden.device)
    # frame t belongs to the first token that ends after it; zero-length tokens end where the one before does
    token = torch.searchsorted(ends, steps.expand(len(ends), -1).contiguous(), right=True)
    token = token.clamp(max=hidden.shape[1] - 1)
    frames = hidden.gather(1, token[..., None].expand(-1, -1, hidden.shape[2]))
    return frames * sequence_mask(frame_lengths, len(steps))[..., None], frame_lengths
