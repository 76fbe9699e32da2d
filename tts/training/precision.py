"""Mixed precision: autocast on CUDA (bf16 where supported, else fp16 with loss scaling), and bf16
inference where the hardware runs it natively."""

import contextlib
import functools
from pathlib import Path

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


def inference_dtype(device):
    """bf16 where the hardware has native bf16 math (CUDA that supports it; CPUs with AVX512-BF16
    or AMX), else None: emulated bf16 on other CPUs is slower than float32."""
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else None
    return torch.bfloat16 if device.type == "cpu" and _cpu_has_native_bf16() else None


@functools.cache
def _cpu_has_native_bf16():
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").split()
    except OSError:  # not Linux: stay in float32
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def lstm_in_float32(lstm, inputs, state=None):
    """(output, state) of `lstm` over `inputs` with a CPU autocast off, in float32: oneDNN builds no
    bf16 LSTM on CPUs without AVX-512 ("could not create a primitive descriptor"), where a model
    trained in the CPU bf16 autocast would otherwise fail. A CUDA autocast is left as it is."""
    with torch.autocast("cpu", enabled=False):
        return lstm(inputs.float(), state)
