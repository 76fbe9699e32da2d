"""Run configs of `tts music train`: the corpus, the model (the vocoder's WaveNet without local
conditioning, or a sample-level LSTM of the same size) and the shared loop's settings, stored as
YAML in each run folder."""

from dataclasses import dataclass, field

from tts.corpora.holdout import HOLDOUT_FRACTION
from tts.errors import TTSError
from tts.training import TrainConfig
from vocoders.wavenet.config import ConditioningConfig, StackConfig, WaveNetConfig

MODELS = ("wavenet", "lstm")


@dataclass
class RawDataConfig:
    corpus: str = "data/music"  # a folder of audio: `tts music bootstrap`'s chorales, or any wav / flac / ogg files
    cache_dir: str = ""  # "" = <corpus folder>.cache beside it: the audio at 16 kHz, decoded once
    segment: int = 8000  # samples a training item predicts (0.5 s), from a random place in a training file
    instruments: bool = True  # condition on the instrument when the corpus (its pieces.json) names two or more
    # the held-out figure (bits per sample) every train.eval_every steps: windows spread evenly over
    # the held-out files, each heard for eval_context samples (the WaveNet's receptive field: every
    # scored sample sees all it can) before eval_samples scored ones
    eval_windows: int = 48
    eval_context: int = 4096
    eval_samples: int = 2048

    def __post_init__(self):
        if self.segment < 16 or self.eval_windows < 1 or self.eval_samples < 1 or self.eval_context < 0:
            raise TTSError(f"data.segment must be at least 16, data.eval_windows and eval_samples at least 1, "
                           f"data.eval_context at least 0; got {self.segment}, {self.eval_windows}, "
                           f"{self.eval_samples}, {self.eval_context}")


def music_wavenet_config():
    """The vocoder's WaveNet, sized for a 2-core CPU: two cycles of dilations 1..1024, a receptive
    field of 4,095 samples (256 ms at 16 kHz; a beat at 90 bpm is 667 ms), no mel (n_mels 0). Its
    upsample_scales only set the chunks generation streams (hop 256: 2,048 samples a chunk)."""
    return WaveNetConfig(
        stack=StackConfig(layers=22, cycle=11, kernel_size=2, residual_channels=32, gate_channels=64, skip_channels=64),
        conditioning=ConditioningConfig(n_mels=0, speaker_dim=16),
    )


@dataclass
class SampleLSTMConfig:
    """μ-law class embedding, stacked LSTM, softmax over the μ-law classes. The default hidden size
    gives the default music WaveNet's parameter count, with four instruments, within 2 %
    (tests/test_music_raw_models.py)."""

    embedding: int = 64
    hidden: int = 105
    layers: int = 2
    mulaw_channels: int = 256
    instruments: tuple[str, ...] = ()  # set from the corpus when training starts; () = no conditioning
    # samples of a prime it reads at most: what it learnt from, set from data.segment when training starts
    context: int = 8000

    def __post_init__(self):
        self.instruments = tuple(self.instruments)


@dataclass
class MusicWaveNetRun:
    data: RawDataConfig = field(default_factory=RawDataConfig)
    model: WaveNetConfig = field(default_factory=music_wavenet_config)  # speakers: the corpus's instruments
    holdout_fraction: float = HOLDOUT_FRACTION  # of a folder's files, when it has no pieces.json (which sets its own)
    train: TrainConfig = field(default_factory=lambda: _music_training("exp/music/wavenet"))


@dataclass
class SampleLSTMRun:
    data: RawDataConfig = field(default_factory=RawDataConfig)
    model: SampleLSTMConfig = field(default_factory=SampleLSTMConfig)
    holdout_fraction: float = HOLDOUT_FRACTION
    train: TrainConfig = field(default_factory=lambda: _music_training("exp/music/lstm"))


RUN_CONFIGS = {"wavenet": MusicWaveNetRun, "lstm": SampleLSTMRun}


def _music_training(out_dir):
    return TrainConfig(out_dir=out_dir, max_steps=2000, batch_size=8, lr=1e-3, warmup_steps=100, lr_decay="cosine",
                       min_lr_ratio=0.05, checkpoint_every=250, log_every=25, eval_every=200, amp="bf16")
