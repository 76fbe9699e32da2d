"""Utterance: the one record that flows through every stage.

Each stage returns a new Utterance with its fields filled in (`dataclasses.replace`); nothing mutates
one in place. Arrays are NumPy so that the record is independent of any framework.
"""

import dataclasses
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

# Fields a vocoder may declare in its `needs`.
RENDERABLE_FIELDS = ("mel", "f0", "phonemes", "durations", "speaker")


@dataclass(frozen=True)
class Utterance:
    text: str
    normalized: str = ""
    words: tuple = ()
    phonemes: tuple = ()
    ids: Optional[np.ndarray] = None  # [n_phonemes] int64 phoneme ids
    phoneme_words: Optional[np.ndarray] = None  # [n_phonemes] index into `words`; -1 for pauses/boundaries
    durations: Optional[np.ndarray] = None  # [n_phonemes] frames per phoneme
    speaker: Optional[object] = None  # speaker index, or {index: weight} for a mix
    mel: Optional[np.ndarray] = None  # [n_frames, n_mels] log-mel under the voice's FeatureSpec
    f0: Optional[np.ndarray] = None  # [n_frames] Hz, 0 where unvoiced
    energy: Optional[np.ndarray] = None  # [n_frames]
    wav: Optional[np.ndarray] = None  # [n_samples] float32 in [-1, 1]
    sample_rate: Optional[int] = None
    report: dict = field(default_factory=dict)  # dropped characters, warnings, timings

    def with_(self, **changes):
        return dataclasses.replace(self, **changes)

    def missing(self, needs):
        """Names in `needs` that this utterance has not filled in yet."""
        return [name for name in needs if _is_empty(getattr(self, name))]


def _is_empty(value):
    if value is None:
        return True
    if isinstance(value, (tuple, list, str)):
        return len(value) == 0
    return False
