"""Text-to-speech toolkit: core types shared by every stage."""

from tts.errors import TTSError
from tts.features import FeatureSpec
from tts.utterance import Utterance

__all__ = ["FeatureSpec", "TTSError", "Utterance"]
__version__ = "0.1.0"
