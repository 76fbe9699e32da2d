"""The duration model's loss."""

import torch


def masked_mse(predicted, target, lengths):
    """Mean squared error over the valid positions only: [batch, max_len] each, `lengths` [batch]."""
    mask = torch.arange(predicted.shape[1], device=predicted.device)[None, :] < lengths[:, None]
    return ((predicted - target) ** 2 * mask).sum() / mask.sum().clamp(min=1)
