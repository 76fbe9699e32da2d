"""The music WaveNet: vocoders.wavenet.model.WaveNet itself, with no local conditioning
(conditioning.n_mels 0), conditioned on the instrument alone when the corpus names instruments
(they are its speakers), and a μ-law softmax over the next sample. Its weights file has its own
kind, so that it is never taken for a vocoder, nor a vocoder for it.

    model = WaveNet(music_wavenet_config())     # music.raw.config
    logits = model(previous, None, instrument)  # previous: μ-law levels [batch, time]; instrument [batch] or None
"""

from tts.checkpoint import load_model
from tts.errors import TTSError
from vocoders.wavenet.config import WaveNetConfig
from vocoders.wavenet.model import WaveNet

KIND = "music-wavenet"


def check_music_wavenet(config):
    """A TTSError unless `config` is a WaveNet that music.raw can train: no mel, no excitation, μ-law."""
    if config.conditioning.n_mels or config.excitation.lpc_order or config.output.kind != "mulaw":
        raise TTSError(f"a music WaveNet reads no mel and predicts μ-law classes: it needs conditioning.n_mels 0, "
                       f"excitation.lpc_order 0 and output.kind mulaw, got {config.conditioning.n_mels}, "
                       f"{config.excitation.lpc_order}, {config.output.kind}")


def load_music_wavenet(path):
    """A music WaveNet (vocoders.wavenet.model.WaveNet, in eval mode) from its weights file."""
    return load_model(WaveNet, WaveNetConfig, path, kind=KIND)
