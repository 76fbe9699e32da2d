"""The acoustic model's config: nested dataclasses, saved whole into every checkpoint.

Defaults are sized to train on a 2-core CPU (about 5.6 M parameters with the English inventory);
FastSpeech 2's paper sizes are hidden 256, FFN 1024 with kernel 9, postnet 512 channels.
"""

from dataclasses import dataclass, field

from tts.errors import TTSError
from tts.features import FeatureSpec


@dataclass
class TransformerConfig:
    """A stack of FFT blocks (self-attention + convolutional feed-forward), for encoder or decoder."""

    layers: int = 4  # FFT blocks
    hidden: int = 192  # width of the states between blocks
    heads: int = 2  # attention heads; must divide hidden
    ffn_kernel: int = 3  # kernel of the feed-forward's first convolution (odd: keeps the length)
    ffn_channels: int = 512  # inner width of the feed-forward
    dropout: float = 0.1

    def __post_init__(self):
        if self.hidden % self.heads:
            raise TTSError(f"TransformerConfig: heads ({self.heads}) must divide hidden ({self.hidden})")
        _require_odd(self.ffn_kernel, "TransformerConfig.ffn_kernel")


@dataclass
class VarianceConfig:
    """The phoneme-level pitch and energy predictors and the embeddings of their values."""

    channels: int = 192  # width of each predictor's convolutions
    kernel: int = 3  # predictor convolution kernel (odd)
    layers: int = 2  # predictor convolutions
    dropout: float = 0.5  # high, as in FastSpeech 2: the predictors overfit quickly
    embedding_kernel: int = 3  # conv that embeds a value sequence, so a value sees its neighbours (FastPitch)

    def __post_init__(self):
        _require_odd(self.kernel, "VarianceConfig.kernel")
        _require_odd(self.embedding_kernel, "VarianceConfig.embedding_kernel")


@dataclass
class PostnetConfig:
    """Tacotron 2's residual postnet (LayerNorm instead of BatchNorm, so padding cannot leak)."""

    layers: int = 5  # convolutions; 0 = no postnet
    channels: int = 192  # width of the inner convolutions
    kernel: int = 5  # odd
    dropout: float = 0.5

    def __post_init__(self):
        _require_odd(self.kernel, "PostnetConfig.kernel")


@dataclass
class AcousticConfig:
    symbols: tuple[str, ...] = ()  # the phoneme inventory, in id order; set from it when training starts
    inventory_version: str = ""
    speakers: tuple[str, ...] = ()  # speaker ids in embedding order
    n_mels: int = FeatureSpec.n_mels  # set from the FeatureSpec when training starts
    speaker_dim: int = 64  # speaker embedding, projected to the encoder width and added to its output
    encoder: TransformerConfig = field(default_factory=TransformerConfig)  # over phonemes
    decoder: TransformerConfig = field(default_factory=TransformerConfig)  # over frames
    variance: VarianceConfig = field(default_factory=VarianceConfig)
    postnet: PostnetConfig = field(default_factory=PostnetConfig)
    # Phoneme pitch is the mean natural-log F0 (Hz) over the phoneme's voiced frames, stored as
    # (value - pitch_mean) / pitch_std; 0 (the mean) for a phoneme without voiced frames.
    # Training sets mean and std from the voiced frames of the training set.
    pitch_mean: float = 0.0
    pitch_std: float = 1.0
    # Phoneme energy is the mean over its frames of a natural-log amplitude (e.g. log of the frame's
    # mel magnitude norm), normalized the same way; log amplitude makes `energy_scale` an offset.
    energy_mean: float = 0.0
    energy_std: float = 1.0


def _require_odd(kernel, name):
    if kernel < 1 or kernel % 2 == 0:
        raise TTSError(f"{name} must be a positive odd number (same-length convolution), got {kernel}")
