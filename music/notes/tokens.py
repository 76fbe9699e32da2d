"""Events as tokens, and back. One fixed vocabulary serves every corpus, so any transposition of
any piece has its tokens and no token is ever unknown:

    <start>   the first token of every piece
    n0..n127  a pitch (MIDI number); a chord is its pitches low to high, one token each
    rest      a rest
    d<q>      the duration that closes an event, in quarter notes, from DURATIONS

A C major triad held for a half note, then a quarter rest: n60 n64 n67 d2 rest d1.

The grammar (`allowed`): after <start> or a duration comes a pitch or a rest; after a pitch, a
higher pitch or a duration; after a rest, a duration. Composing samples within it, so every
sequence a model writes decodes to events.
"""

import math

import numpy as np

from music.notes.events import Event

START, REST = "<start>", "rest"
PITCHES = range(128)
# Quarter-note values a duration snaps to (the nearest in log scale): sixteenths to a double whole,
# dotted values and triplets.
DURATIONS = (0.125, 0.25, 1 / 3, 0.5, 2 / 3, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)


def _duration_name(quarters):
    return f"d{quarters:.3f}".rstrip("0").rstrip(".")


TOKENS = (START, REST, *(f"n{pitch}" for pitch in PITCHES), *(_duration_name(q) for q in DURATIONS))
INDEX = {token: index for index, token in enumerate(TOKENS)}
START_ID, REST_ID = INDEX[START], INDEX[REST]
PITCH_IDS = np.array([INDEX[f"n{pitch}"] for pitch in PITCHES])
DURATION_IDS = np.array([INDEX[_duration_name(q)] for q in DURATIONS])
QUARTERS = {INDEX[_duration_name(q)]: q for q in DURATIONS}  # duration token id -> quarter notes


def snap_duration(quarters):
    """The DURATIONS value nearest `quarters` in log scale."""
    return min(DURATIONS, key=lambda q: abs(math.log(q) - math.log(quarters)))


def encode(events, *, shift=0):
    """Token ids of `events`, transposed by `shift` semitones, <start> first. Pitches a shift takes
    outside 0..127 are dropped (a chord left empty becomes a rest)."""
    ids = [START_ID]
    for event in events:
        pitches = sorted({p + shift for p in event.pitches if 0 <= p + shift <= 127})
        ids.extend(PITCH_IDS[pitches].tolist() if pitches else [REST_ID])
        ids.append(INDEX[_duration_name(snap_duration(event.quarters))])
    return ids


def decode(ids):
    """The events of token ids; an event still open at the end (no duration yet) is dropped."""
    events, pitches, resting = [], [], False
    for token_id in ids:
        token = TOKENS[token_id]
        if token == REST:
            resting = True
        elif token.startswith("n"):
            pitches.append(int(token[1:]))
        elif token_id in QUARTERS:
            if pitches or resting:
                events.append(Event(tuple(sorted(set(pitches))), QUARTERS[token_id]))
            pitches, resting = [], False
    return events


def _grammar():
    """allowed[a, b]: whether token b may follow token a."""
    size = len(TOKENS)
    allowed = np.zeros((size, size), dtype=bool)
    opens = np.concatenate([PITCH_IDS, [REST_ID]])
    allowed[START_ID, opens] = True
    allowed[np.ix_(DURATION_IDS, opens)] = True
    allowed[np.ix_(PITCH_IDS, DURATION_IDS)] = True
    allowed[np.ix_([REST_ID], DURATION_IDS)] = True
    for rank, pitch_id in enumerate(PITCH_IDS):
        allowed[pitch_id, PITCH_IDS[rank + 1 :]] = True
    return allowed


ALLOWED = _grammar()


def quarters_of(ids):
    """The duration the token ids span, in quarter notes."""
    return sum(QUARTERS.get(i, 0.0) for i in ids)
