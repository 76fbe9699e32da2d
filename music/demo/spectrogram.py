"""Log-mel spectrograms of the music tabs' sounds, side by side: input a, the morph and input b in
"Morph (NSynth)", the generated music in "Music (audio)" (with a dashed line where its prime ends).

    picture = spectrogram_image([Panel("a", wav_a), Panel("morph", wav), Panel("b", wav_b)], 16000)

Every panel is in dB below the loudest bin of all of them, on one colour scale, so the panels compare
at a glance. Drawn on matplotlib's Agg canvas directly (no pyplot), like the speech pictures
(tts.demo.plots), so no display is needed and concurrent requests share no figure state. The picture
is an RGB array [height, width, 3] of uint8.
"""

from dataclasses import dataclass

import librosa
import numpy as np
from matplotlib.figure import Figure

from tts.demo.plots import render_figure

WIDTH_INCHES = 10
HEIGHT_INCHES = 3
DPI = 100
N_FFT = 1024
HOP = 256
N_MELS = 80
TOP_DB = 80.0  # the colour scale's range: quieter bins than this below the loudest show as silence
FLOOR = 1e-10  # power floor, so that silence has a finite level
MARK_COLOR = "white"
TITLE_CHARS = 30
TICKS_HZ = (0, 250, 500, 1000, 2000, 4000, 8000, 16000)


@dataclass(frozen=True)
class Panel:
    title: str
    wav: np.ndarray  # float32 mono samples
    mark: float | None = None  # seconds at which to draw a dashed line (where a prime ends), or None


def mel_power(wav, sample_rate, *, n_mels=N_MELS):
    """Mel power spectrogram [n_mels, frames] of a mono waveform (a short one is padded to one window)."""
    wav = np.asarray(wav, dtype=np.float32)
    wav = np.pad(wav, (0, max(N_FFT - len(wav), 0)))
    return librosa.feature.melspectrogram(y=wav, sr=sample_rate, n_fft=N_FFT, hop_length=HOP, n_mels=n_mels,
                                          fmax=sample_rate / 2)


def spectrogram_image(panels, sample_rate, *, n_mels=N_MELS):
    """The panels' log-mel spectrograms in one row, on one dB scale (0 dB: the loudest bin of all)."""
    powers = [mel_power(panel.wav, sample_rate, n_mels=n_mels) for panel in panels]
    # 0 dB: the loudest bin of all; for panels all silent, a level TOP_DB above the floor, so they show as silence
    loudest = max(max(float(power.max()) for power in powers), FLOOR * 10 ** (TOP_DB / 10))
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(panels), sharey=True, squeeze=False)[0])
    band_hz = librosa.mel_frequencies(n_mels=n_mels, fmax=sample_rate / 2)
    ticks = [hz for hz in TICKS_HZ if hz <= sample_rate / 2]
    for ax, panel, power in zip(axes, panels, powers):
        db = librosa.power_to_db(power, ref=loudest, amin=FLOOR, top_db=TOP_DB)
        seconds = max(len(panel.wav), 1) / sample_rate
        image = ax.imshow(db, origin="lower", aspect="auto", cmap="magma", vmin=-TOP_DB, vmax=0.0,
                          extent=(0, seconds, 0, n_mels), interpolation="nearest")
        if panel.mark is not None:
            ax.axvline(panel.mark, color=MARK_COLOR, linestyle="--", linewidth=1.0)
        # a file's name is shown as it is: never read as mathtext ("$"), cut when long
        title = panel.title if len(panel.title) <= TITLE_CHARS else panel.title[: TITLE_CHARS - 1] + "…"
        ax.set_title(title, parse_math=False)
        ax.set(xlabel="seconds")
    axes[0].set(ylabel="Hz", yticks=np.interp(ticks, band_hz, np.arange(n_mels) + 0.5),
                yticklabels=[f"{hz:g}" for hz in ticks])
    figure.colorbar(image, ax=list(axes), label="dB")
    return render_figure(figure)
