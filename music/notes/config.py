"""Run configs of `tts midi train`: the corpus, the model (a note-level WaveNet or an LSTM of the
same size) and the shared loop's settings, stored as YAML in each run folder."""

from dataclasses import dataclass, field

from music.notes.events import TEXTURES
from music.notes.tokens import TOKENS
from tts.corpora.holdout import HOLDOUT_FRACTION
from tts.errors import TTSError
from tts.training import TrainConfig
from vocoders.wavenet.config import StackConfig

MODELS = ("wavenet", "lstm")


@dataclass
class NotesDataConfig:
    corpus: str = "bach"  # "bach": music21's Bach chorales; or a folder of MIDI / MusicXML / Humdrum files
    texture: str = "chords"  # chords: every part's pitches per slice; melody: the top one alone
    window: int = 512  # tokens a training item holds at most: a random crop of a longer piece
    transpose: int = 5  # each training item shifts by a random whole number of semitones in ±transpose; 0: off

    def __post_init__(self):
        if self.texture not in TEXTURES:
            raise TTSError(f"data.texture must be one of {TEXTURES}, got {self.texture!r}")
        if self.window < 8 or not 0 <= self.transpose <= 12:
            raise TTSError(f"data.window must be at least 8 and data.transpose in 0..12, got "
                           f"{self.window}, {self.transpose}")


def _note_stack():
    # receptive field 511 tokens: a whole training window, about 100 chords of a chorale
    return StackConfig(layers=16, cycle=8, kernel_size=2, residual_channels=64, gate_channels=128, skip_channels=64)


@dataclass
class NoteWaveNetConfig:
    """Embedding, dilated causal convolutions (vocoders.wavenet's layers, without conditioning),
    softmax over the tokens."""

    stack: StackConfig = field(default_factory=_note_stack)
    vocabulary: int = len(TOKENS)
    texture: str = "chords"  # set from data.texture when training starts: what a prime is read as


@dataclass
class NoteLSTMConfig:
    """Embedding, stacked LSTM, softmax over the tokens. The default hidden size gives the default
    note WaveNet's parameter count within 1 % (tests/test_midi_models.py)."""

    embedding: int = 64
    hidden: int = 168
    layers: int = 2
    dropout: float = 0.0  # between LSTM layers
    vocabulary: int = len(TOKENS)
    texture: str = "chords"  # set from data.texture when training starts


@dataclass
class NoteWaveNetRun:
    data: NotesDataConfig = field(default_factory=NotesDataConfig)
    model: NoteWaveNetConfig = field(default_factory=NoteWaveNetConfig)
    holdout_fraction: float = HOLDOUT_FRACTION  # of the pieces, held out whole
    train: TrainConfig = field(default_factory=lambda: _note_training("exp/midi/wavenet"))


@dataclass
class NoteLSTMRun:
    data: NotesDataConfig = field(default_factory=NotesDataConfig)
    model: NoteLSTMConfig = field(default_factory=NoteLSTMConfig)
    holdout_fraction: float = HOLDOUT_FRACTION
    train: TrainConfig = field(default_factory=lambda: _note_training("exp/midi/lstm"))


RUN_CONFIGS = {"wavenet": NoteWaveNetRun, "lstm": NoteLSTMRun}


def _note_training(out_dir):
    return TrainConfig(out_dir=out_dir, max_steps=3000, batch_size=16, lr=2e-3, warmup_steps=100,
                       lr_decay="cosine", min_lr_ratio=0.05, checkpoint_every=250, log_every=25, eval_every=100,
                       amp="bf16")  # bf16 autocast halves a step on CPU as on GPU
