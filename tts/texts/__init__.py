"""Sentence lists: one sentence per line, from a UTF-8 file or a built-in list named by `--texts`.

`harvard` is IEEE "Harvard" lists 1 to 10 (100 phonetically balanced sentences from the IEEE
Recommended Practice for Speech Quality Measurements). They are reserved for evaluation: the
bootstrap corpora drop any sentence in this file, so a voice is scored on text it never trained on.
The reader is core so that both sides, the corpora and the evaluation, read the one list.
"""

from importlib import resources
from pathlib import Path

from tts.errors import UsageError, undecodable_byte

BUILT_IN = {"harvard": "harvard.txt"}


def read_texts(source):
    """The non-blank lines, stripped, of the built-in list named `source` or of the file at `source`."""
    if str(source) in BUILT_IN:
        text = resources.files(__package__).joinpath(BUILT_IN[str(source)]).read_text(encoding="utf-8")
    else:
        try:
            data = Path(source).read_bytes()
            text = data.decode("utf-8-sig")
        except OSError as error:
            raise UsageError(
                f"cannot read texts from {source}: {error.strerror} (built-in lists: {', '.join(BUILT_IN)})"
            ) from None
        except UnicodeDecodeError as error:
            raise UsageError(f"{source} is not valid UTF-8 ({undecodable_byte(error, data)})") from None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise UsageError(f"{source} has no sentences: give one per line")
    return lines
