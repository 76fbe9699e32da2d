"""The learned upsampler: frame-rate conditioning -> sample rate.

Each stage repeats every step `scale` times, then smooths with a learned kernel of 2 * scale + 1
taps that all channels share (r9y9's stretch layers). A shared linear filter commutes with any
per-layer 1x1 projection of the channels, so the model projects the mel for every layer at frame
rate and upsamples the projections: the same sum as upsampling the mel and projecting it at
sample rate, for a fraction of the work (tests/test_wavenet_model.py asserts the equality).

Frames beyond the input count as zero at every stage: the output is the stretch of the
zero-extended sequence, so a span computed with `context` extra frames on each side and cropped
equals the same span of the whole computation (how training segments and generation chunks
condition exactly as the whole utterance would).
"""

import math

import torch
import torch.nn.functional as F
from torch import nn


class Upsampler(nn.Module):
    def __init__(self, scales):
        super().__init__()
        self.scales = tuple(scales)
        # initialized to a moving average, so training starts from a smooth interpolation
        self.kernels = nn.ParameterList(nn.Parameter(torch.full((2 * s + 1,), 1.0 / (2 * s + 1))) for s in self.scales)

    @property
    def factor(self):
        return math.prod(self.scales)

    @property
    def context(self):
        return upsample_context(self.scales)

    def forward(self, x, *, trim=0):
        """[batch, frames, channels] -> [batch, (frames - 2 * trim) * factor, channels]: the
        samples of every frame but the first and last `trim`, which only condition the others.
        Time-major, as the model's layers are.

        The stages are linear and shift-invariant by whole frames, so sample r of frame f is a
        fixed mix of frames f - context .. f + context: one small matrix [factor, 2 * context + 1]
        applied to sliding windows of frames, forward and backward, instead of long convolutions
        over every channel at sample rate."""
        batch, frames, channels = x.shape
        context, window = self.context, 2 * self.context + 1
        phases = self.phases(dtype=x.dtype, device=x.device)
        padded = F.pad(x, (0, 0, context, context))
        windows = padded.unfold(1, window, 1)[:, trim : frames - trim]  # [batch, frames', channels, window]
        out = torch.matmul(phases, windows.transpose(-1, -2))  # [batch, frames', hop, channels]
        return out.flatten(1, 2)

    def phases(self, *, dtype=torch.float32, device=None):
        """[factor, 2 * context + 1]: row r holds the weights of frames f - context .. f + context
        in sample r of frame f (the centre frame's samples of the stretched identity)."""
        context, hop = self.context, self.factor
        stretched = self.stretch(torch.eye(2 * context + 1, dtype=dtype, device=device))
        return stretched[:, context * hop : (context + 1) * hop].t()

    def stretch(self, x):
        """The stages themselves on [rows, frames]: repeat, then the shared smoothing kernel
        (as shifted sums: on these small inputs they beat a 1-channel convolution's backward)."""
        for scale, kernel in zip(self.scales, self.kernels):
            x = x.repeat_interleave(scale, dim=-1)
            padded, length = F.pad(x, (scale, scale)), x.shape[-1]
            x = sum(kernel[k].to(x.dtype) * padded[:, k : k + length] for k in range(2 * scale + 1))
        return x


def upsample_context(scales):
    """Frames beyond each side of a span that its upsampled values depend on (rounded up): a span
    computed with this many extra frames and cropped equals the whole-mel computation."""
    reach, rate = 0.0, 1
    for scale in scales:
        rate *= scale
        reach += scale / rate  # each kernel reaches `scale` steps of its own output rate
    return math.ceil(reach) + 1  # + 1 for the rounding of each repeat
