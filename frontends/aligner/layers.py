"""Layers the aligner and the duration model share: a masked stack of 1-D convolutions."""

from dataclasses import dataclass

import torch
from torch import nn

from tts.masking import sequence_mask


@dataclass
class ConvStackConfig:
    channels: int = 256
    kernel_size: int = 3
    layers: int = 3
    dropout: float = 0.1


class ConvBlock(nn.Module):
    """Conv -> ReLU -> LayerNorm -> dropout, residual when the widths match."""

    def __init__(self, in_channels, out_channels, kernel_size, dropout):
        super().__init__()
        self.conv = nn.Conv1d(in_channels, out_channels, kernel_size, padding=kernel_size // 2)
        self.norm = nn.LayerNorm(out_channels)
        self.dropout = nn.Dropout(dropout)
        self.residual = in_channels == out_channels

    def forward(self, x, mask):
        """x [batch, channels, time], mask [batch, 1, time] (1 on valid steps)."""
        y = torch.relu(self.conv(x * mask))
        y = self.dropout(self.norm(y.transpose(1, 2)).transpose(1, 2))
        return (x + y if self.residual else y) * mask


class ConvStack(nn.Module):
    def __init__(self, in_channels, out_channels, config):
        super().__init__()
        widths = [in_channels] + [config.channels] * config.layers
        self.blocks = nn.ModuleList(
            ConvBlock(a, b, config.kernel_size, config.dropout) for a, b in zip(widths, widths[1:])
        )
        self.project = nn.Conv1d(config.channels, out_channels, 1)

    def forward(self, x, mask, condition=None):
        """`condition` [batch, channels, 1], when given, is added after the first block."""
        for index, block in enumerate(self.blocks):
            x = block(x, mask)
            if index == 0 and condition is not None:
                x = x + condition
        return self.project(x) * mask


def channel_mask(lengths, size):
    """[batch, 1, size] float, for [batch, channels, time] tensors: 1 on each item's first `length` steps."""
    return sequence_mask(lengths, size).unsqueeze(1).float()
