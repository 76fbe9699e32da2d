"""WaveNet configs: nested dataclasses, stored as JSON in every checkpoint (tts.checkpoint)."""

import math
from dataclasses import dataclass, field

from tts.errors import TTSError

OUTPUTS = ("mulaw", "mol")
# a predictor's longest reach: linear prediction from a mel is 16 to 24, but the NSynth decoder's
# period predictor (music.nsynth.period) reaches a low note's whole period back
MAX_ORDER = 2048


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
class ExcitationConfig:
    """LPCNet-style excitation (Valin & Skoglund 2019): linear prediction from the mel (tts.lpc)
    carries the spectral envelope, and the network predicts only what it leaves, the excitation
    e[t] = x[t] - p[t] of the pre-emphasized signal x, from x[t - 1], p[t] and e[t - 1], or from
    e[t - 1] alone (ExcitNet, Song et al. 2019)."""

    lpc_order: int = 0  # 0: a plain WaveNet on the waveform; 16 to 24: the excitation model (the order of its predictor)
    preemphasis: float = 0.85  # x[t] = s[t] - α s[t - 1]; generation de-emphasizes
    lag_window_hz: float = 50.0  # Gaussian lag window: widens the formants' bandwidth, keeps filters stable
    # also read a sine at the frame F0 (0 where unvoiced, tts.source.sine_source) per sample: a cue
    # to the period, as in neural source-filter models; the vocoder then needs the utterance's F0
    f0_source: bool = False
    # true: x[t - 1] and p[t] beside e[t - 1] (LPCNet); false: e[t - 1] alone (ExcitNet), so the
    # network never hears the filtered signal, and a wrong draw cannot come back through the
    # synthesis filter's resonances as an input it never saw in training
    reads_signal: bool = True
    # generation passes the scaled draws v through a DC blocker, y[t] = v[t] - v[t - 1] + R y[t - 1],
    # with this R in [0, 1) before the synthesis filter (0: none; 1 - R ≈ 2π f / sample rate for a
    # -3 dB point f). A period predictor (music.nsynth) loops with gain g, which raises the draws'
    # slight bias by 1 / (1 - g), 50 at 0.98: a drift below the fundamental then held a third of
    # decoded notes' energy (BENCHMARKS.md). Training reads true signals and is unchanged. The
    # vocoder's LPC alone has no such loop.
    dc_pole: float = 0.0

    @property
    def inputs(self):
        """Values the network reads per sample: s[t - 1]; or x[t - 1], p[t] (when it reads the
        signal), e[t - 1] (and the sine)."""
        if not self.lpc_order:
            return 1
        return 1 + 2 * self.reads_signal + self.f0_source


@dataclass
class WaveNetConfig:
    stack: StackConfig = field(default_factory=StackConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    conditioning: ConditioningConfig = field(default_factory=ConditioningConfig)
    excitation: ExcitationConfig = field(default_factory=ExcitationConfig)

    def __post_init__(self):
        self.conditioning.upsample_scales = tuple(self.conditioning.upsample_scales)
        self.conditioning.speakers = tuple(self.conditioning.speakers)
        if self.output.kind not in OUTPUTS:
            raise TTSError(f"output.kind must be one of {OUTPUTS}, got {self.output.kind!r}")
        if self.stack.kernel_size not in (2, 3):
            raise TTSError(f"stack.kernel_size must be 2 or 3, got {self.stack.kernel_size}")
        if self.stack.gate_channels % 2:
            raise TTSError(f"stack.gate_channels must be even, got {self.stack.gate_channels}")
        if self.excitation.f0_source and not self.excitation.lpc_order:
            raise TTSError("excitation.f0_source needs an excitation model (excitation.lpc_order > 0)")
        if not self.excitation.reads_signal and not self.excitation.lpc_order:
            raise TTSError("excitation.reads_signal=false needs an excitation model (excitation.lpc_order > 0)")
        if self.excitation.lpc_order and self.output.kind != "mulaw":
            raise TTSError("an excitation WaveNet (excitation.lpc_order > 0) needs output.kind mulaw")
        if not 0 <= self.excitation.lpc_order <= MAX_ORDER or not 0 <= self.excitation.preemphasis < 1:
            raise TTSError(
                f"excitation.lpc_order must be in 0..{MAX_ORDER} and preemphasis in [0, 1), got "
                f"{self.excitation.lpc_order}, {self.excitation.preemphasis}"
            )
        if not 0 <= self.excitation.dc_pole < 1 or (self.excitation.dc_pole and not self.excitation.lpc_order):
            raise TTSError(f"excitation.dc_pole must be in [0, 1), and set only on an excitation model (lpc_order > 0), "
                           f"got {self.excitation.dc_pole}")
        for name in ("layers", "cycle", "residual_channels", "gate_channels", "skip_channels"):
            if getattr(self.stack, name) < 1:
                raise TTSError(f"stack.{name} must be at least 1, got {getattr(self.stack, name)}")

    @property
    def hop_length(self):
        return math.prod(self.conditioning.upsample_scales)
