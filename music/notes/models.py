"""Finding and loading a note model: a bundled one by name ("wavenet", "lstm": small models trained
on the Bach chorales, shipped in music/notes/models/), a run folder of `tts midi train`, or a
weights file."""

from pathlib import Path

from music.model_files import model_weights
from music.notes.lstm import KIND as LSTM_KIND
from music.notes.lstm import NoteLSTM
from music.notes.wavenet import KIND as WAVENET_KIND
from music.notes.wavenet import NoteWaveNet
from tts.checkpoint import load_weights
from tts.errors import TTSError

BUNDLED_DIR = Path(__file__).resolve().parent / "models"
BUNDLED = {"wavenet": BUNDLED_DIR / "wavenet.safetensors", "lstm": BUNDLED_DIR / "lstm.safetensors"}
CLASSES = {WAVENET_KIND: NoteWaveNet, LSTM_KIND: NoteLSTM}


def note_weights(model):
    """The weights file `model` names: a bundled model, a run folder's exported weights, or a file."""
    return model_weights(model, bundled=BUNDLED, kinds=CLASSES, command="tts midi train")


def load_note_model(model):
    """The note model (NoteWaveNet or NoteLSTM, in eval mode) that `model` names."""
    path = note_weights(model)
    kind = load_weights(path).kind
    if kind not in CLASSES:
        raise TTSError(f"{path} holds a {kind!r} model, not a note model ({', '.join(CLASSES)})")
    return CLASSES[kind].load(path)
