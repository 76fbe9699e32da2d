"""Is a voice directory what it was built as? Checksums of its components, and weights that are numbers.

`tts build-voice` records a SHA-256 of every component in voice.json ("checksums"); loading a voice
verifies them, so random bytes or bit-rot in any file fail with the file's name before a model
runs. Weights are scanned for NaN and infinity as well, naming the file and the tensor, which also
covers voices written before checksums were recorded.
"""

from safetensors import SafetensorError, safe_open

from tts.checkpoint import require_finite
from tts.checksums import checksum
from tts.errors import TTSError


class CorruptVoiceError(TTSError):
    """A voice's file changed since the voice was built, or its weights are not numbers."""


def component_checksums(files):
    """{relative path: sha256} for every component voice.json names."""
    return {relative: checksum(files.path(relative)) for relative in files.components()}


def verify_voice(files):
    """CorruptVoiceError naming the first component whose checksum or weights are wrong."""
    for relative in files.components():
        expected = files.checksums.get(relative)  # none for a component added by hand: not checked
        if expected is not None and checksum(files.path(relative)) != expected:
            raise CorruptVoiceError(
                f"{files.path(relative)}: does not match the checksum in {files.root / 'voice.json'}; "
                "the file is corrupt or was changed: rebuild the voice or fetch it again"
            )
    for relative in files.components():
        path = files.path(relative)
        if path.suffix == ".safetensors":
            require_finite_weights(path)


def require_finite_weights(path):
    try:
        with safe_open(str(path), framework="pt") as weights:
            tensors = {name: weights.get_tensor(name) for name in weights.keys()}
    except SafetensorError as error:
        raise CorruptVoiceError(f"{path}: not a readable weights file ({error})") from None
    require_finite(tensors, source=path)
