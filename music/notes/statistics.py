"""Musical statistics of a piece's events, to set compositions beside real pieces:

    in_key        the share of sounding pitches in the piece's own key (music21's Krumhansl-Schmuckler
                  analysis of the piece); about 0.9 for a chorale, about 0.6 for random pitches
    pitch_range   highest minus lowest pitch, in semitones
    mean_duration the mean length of the sounding events (notes and chords), in quarter notes
    repeated_4grams  the share of 4-grams of events (pitches and duration) that already occurred
                  earlier in the piece: near 0 for through-composed music, near 1 for a loop
"""

import numpy as np


def piece_statistics(events):
    """{statistic: value} of a list of Events (NaN for a piece with no sounding event)."""
    sounding = [event for event in events if event.pitches]
    if not sounding:
        return {name: float("nan") for name in ("in_key", "pitch_range", "mean_duration", "repeated_4grams")}
    pitches = [p for event in sounding for p in event.pitches]
    return {
        "in_key": in_key_share(sounding),
        "pitch_range": float(max(pitches) - min(pitches)),
        "mean_duration": float(np.mean([event.quarters for event in sounding])),
        "repeated_4grams": repeated_ngram_rate(events, 4),
    }


def in_key_share(events):
    from music21 import chord, stream

    line = stream.Stream()
    for event in events:
        sounding = chord.Chord(list(event.pitches))
        sounding.quarterLength = event.quarters
        line.append(sounding)
    scale = {pitch.pitchClass for pitch in line.analyze("key").pitches}
    pitch_classes = [p % 12 for event in events for p in event.pitches]
    return float(np.mean([pc in scale for pc in pitch_classes]))


def repeated_ngram_rate(events, n):
    grams = [tuple(events[i : i + n]) for i in range(len(events) - n + 1)]
    if not grams:
        return 0.0
    seen, repeated = set(), 0
    for gram in grams:
        repeated += gram in seen
        seen.add(gram)
    return repeated / len(grams)


def summarize(rows):
    """{statistic: (mean, standard deviation)} over pieces' statistics, NaNs left out."""
    names = rows[0].keys() if rows else ()
    summary = {}
    for name in names:
        values = np.array([row[name] for row in rows], dtype=float)
        values = values[np.isfinite(values)]
        summary[name] = (float(values.mean()), float(values.std())) if len(values) else (float("nan"),) * 2
    return summary
