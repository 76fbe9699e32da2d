"""The decoder's period predictor: a long-term (pitch) predictor, as CELP speech codecs use.

A pitched note repeats every period P = sample_rate / f0 samples, so s[t] ≈ g · s[t - P]. The
decoder runs as an excitation model (vocoders.wavenet.excitation, on the pre-emphasized note) whose
predictor is this one instead of linear prediction from a mel: it reads s[t - 1], the prediction
p[t] and the last residual, and predicts only what the period leaves, e[t] = s[t] - p[t]. A plain
decoder had to find the period on its own when it sampled its own output, and after thousands of
CPU steps it never did (BENCHMARKS.md); here the period is there from the first sample.

P is rarely a whole number of samples: the sample one period ago is read between samples by
cubic Lagrange interpolation, whose four taps keep the upper harmonics (linear interpolation
halves a 4 kHz harmonic at half-sample offsets on every pass through the loop). The predictor is
an ordinary coefficient vector, nonzero at those four lags, so the excitation kernel runs it as it
runs linear prediction.
"""

import numpy as np

TAPS = 4  # cubic Lagrange: lags n - 1 .. n + 2 around P = n + f


def order_for(lowest_pitch, sample_rate):
    """Coefficients a predictor needs for notes down to MIDI `lowest_pitch`: its longest period's
    lags, the interpolation's included."""
    return int(np.floor(period_samples(lowest_pitch, sample_rate))) + TAPS // 2 + 1


def period_samples(pitch, sample_rate):
    """Samples per period of MIDI note `pitch` (fractional pitches glide between notes)."""
    import librosa

    return sample_rate / float(librosa.midi_to_hz(pitch))


def period_coefficients(pitch, *, order, sample_rate, gain):
    """Predictor coefficients [order] (float32) with Σ a[k - 1] s[t - k] = gain · s[t - P], the
    sample P ago interpolated. All zeros (no prediction) for a period the order cannot hold or
    shorter than two samples (above MIDI 115 at 16 kHz), where there is no waveform to repeat."""
    coefficients = np.zeros(order, np.float32)
    period = period_samples(pitch, sample_rate)
    whole = int(np.floor(period))
    if whole < 2 or whole + TAPS // 2 > order:
        return coefficients
    f = period - whole
    weights = (-f * (f - 1) * (f - 2) / 6, (f + 1) * (f - 1) * (f - 2) / 2,
               -(f + 1) * f * (f - 2) / 2, (f + 1) * f * (f - 1) / 6)
    for lag, weight in zip(range(whole - 1, whole + TAPS - 1), weights):
        coefficients[lag - 1] = gain * weight  # a[k - 1] weighs s[t - k]
    return coefficients


def mean_pitch(weights):
    """The pitch a morph's predictor follows: the mean MIDI note of pitch weights [128] (one-hots
    mixed), so a morph between two notes glides between their periods."""
    weights = np.asarray(weights, dtype=np.float64)
    return float(weights @ np.arange(len(weights)) / weights.sum())


def note_predictor(config, pitch):
    """The period predictor [config.period_order] of an AutoencoderConfig at `pitch`: a MIDI note,
    or a morph's pitch weights [128]; empty for a config without period prediction."""
    if not config.period_prediction:
        return np.zeros(0, np.float32)
    pitch = mean_pitch(pitch) if np.ndim(pitch) else float(pitch)
    return period_coefficients(pitch, order=config.period_order, sample_rate=config.sample_rate,
                               gain=config.period_gain)
