"""The acoustic model's losses: small pure functions over padded batches, padding excluded.

Training combines them (with its own weights): mel_l1 on `mel` and on `postnet_mel` against the
target mel, masked_mse on the phoneme pitch and energy predictions against the true values,
log_f0_mse and voicing_bce on the frame head against the frame F0 (tts.pitch.frame_f0).
"""

import torch
from torch.nn import functional as F

from tts.masking import sequence_mask


def mel_l1(predicted, target, frame_lengths):
    """Mean absolute error over the valid frames and every mel bin: [batch, frames, n_mels] each."""
    mask = sequence_mask(frame_lengths, predicted.shape[1])[..., None]
    total = torch.where(mask, (predicted - target).abs(), 0.0).sum()
    return total / (mask.sum() * predicted.shape[2]).clamp(min=1)


def masked_mse(predicted, target, lengths):
    """Mean squared error over the valid steps: [batch, steps] each (phoneme pitch or energy)."""
    mask = sequence_mask(lengths, predicted.shape[1])
    return torch.where(mask, (predicted - target) ** 2, 0.0).sum() / mask.sum().clamp(min=1)


def log_f0_mse(log_f0, target_f0, frame_lengths):
    """Mean squared error of log-F0 over the voiced valid frames; target_f0 in Hz, 0 where unvoiced."""
    voiced = sequence_mask(frame_lengths, log_f0.shape[1]) & (target_f0 > 0)
    target = torch.where(voiced, target_f0, 1.0).log()  # log(1) stands in for unvoiced: no -inf anywhere
    return torch.where(voiced, (log_f0 - target) ** 2, 0.0).sum() / voiced.sum().clamp(min=1)


def voicing_bce(logits, target_f0, frame_lengths):
    """Binary cross-entropy of the voicing logits against target_f0 > 0, over the valid frames."""
    mask = sequence_mask(frame_lengths, logits.shape[1])
    losses = F.binary_cross_entropy_with_logits(logits, (target_f0 > 0).to(logits.dtype), reduction="none")
    return torch.where(mask, losses, 0.0).sum() / mask.sum().clamp(min=1)
