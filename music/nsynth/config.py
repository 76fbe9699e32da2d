"""Configs of the NSynth-style WaveNet autoencoder and of `tts nsynth train`, stored in every
checkpoint and run folder.

The sizes are NSynth's shape scaled to a 2-core CPU: the paper's encoder has 30 layers of 128
channels and its decoder 30 layers of 512; here both are small enough to train thousands of
steps in an hour on one core (BENCHMARKS.md "NSynth-style autoencoder")."""

import math
from dataclasses import dataclass, field

from music.nsynth.period import order_for
from tts.errors import TTSError
from tts.training import TrainConfig
from vocoders.wavenet.config import ConditioningConfig, ExcitationConfig, StackConfig, WaveNetConfig
from vocoders.wavenet.excitation import checked_injected_noise

SAMPLE_RATE = 16000
PITCHES = 128  # MIDI notes: the decoder's optional pitch one-hot
# the period predictor's loop raises DC by 1 / (1 - period_gain): generation blocks the draws' DC
# (vocoders.wavenet.config.ExcitationConfig.dc_pole) at this -3 dB point, below A0's 27.5 Hz
DC_BLOCK_HZ = 20.0


@dataclass
class EncoderConfig:
    """Non-causal dilated convolutions with residual connections, then a 1x1 to the code size and
    an average pool over `hop` samples (NSynth's temporal encoder)."""

    layers: int = 10
    cycle: int = 10  # dilations 1, 2, ..., 2**(cycle-1), then again
    kernel_size: int = 3  # centred: sees the past and the future alike
    channels: int = 32
    code_dim: int = 8  # learnt values per code: with the 8 envelope bands, NSynth's 16 values
    hop: int = 512  # samples per code: 32 ms at 16 kHz

    def __post_init__(self):
        for name in ("layers", "cycle", "channels", "code_dim", "hop"):
            if getattr(self, name) < 1:
                raise TTSError(f"encoder.{name} must be at least 1, got {getattr(self, name)}")
        if self.kernel_size < 3 or self.kernel_size % 2 == 0:
            raise TTSError(f"encoder.kernel_size must be odd and at least 3, got {self.kernel_size}")

    @property
    def dilations(self):
        return [2 ** (layer % self.cycle) for layer in range(self.layers)]

    @property
    def reach(self):
        """Samples on each side of a sample that its encoding depends on: the input convolution's
        and every dilated layer's."""
        return (self.kernel_size - 1) // 2 * (1 + sum(self.dilations))


def _decoder():
    # receptive field 2,047 samples (128 ms): eight periods of the lowest corpus note (C2, 65 Hz)
    return WaveNetConfig(
        stack=StackConfig(layers=20, cycle=10, kernel_size=2, residual_channels=32, gate_channels=64, skip_channels=32),
        conditioning=ConditioningConfig(upsample_scales=(8, 8, 8)),
    )


