"""Finding and loading a music model: a bundled one by name ("wavenet", "lstm": music/raw/models/
<name>.safetensors, trained on the rendered chorales, when installed), a run folder of
`tts music train`, or a weights file."""

from pathlib import Path

from music.model_files import model_weights
from music.raw.lstm import KIND as LSTM_KIND
from music.raw.lstm import SampleLSTM
from music.raw.wavenet import KIND as WAVENET_KIND
from music.raw.wavenet import load_music_wavenet
from tts.checkpoint import load_weights
from tts.errors import TTSError
from vocoders.wavenet.model import WaveNet

BUNDLED_DIR = Path(__file__).resolve().parent / "models"
BUNDLED = {"wavenet": BUNDLED_DIR / "wavenet.safetensors", "lstm": BUNDLED_DIR / "lstm.safetensors"}
LOADERS = {WAVENET_KIND: load_music_wavenet, LSTM_KIND: SampleLSTM.load}


def load_music_model(model):
    """The music model (the WaveNet or the SampleLSTM, in eval mode) that `model` names."""
    path = model_weights(model, bundled=BUNDLED, kinds=LOADERS, command="tts music train")
    if not path.is_file():
        raise TTSError(f"the bundled model {model!r} is not installed ({path} is missing); "
                       "pass the run folder of a `tts music train`")
    kind = load_weights(path).kind
    if kind not in LOADERS:
        raise TTSError(f"{path} holds a {kind!r} model, not a music model ({', '.join(LOADERS)})")
    return LOADERS[kind](path)


def model_kind(model):
    return WAVENET_KIND if isinstance(model, WaveNet) else LSTM_KIND


def instruments_of(model):
    """The instrument names a model is conditioned on, in index order (() for none)."""
    return model.config.conditioning.speakers if isinstance(model, WaveNet) else model.config.instruments


def mulaw_channels(model):
    return model.config.output.mulaw_channels if isinstance(model, WaveNet) else model.config.mulaw_channels


def prime_context(model):
    """Samples of a prime a model can use: the WaveNet's receptive field; for the LSTM, the
    segment length it was trained on."""
    return model.receptive_field if isinstance(model, WaveNet) else model.config.context
