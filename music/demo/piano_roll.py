"""A piano roll of a piece's events: time in quarter notes across, MIDI pitch up, one rectangle per
sounding note (a chord is a column of them), rests left empty, a faint line at each 4/4 bar.

Drawn on matplotlib's Agg canvas directly (no pyplot), like the speech pictures (tts.demo.plots), so
no display is needed and concurrent requests share no figure state. The picture is an RGB array
[height, width, 3] of uint8.
"""

import numpy as np
from matplotlib.figure import Figure

from music.notes.compose import BEATS_PER_BAR  # compositions are counted in 4/4 bars
from tts.demo.plots import render_figure

WIDTH_INCHES = 10
HEIGHT_INCHES = 3.5
DPI = 100
NOTE_COLOR = "#08519c"
BAR_COLOR = "#d9d9d9"
EMPTY_PITCHES = (60, 72)  # the range shown when nothing sounds: middle C's octave


def piano_roll_image(events):
    """The piano roll of `events` (music.notes.events.Event) as an RGB array."""
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    notes, now = [], 0.0
    for event in events:
        notes += [(pitch, now, event.quarters) for pitch in event.pitches]
        now += event.quarters
    end = max(now, BEATS_PER_BAR)
    for bar in np.arange(BEATS_PER_BAR, end, BEATS_PER_BAR):
        axes.axvline(bar, color=BAR_COLOR, linewidth=0.8, zorder=0)
    by_pitch = {}
    for pitch, start, quarters in notes:
        by_pitch.setdefault(pitch, []).append((start, quarters))
    for pitch, spans in by_pitch.items():
        axes.broken_barh(spans, (pitch - 0.4, 0.8), facecolors=NOTE_COLOR, edgecolors="white", linewidth=0.5)
    low, high = (min(by_pitch) - 2, max(by_pitch) + 2) if by_pitch else EMPTY_PITCHES
    axes.set(xlim=(0, end), ylim=(low - 0.5, high + 0.5), xlabel="quarter notes", ylabel="MIDI pitch")
    return render_figure(figure)
