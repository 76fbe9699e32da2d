"""Finding and loading an autoencoder: the bundled one ("nsynth": trained on the bootstrap note
corpus, shipped in music/nsynth/models/), a `tts nsynth train` run folder, or a weights file."""

from pathlib import Path

from music.model_files import model_weights
from music.nsynth.autoencoder import KIND, WaveNetAutoencoder

BUNDLED = {"nsynth": Path(__file__).resolve().parent / "models" / "autoencoder.safetensors"}
DEFAULT_MODEL = "nsynth"


def load_autoencoder(model=DEFAULT_MODEL):
    """The autoencoder (in eval mode) that `model` names."""
    return WaveNetAutoencoder.load(model_weights(model, bundled=BUNDLED, kinds=(KIND,), command="tts nsynth train"))
