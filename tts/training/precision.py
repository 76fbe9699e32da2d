"""Mixed precision: autocast on CUDA (bf16 where supported, else fp16 with loss scaling)."""

import contextlib

import torch

from tts.errors import TTSError


def autocast_dtype(amp, device):
    """The autocast dtype for `amp` on `device`, or None for full precision."""
    if amp == "off" or (amp == "auto" and device.type != "cuda"):
        return None
    if amp == "auto":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if amp == "fp16" and device.type != "cuda":
        raise TTSError("amp 'fp16' needs a CUDA device; use amp 'bf16' or 'off' on CPU")
    return torch.bfloat16 if amp == "bf16" else torch.float16


def autocast(dtype, device):
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device.type, dtype=dtype)


def grad_scaler(dtype, device):
    """Loss scaling keeps fp16 gradients from underflowing; disabled it passes everything through."""
    return torch.amp.GradScaler(device.type, enabled=dtype == torch.float16)