@dataclass
class AutoencoderConfig:
    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    # vocoders.wavenet's conditional WaveNet; its local conditioning is the codes (and the pitch
    # one-hot), so conditioning.n_mels is set from them and upsample_scales must multiply to the hop
    decoder: WaveNetConfig = field(default_factory=_decoder)
    pitch_conditioning: bool = True  # also condition the decoder on the note's pitch (one-hot, as NSynth did)
    # the decoder predicts only what the period leaves (period.py): e[t] = s[t] - gain · s[t - P] at
    # the pitch's period P; needs pitch_conditioning, as the period comes from the pitch
    period_prediction: bool = True
    # below 1, so what sampling adds to one period fades over the next ones: the loop raises
    # independent draws by 1 / sqrt(1 - gain²), 5 times at 0.98 (10 times at 0.995: BENCHMARKS.md)
    period_gain: float = 0.98
    lowest_pitch: int = 21  # the predictor holds periods down to this MIDI note (A0: 582 samples at 16 kHz)
    # with period prediction, the decoder models x[t] = s[t] - α s[t - 1] and generation de-emphasizes,
    # so the white part of its draws comes out with a falling spectrum, as notes have (LPCNet's choice;
    # without it, early decoders' notes had centroids near 3 kHz whatever the input: BENCHMARKS.md)
    preemphasis: float = 0.85
    # each code ends with the frame's log-mel in this many bands, after the encoder's learnt values
    # (envelope.py), and the decoder's predictor filters by that envelope's LPC of envelope_order
    # before the period: timbre that follows the codes (0: learnt values alone, no envelope filter)
    envelope_mels: int = 8
    envelope_order: int = 16
    sample_rate: int = SAMPLE_RATE

    def __post_init__(self):
        hop = math.prod(self.decoder.conditioning.upsample_scales)
        if hop != self.encoder.hop:
            raise TTSError(f"decoder.conditioning.upsample_scales multiply to {hop}; they must give encoder.hop "
                           f"({self.encoder.hop})")
        if self.decoder.conditioning.speakers:
            raise TTSError("the autoencoder's decoder takes no speakers")
        if self.period_prediction and not self.pitch_conditioning:
            raise TTSError("period_prediction needs pitch_conditioning: the period comes from the pitch")
        if not 0 < self.period_gain <= 1 or not 0 <= self.lowest_pitch < PITCHES or not 0 <= self.preemphasis < 1:
            raise TTSError(f"period_gain must be in (0, 1], lowest_pitch a MIDI note and preemphasis in [0, 1), got "
                           f"{self.period_gain}, {self.lowest_pitch}, {self.preemphasis}")
        if self.envelope_mels < 0 or not 1 <= self.envelope_order <= 64:
            raise TTSError(f"envelope_mels must be >= 0 and envelope_order in 1..64, got {self.envelope_mels}, "
                           f"{self.envelope_order}")
        # derived, never set by hand
        self.decoder.conditioning.n_mels = self.conditioning_dim
        self.decoder.excitation = ExcitationConfig(lpc_order=self.predictor_order,
                                                   preemphasis=self.preemphasis if self.predictor_order else 0.0,
                                                   dc_pole=self.dc_pole)

    @property
    def dc_pole(self):
        """R of the DC blocker on the decoder's draws (vocoders.wavenet.config.ExcitationConfig): at
        DC_BLOCK_HZ with a period predictor, none without."""
        return math.exp(-2 * math.pi * DC_BLOCK_HZ / self.sample_rate) if self.period_prediction else 0.0

    @property
    def period_order(self):
        """Coefficients of the decoder's period predictor (0 without one)."""
        return order_for(self.lowest_pitch, self.sample_rate) if self.period_prediction else 0

    @property
    def predictor_order(self):
        """Coefficients of the decoder's whole predictor: the envelope's cascaded with the period's."""
        return self.envelope_order * bool(self.envelope_mels) + self.period_order

    @property
    def code_size(self):
        """Values per code: the encoder's learnt ones, then the envelope's bands."""
        return self.encoder.code_dim + self.envelope_mels

    @property
    def conditioning_dim(self):
        """Values per frame the decoder reads: the code, then the pitch one-hot."""
        return self.code_size + PITCHES * self.pitch_conditioning


@dataclass
class NSynthDataConfig:
    corpus: str = "data/nsynth"  # a folder holding nsynth-train/ (and nsynth-valid/, nsynth-test/): NSynth's layout
    window: int = 4096  # samples decoded per training item: a random frame-aligned crop of a note
    # training notes quieter than this RMS (dBFS) over their first 3 s are left out: NSynth keeps
    # notes whose sample ran out early, and a silent crop teaches nothing
    min_level_db: float = -60.0
    held_out_notes: int = 64  # test-split notes scored every train.eval_every steps (a fixed, spread choice)
    # LPCNet's noise injection: each training crop's past draws moved by up to this many μ-law levels
    # (uniform) of the normalized excitation, the target leading back to the true note (0: off)
    injected_noise: float = 0.0

    def __post_init__(self):
        if self.window < 512 or self.held_out_notes < 0:
            raise TTSError(f"data.window must be at least 512 and data.held_out_notes >= 0, got "
                           f"{self.window}, {self.held_out_notes}")
        checked_injected_noise(self.injected_noise)


@dataclass
class NSynthRun:
    data: NSynthDataConfig = field(default_factory=NSynthDataConfig)
    model: AutoencoderConfig = field(default_factory=AutoencoderConfig)
    train: TrainConfig = field(default_factory=lambda: TrainConfig(
        out_dir="exp/nsynth", max_steps=8000, batch_size=8, lr=1e-3, warmup_steps=200, lr_decay="cosine",
        min_lr_ratio=0.05, checkpoint_every=500, log_every=50, eval_every=500, amp="bf16"))
