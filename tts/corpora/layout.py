"""Recognize a corpus layout from its root folder and read it with the matching reader."""

from functools import partial
from pathlib import Path
from typing import Callable, NamedTuple

from tts.corpora import ljspeech, vctk
from tts.errors import TTSError


class Layout(NamedTuple):
    name: str
    needs: str  # what the root folder holds, for the error message
    matches: Callable  # root -> bool
    read: Callable  # root -> CorpusListing


def _vctk(name, needs):
    return Layout(name, needs, partial(vctk.is_vctk, layout=name), partial(vctk.read_vctk, layout=name))


LAYOUTS = (  # tried in order
    Layout("ljspeech", "metadata.csv + wavs/ (LJSpeech-1.1)", ljspeech.is_ljspeech, ljspeech.read_ljspeech),
    _vctk("vctk-0.92", "txt/ + wav48_silence_trimmed/ (VCTK-Corpus-0.92)"),
    _vctk("vctk-0.80", "txt/ + wav48/ (VCTK-Corpus 0.80)"),
)


def detect_layout(root):
    """The name of the layout `root` is in; a one-line TTSError listing the known layouts otherwise."""
    return _find(root).name


def read_corpus(root):
    """The CorpusListing of the corpus at `root`, whichever supported layout it is in."""
    return _find(root).read(root)


def _find(root):
    root = Path(root)
    if not root.is_dir():
        raise TTSError(f"{root}: no such corpus directory")
    for layout in LAYOUTS:
        if layout.matches(root):
            return layout
    expected = "; or ".join(layout.needs for layout in LAYOUTS)
    raise TTSError(f"{root}: unrecognized corpus layout; expected {expected}")
