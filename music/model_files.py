"""Finding a music model's weights from what a user typed: a bundled model's name, a run folder
(its exported `<kind>.safetensors`, tts.training.stage) or a weights file. Every music command's
--model takes the three alike."""

from pathlib import Path

from tts.errors import TTSError
from tts.training.stage import weights_file


def model_weights(model, *, bundled, kinds, command):
    """The weights file `model` names. bundled: {name: path}; kinds: the model kinds a run folder
    of `command` (e.g. "tts midi train") may hold."""
    if str(model) in bundled:
        return Path(bundled[str(model)])
    path = Path(model)
    if path.is_dir():
        found = [path / weights_file(kind) for kind in kinds if (path / weights_file(kind)).is_file()]
        if len(found) != 1:
            names = " or ".join(weights_file(kind) for kind in kinds)
            raise TTSError(f"{path}: not a finished `{command}` run (no {names} in it)")
        return found[0]
    if not path.is_file():
        raise TTSError(f"model {model!r} is neither a bundled model ({', '.join(bundled)}), a run folder nor a file")
    return path
