"""Masks for padded batches, shared by every model."""

import torch


def sequence_mask(lengths, size):
    """[batch, size] bool: True on each item's first `length` steps."""
    return torch.arange(size, device=lengths.device)[None, :] < lengths[:, None]
