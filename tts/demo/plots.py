"""Pictures of one synthesis: the mel spectrogram, and each phoneme placed on the time axis by its
duration under the F0 contour.

Figures are drawn on matplotlib's Agg canvas directly (no pyplot), so no display is needed and
concurrent requests share no global figure state. Each picture is an RGB array [height, width, 3].
Sentences sit where they are in the audio: each starts after the previous one and the silence the
Voice puts between sentences.
"""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from tts.voice import SENTENCE_GAP_SECONDS

WIDTH_INCHES = 10
DPI = 100
PAUSE_COLOR = "#d9d9d9"  # word boundaries and punctuation pauses
PHONEME_COLORS = ("#9ecae1", "#c6dbef")  # alternate, so neighbouring phonemes stay apart


def mel_image(utterances, spec):
    figure = Figure(figsize=(WIDTH_INCHES, 3), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    low = min(float(u.mel.min()) for u in utterances)
    high = max(float(u.mel.max()) for u in utterances)
    for start, utterance in zip(sentence_starts(utterances, spec), utterances):
        end = start + len(utterance.mel) * spec.frame_seconds
        image = axes.imshow(utterance.mel.T, origin="lower", aspect="auto", cmap="magma", vmin=low, vmax=high,
                            extent=(start, end, 0, spec.n_mels), interpolation="nearest")
    axes.set_xlim(0, end)
    axes.set_facecolor(image.cmap(0.0))  # the gaps between sentences read as silence
    axes.set(xlabel="seconds", ylabel="mel channel")
    figure.colorbar(image, ax=axes, label="log-mel")
    return render_figure(figure)


def alignment_image(utterances, spec):
    figure = Figure(figsize=(WIDTH_INCHES, 3), dpi=DPI, layout="constrained")
    pitch, phones = figure.subplots(2, 1, sharex=True, height_ratios=(2, 1))
    for start, utterance in zip(sentence_starts(utterances, spec), utterances):
        times = start + (np.arange(len(utterance.f0)) + 0.5) * spec.frame_seconds
        pitch.plot(times, np.where(utterance.f0 > 0, utterance.f0, np.nan), color="#08519c")  # unvoiced: no line
        edges = start + np.concatenate([[0], np.cumsum(utterance.durations)]) * spec.frame_seconds
        for index, phoneme in enumerate(utterance.phonemes):
            left, width = edges[index], edges[index + 1] - edges[index]
            # a phoneme of no word (-1) is a word separator or a pause: the G2P never puts those inside words
            color = PAUSE_COLOR if utterance.phoneme_words[index] < 0 else PHONEME_COLORS[index % 2]
            phones.broken_barh([(left, width)], (0, 1), facecolors=color, edgecolors="white")
            phones.text(left + width / 2, 0.5, phoneme, ha="center", va="center", fontsize=8, clip_on=True)
    pitch.set(ylabel="F0 (Hz)")
    phones.set(xlabel="seconds", yticks=[], xlim=(0, edges[-1]), ylim=(0, 1))
    return render_figure(figure)


def sentence_starts(utterances, spec):
    """Seconds at which each sentence begins in the joined audio."""
    starts, now = [], 0.0
    for utterance in utterances:
        starts.append(now)
        now += len(utterance.mel) * spec.frame_seconds + SENTENCE_GAP_SECONDS
    return starts


def render_figure(figure):
    """An Agg-drawn figure as an RGB array [height, width, 3] of uint8 (also music.demo's piano roll)."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()
