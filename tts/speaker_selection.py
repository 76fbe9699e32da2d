"""Choosing a speaker: an index (3), an id ("p227"), or a mix of embeddings ("3:0.7,5:0.3").

Every stage takes the same forms, checked against the speaker ids it was trained on, so a bad
choice fails with the list of valid speakers before any model runs:

    parse_speaker("3:0.7,p230:0.3")                -> {3: 0.7, "p230": 0.3}
    resolve_speaker("p227", ["p225", "p226", "p227"]) -> 2
    speaker_weights({0: 1, 2: 3}, ids)             -> array([0.25, 0, 0.75])
"""

import numbers
import re

import numpy as np

from tts.errors import UsageError

_INDEX = re.compile(r"^\d+$")


def parse_speaker(text):
    """A command-line speaker: "3" -> 3, "p227" -> "p227", "3:0.7,5:0.3" -> {3: 0.7, 5: 0.3}."""
    text = str(text).strip()
    if not text:
        raise UsageError("empty speaker: give an index (3), an id (p227) or a mix (3:0.7,5:0.3)")
    if ":" not in text:
        return _parse_key(text)
    mix = {}
    for part in text.split(","):
        key, _, weight = part.partition(":")
        try:
            value = float(weight)
        except ValueError:
            raise UsageError(f"speaker mix {text!r}: {part.strip()!r} is not speaker:weight (e.g. 3:0.7,5:0.3)") from None
        key = _parse_key(key.strip())
        mix[key] = mix.get(key, 0.0) + value
    return mix


def speaker_weights(speaker, speaker_ids):
    """[n_speakers] float64 weights summing to 1.

    speaker: an index, an id, a {index or id: weight} mix, or a sequence of n_speakers weights.
    """
    n_speakers = len(speaker_ids)
    if isinstance(speaker, dict):
        weights = np.zeros(n_speakers)
        for key, weight in speaker.items():
            if not isinstance(weight, numbers.Real) or not 0 <= weight < float("inf"):
                raise UsageError(f"speaker weight for {key!r} must be a finite non-negative number, got {weight!r}")
            weights[speaker_index(key, speaker_ids)] += weight
    elif isinstance(speaker, (str, numbers.Integral)):
        weights = np.eye(n_speakers)[speaker_index(speaker, speaker_ids)]
    else:
        weights = np.asarray(speaker, dtype=np.float64)
        if weights.shape != (n_speakers,) or not np.isfinite(weights).all() or (weights < 0).any():
            raise UsageError(f"speaker weights must be {n_speakers} finite non-negative numbers, got {speaker!r}")
    if not weights.sum() > 0:
        raise UsageError(f"speaker mix {speaker!r} has no positive weight")
    return weights / weights.sum()


def resolve_speaker(speaker, speaker_ids):
    """The canonical form every stage's Utterance carries: an index, or an {index: weight} mix
    (normalized, zero weights dropped; a mix of one speaker becomes its index)."""
    weights = speaker_weights(speaker, speaker_ids)
    used = np.flatnonzero(weights)
    if len(used) == 1:
        return int(used[0])
    return {int(index): float(weights[index]) for index in used}


def speaker_index(speaker, speaker_ids):
    """The index of one speaker given as an index or an id; the error lists the valid ones."""
    if isinstance(speaker, numbers.Integral) and not isinstance(speaker, bool):
        if 0 <= speaker < len(speaker_ids):
            return int(speaker)
    elif isinstance(speaker, str) and speaker in speaker_ids:
        return list(speaker_ids).index(speaker)
    raise UsageError(f"unknown speaker {speaker!r}; {describe_speakers(speaker_ids)}")


def describe_speakers(speaker_ids):
    if len(speaker_ids) == 1:
        return f"this voice has one speaker: 0 ({speaker_ids[0]})"
    listed = ", ".join(f"{index} ({name})" for index, name in enumerate(speaker_ids))
    return f"valid speakers: {listed}"


def _parse_key(text):
    return int(text) if _INDEX.match(text) else text
