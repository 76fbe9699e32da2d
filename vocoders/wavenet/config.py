"""WaveNet configs: nested dataclasses, stored as JSON in every checkpoint (tts.checkpoint)."""

import math
from dataclasses import dataclass, field

from tts.errors import TTSError

OUTPUTS = ("mulaw", "mol")


@dataclass
class StackConfig:
    """The dilated causal convolutions. Dilations double from 1 within each cycle."""

    layers: int = 20
    cycle: int = 10  # dilations 1, 2, ..., 2**(cycle-1), then again
    kernel_size: int = 2  # 2 or 3 taps, over the past only
    # The default voice's sizes: small enough to generate faster than real time on 2 CPU cores
    # (bench/wavenet_generation.py) and to train many steps on them.
    residual_channels: int = 32
    gate_channels: int = 64  # split in half: tanh · sigmoid
    skip_channels: int = 32

    @property
    def dilations(self):
        return [2 ** (layer % self.cycle) for layer in range(self.layers)]

    @property
    def receptive_field(self):
        """Samples of input that one output sees, itself included."""
        return (self.kernel_size - 1) * sum(self.dilations) + 1


@dataclass
class OutputConfig:
    """`mulaw`: a softmax over `mulaw_channels` μ-law classes. `mol`: a discretized mixture of
    `mixtures` logistics over `mol_bins` levels (PixelCNN++ / Parallel WaveNet)."""

    kind: str = "mulaw"  # converges in far fewer steps than "mol"
    mulaw_channels: int = 256
    mixtures: int = 10
    mol_bins: int = 65536  # 16-bit audio
    log_scale_min: float = -9.0  # floor of a logistic's log scale, so the density stays finite

    @property
    def channels(self):
        return self.mulaw_channels if self.kind == "mulaw" else 3 * self.mixtures


@dataclass
class ConditioningConfig:
    n_mels: int = 80  # set from the FeatureSpec when training starts
    # Learned upsampler: nearest repeat by each scale, then a learned smoothing kernel shared by all
    # channels; the scales multiply to the FeatureSpec's hop length.
    upsample_scales: tuple[int, ...] = (4, 4, 4, 4)
    speakers: tuple[str, ...] = ()  # speaker ids in embedding order; empty = no global conditioning
    speaker_dim: int = 32


@dataclass
class WaveNetConfig:
    stack: StackConfig = field(default_factory=StackConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    conditioning: ConditioningConfig = field(default_factory=ConditioningConfig)

    def __post_init__(self):
        self.conditioning.upsample_scales = tuple(self.conditioning.upsample_scales)
        self.conditioning.speakers = tuple(self.conditioning.speakers)
        if self.output.kind not in OUTPUTS:
            raise TTSError(f"output.kind must be one of {OUTPUTS}, got {self.output.kind!r}")
        if self.stack.kernel_size not in (2, 3):
            raise TTSError(f"stack.kernel_size must be 2 or 3, got {self.stack.kernel_size}")
        if self.stack.gate_channels % 2:
            raise TTSError(f"stack.gate_channels must be even, got {self.stack.gate_channels}")
        for name in ("layers", "cycle", "residual_channels", "gate_channels", "skip_channels"):
            if getattr(self.stack, name) < 1:
                raise TTSError(f"stack.{name} must be at least 1, got {getattr(self.stack, name)}")

    @property
    def hop_length(self):
        return math.prod(self.conditioning.upsample_scales)
