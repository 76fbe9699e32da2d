"""Linear prediction from a log-mel (tts.lpc), the pulse source (tts.source) and the `lpc` vocoder.

Checked: the per-sample filters invert each other, Levinson–Durbin recovers a known all-pole
process, the mel-derived filter puts a known resonance where it belongs, every filter is stable on
silence, clipping, tones and arbitrary log-mels, the torch and NumPy paths agree, bad settings are
refused with a TTSError, the source has unit power and the right pulse spacing, and the vocoder
renders a vowel at about the right level and pitch.
"""

import json
import warnings

import numpy as np
import pytest
import scipy.linalg
import scipy.signal
import torch

from tts import audio
from tts.errors import TTSError
from tts.features import FeatureSpec
from tts.lpc import (
    LinearPrediction,
    deemphasize,
    levinson_durbin,
    lpc_from_mel,
    lpc_predict,
    lpc_residual,
    lpc_synthesize,
    preemphasize,
    used_lags,
)
from tts.mel import mel_numpy
from tts.registry import PluginWarning, installed_vocoders, load_vocoder_class
from tts.source import f0_per_sample, pulse_source
from tts.utterance import Utterance
from vocoders.lpc.vocoder import LPCVocoder

SPEC = FeatureSpec()  # 22050 Hz, n_fft 1024, hop 256, 80 mels up to 8 kHz
RATE, HOP = SPEC.sample_rate, SPEC.hop_length


def resonator_coefficients(frequency, radius, sample_rate=RATE):
    """Predictor [a1, a2] of the all-pole filter 1 / (1 - a1 z^-1 - a2 z^-2) with poles at radius·e^{±jθ}."""
    theta = 2 * np.pi * frequency / sample_rate
    return np.array([2 * radius * np.cos(theta), -radius * radius])


def all_pole(coefficients, excitation):
    """x[t] = e[t] + Σ a[k-1] x[t-k] with fixed coefficients (scipy, independent of tts.lpc)."""
    return scipy.signal.lfilter([1.0], np.r_[1.0, -np.asarray(coefficients, np.float64)], excitation)


def peak_frequency(coefficients, sample_rate=RATE, n=1 << 16):
    """Where |1 / A(e^jω)| is largest, in Hz."""
    response = np.abs(np.fft.rfft(np.r_[1.0, -np.asarray(coefficients, np.float64)], n))
    return np.argmin(response) * sample_rate / n


def max_root_radius(coefficients):
    """The largest |root| of 1 - Σ a_k z^-k over every frame of [frames, order] coefficients."""
    return max(np.abs(np.roots(np.r_[1.0, -frame])).max() for frame in np.asarray(coefficients, np.float64))


def speech_like(rng, seconds=1.0, f0=150.0, onset=0.25, noise=0.02):
    """Noise only before `onset`, then a pulse train at `f0` plus noise, through formant resonators
    at 700, 1200 and 2600 Hz; peak 0.3, a whole number of hops long, float64."""
    n = int(seconds * RATE) // HOP * HOP
    source = noise * rng.standard_normal(n)
    source[np.round(np.arange(int(onset * RATE), n, RATE / f0)).astype(int)] += 1.0
    wav = source
    for frequency, radius in ((700, 0.97), (1200, 0.96), (2600, 0.95)):
        wav = (1 - radius) * all_pole(resonator_coefficients(frequency, radius), wav)
    return 0.3 * wav / np.abs(wav).max()


def test_residual_then_synthesis_and_preemphasis_then_deemphasis_give_back_the_signal(rng):
    """lpc_synthesize inverts lpc_residual with the per-frame coefficients of a real mel (to 1e-5;
    rounding only, measured ~2e-15), and the filter actually predicts: the residual has far less
    power than the signal. deemphasize inverts preemphasize."""
    wav = speech_like(rng, seconds=0.6)
    prediction = lpc_from_mel(mel_numpy(wav.astype(np.float32), SPEC), SPEC, order=24, preemphasis=0.85)
    coefficients = prediction.coefficients.astype(np.float64)
    assert coefficients.shape == (len(wav) // HOP, 24)
    assert np.ptp(coefficients, axis=0).max() > 0.1  # the frames differ, so the hop indexing matters

    emphasized = preemphasize(torch.from_numpy(wav), 0.85).numpy()
    residual = lpc_residual(emphasized, coefficients, HOP)
    assert residual.shape == emphasized.shape and residual.dtype == np.float64
    assert np.max(np.abs(lpc_synthesize(residual, coefficients, HOP) - emphasized)) < 1e-5
    voiced = slice(int(0.3 * RATE), len(wav))
    # measured: the residual's power is ~1/1500 of the pre-emphasized signal's in the voiced part
    assert np.mean(residual[voiced] ** 2) < 0.01 * np.mean(emphasized[voiced] ** 2)

    # pre-emphasis: x[t] = s[t] - α s[t-1] with s[-1] = 0, batched over leading dims; de-emphasis undoes it
    batch = torch.from_numpy(np.stack([wav, wav[::-1].copy()]))
    emphasized_batch = preemphasize(batch, 0.85).numpy()
    expected = wav.copy()
    expected[1:] -= 0.85 * wav[:-1]
    assert np.max(np.abs(emphasized_batch[0] - expected)) < 1e-12
    assert np.max(np.abs(emphasized_batch[1] - preemphasize(torch.from_numpy(wav[::-1].copy()), 0.85).numpy())) < 1e-12
    for row, original in zip(emphasized_batch, (wav, wav[::-1])):
        assert np.max(np.abs(deemphasize(row, 0.85) - original)) < 1e-5


def test_levinson_durbin_recovers_a_known_ar4_process_from_its_exact_autocorrelation():
    """The autocorrelation of 1 / A(z) driven by white noise of variance 2.5, computed from the impulse
    response, gives back A's coefficients (to 1e-9) and the innovation variance as the error; a higher
    order adds zeros; a batch equals its items; it agrees with scipy's Toeplitz solver."""
    polynomial = np.convolve(  # poles 0.9 e^{±j0.1π} and 0.8 e^{±j0.35π}
        np.r_[1.0, -resonator_coefficients(0.05, 0.9, sample_rate=1.0)],
        np.r_[1.0, -resonator_coefficients(0.175, 0.8, sample_rate=1.0)],
    )
    true = -polynomial[1:]
    impulse = scipy.signal.lfilter([1.0], polynomial, np.r_[1.0, np.zeros(4000)])  # 0.9^4000: nothing left
    variance = 2.5
    autocorrelation = variance * np.array([impulse[: len(impulse) - k] @ impulse[k:] for k in range(9)])

    coefficients, error = levinson_durbin(torch.from_numpy(autocorrelation[:5]), 4)
    assert coefficients.shape == (4,)
    assert np.max(np.abs(coefficients.numpy() - true)) < 1e-9
    assert float(error) == pytest.approx(variance, rel=1e-9)

    higher, higher_error = levinson_durbin(torch.from_numpy(autocorrelation), 8)
    assert np.max(np.abs(higher.numpy()[:4] - true)) < 1e-9 and np.max(np.abs(higher.numpy()[4:])) < 1e-9
    assert float(higher_error) == pytest.approx(variance, rel=1e-9)

    # batched over leading dimensions, each row its own problem; matches an independent solver
    rng = np.random.default_rng(7)
    noise = rng.standard_normal((3, 40000))
    rows = []
    for sample in noise:
        x = scipy.signal.lfilter([1.0], polynomial, sample)
        rows.append([x[: len(x) - k] @ x[k:] / len(x) for k in range(5)])
    rows = np.array(rows)
    batch, batch_error = levinson_durbin(torch.from_numpy(rows).reshape(3, 1, 5), 4)
    assert batch.shape == (3, 1, 4) and batch_error.shape == (3, 1)
    for row, got, got_error in zip(rows, batch[:, 0].numpy(), batch_error[:, 0].numpy()):
        alone, alone_error = levinson_durbin(torch.from_numpy(row), 4)
        assert np.max(np.abs(got - alone.numpy())) < 1e-12 and got_error == pytest.approx(float(alone_error), rel=1e-12)
        assert np.max(np.abs(got - scipy.linalg.solve_toeplitz(row[:4], row[1:]))) < 1e-9
        assert got_error == pytest.approx(row[0] - got @ row[1:], rel=1e-9)  # the normal equations' error
        assert np.max(np.abs(got - true)) < 0.06  # 40000 samples come near the truth too (measured <= 0.03)


def test_mel_lpc_of_an_ar2_signal_puts_the_resonance_where_it_is(rng):
    """Two seconds of white noise through a resonance at 1 kHz (pole radius 0.95, peak of |1/A| at
    984 Hz), at the default FeatureSpec, with pre-emphasis and lag window off: the per-frame peaks'
    median is within 20 Hz of the true peak and the median coefficients within 0.045 of the true
    ones. Measured: 8 Hz and 0.031 here; over 24 seeds and resonances (600, 1000, 1500 Hz) at most
    14 Hz and 0.032. (The filter comes out slightly sharper than the truth, radius ~0.966: the mel
    stops at 8 kHz, so the band above it reads as empty.)"""
    true = resonator_coefficients(1000.0, 0.95)
    wav = all_pole(true, rng.standard_normal(2 * RATE))
    wav = 0.1 * wav / wav.std()
    log_mel = mel_numpy(wav.astype(np.float32), SPEC)
    prediction = lpc_from_mel(log_mel, SPEC, order=2, preemphasis=0.0, lag_window_hz=0.0)
    assert isinstance(prediction, LinearPrediction)
    assert prediction.coefficients.shape == (len(log_mel), 2) and prediction.gain.shape == (len(log_mel),)
    assert prediction.coefficients.dtype == prediction.gain.dtype == np.float32

    peaks = np.array([peak_frequency(frame) for frame in prediction.coefficients])
    assert abs(np.median(peaks) - peak_frequency(true)) < 20.0
    assert np.max(np.abs(np.median(prediction.coefficients, axis=0) - true)) < 0.045

    # the level scales the gain and nothing else: 20 dB louder, 10 times the gain, the same filter
    louder = lpc_from_mel(log_mel + np.log(10.0), SPEC, order=2, preemphasis=0.0, lag_window_hz=0.0)
    assert np.allclose(louder.gain, 10 * prediction.gain, rtol=1e-3)
    assert np.max(np.abs(louder.coefficients - prediction.coefficients)) < 1e-3


def test_energy_above_fmax_stays_in_the_residual_unless_the_audio_is_band_limited(rng):
    """The mel ends at fmax (8 kHz), so the filter from it models nothing above: a resonance at
    1 kHz plus hiss at 9-11 kHz 26 dB below it (as three bootstrap voices have) leaves a residual
    louder than the signal (measured -14.3 dB of prediction gain), while the same audio band-limited
    at fmax, as an excitation WaveNet trains on, is predicted (+17.4 dB)."""
    n = 172 * HOP
    voice = all_pole(resonator_coefficients(1000.0, 0.95), rng.standard_normal(n))
    spectrum = np.fft.rfft(rng.standard_normal(n))
    frequencies = np.fft.rfftfreq(n, 1 / RATE)
    spectrum[(frequencies < 9000) | (frequencies > 11000)] = 0
    hiss = np.fft.irfft(spectrum, n)
    wav = 0.1 * voice / voice.std() + 0.1 * 10 ** (-26 / 20) * hiss / hiss.std()

    def prediction_gain_db(signal):
        coefficients = lpc_from_mel(mel_numpy(signal.astype(np.float32), SPEC), SPEC).coefficients
        x = preemphasize(torch.from_numpy(signal.astype(np.float64)), 0.85).numpy()
        residual = lpc_residual(x, coefficients.astype(np.float64), HOP)
        return 10 * np.log10(np.mean(x**2) / np.mean(residual**2))

    assert prediction_gain_db(wav) < 0
    assert prediction_gain_db(audio.band_limit(wav, sample_rate=RATE, cutoff_hz=SPEC.fmax)) > 15


def stability_cases():
    """Named log-mels [frames, 80] at SPEC that have broken naive LPC: silence, clipping, tones, noise."""
    rng = np.random.default_rng(99)
    t = np.arange(RATE // 4) / RATE
    floor = np.log(SPEC.log_floor)
    return {
        "silence": np.full((12, SPEC.n_mels), floor, np.float32),
        "square": mel_numpy(np.clip(10 * np.sin(2 * np.pi * 200 * t), -1, 1), SPEC),  # clipped to a square wave
        "tone-440": mel_numpy(0.5 * np.sin(2 * np.pi * 440 * t), SPEC),
        "tone-3000": mel_numpy(0.9 * np.sin(2 * np.pi * 3000 * t), SPEC),
        "dc": mel_numpy(np.ones(RATE // 8), SPEC),
        "random": rng.uniform(floor, 3, (12, SPEC.n_mels)).astype(np.float32),
        "random-wide": rng.uniform(-20, 20, (12, SPEC.n_mels)).astype(np.float32),
        "random-walk": np.cumsum(rng.normal(0, 1, (12, SPEC.n_mels)), axis=1).astype(np.float32),
    }


@pytest.mark.parametrize("order", [1, 24, 64])
@pytest.mark.parametrize(
    "settings", [{}, {"preemphasis": 0.0, "lag_window_hz": 0.0}], ids=["defaults", "no-emphasis-no-lag"]
)
def test_every_filter_is_stable_and_every_gain_finite(order, settings):
    """Every frame's 1 - Σ a_k z^-k has all its roots strictly inside the unit circle (numpy.roots),
    for the float32 coefficients that the NumPy path returns; every gain is finite and >= 0.
    Measured largest radius over these cases and orders: 0.99974 with the defaults, 0.99984 without
    pre-emphasis and lag window (the noise floor alone keeps them inside)."""
    for name, log_mel in stability_cases().items():
        prediction = lpc_from_mel(log_mel, SPEC, order=order, **settings)
        assert np.isfinite(prediction.coefficients).all(), name
        assert np.isfinite(prediction.gain).all() and (prediction.gain >= 0).all(), name
        assert max_root_radius(prediction.coefficients) < 1.0, name
    silence = lpc_from_mel(stability_cases()["silence"], SPEC, order=order, **settings)
    assert silence.gain.max() < 1e-4  # measured 1.9e-5: silence stays (nearly) silent


def test_torch_batches_match_the_numpy_path(rng):
    """A float32 batch [3, frames, 80] gives, item by item, what the NumPy path gives for that item
    (to 1e-6), in float32; a float64 tensor gives float64; extra leading dims are kept."""
    mels = np.stack([mel_numpy(speech_like(rng, seconds=0.3, f0=f0).astype(np.float32), SPEC) for f0 in (110, 150, 230)])
    settings = {"order": 24, "preemphasis": 0.85, "lag_window_hz": 50.0, "noise_floor": 1e-4}
    batch = lpc_from_mel(torch.from_numpy(mels), SPEC, **settings)
    assert torch.is_tensor(batch.coefficients) and batch.coefficients.dtype == torch.float32
    assert batch.coefficients.shape == (3, mels.shape[1], 24) and batch.gain.shape == (3, mels.shape[1])
    for index, log_mel in enumerate(mels):
        alone = lpc_from_mel(log_mel, SPEC, **settings)
        assert isinstance(alone.coefficients, np.ndarray)
        assert np.max(np.abs(batch.coefficients[index].numpy() - alone.coefficients)) < 1e-6
        assert np.max(np.abs(batch.gain[index].numpy() - alone.gain)) < 1e-6 * alone.gain.max()
        single = lpc_from_mel(torch.from_numpy(log_mel), SPEC, **settings)  # measured: all three bitwise equal
        assert (single.coefficients - batch.coefficients[index]).abs().max() < 1e-6
        assert (single.gain - batch.gain[index]).abs().max() < 1e-6 * alone.gain.max()

    double = lpc_from_mel(torch.from_numpy(mels).double(), SPEC, **settings)
    assert double.coefficients.dtype == double.gain.dtype == torch.float64
    assert (double.coefficients.float() - batch.coefficients).abs().max() < 1e-5
    nested = lpc_from_mel(torch.from_numpy(mels[:2]).reshape(2, 1, *mels.shape[1:]), SPEC, **settings)
    assert nested.coefficients.shape == (2, 1, mels.shape[1], 24)
    assert (nested.coefficients[:, 0] - batch.coefficients[:2]).abs().max() < 1e-6


def test_lpc_predict_matches_a_direct_loop_and_the_residual_kernel(rng):
    """p[t] = Σ_k a[t, k-1] x[order + t - k], computed by loops, for a batch of 2; and, with the
    coefficients held per hop and a silent history, x - p is exactly what lpc_residual returns."""
    order, time, batch = 5, 37, 2
    signal = torch.from_numpy(rng.standard_normal((batch, order + time)))
    coefficients = torch.from_numpy(rng.standard_normal((batch, time, order)))
    expected = np.zeros((batch, time))
    for b in range(batch):
        for t in range(time):
            for k in range(1, order + 1):
                expected[b, t] += coefficients[b, t, k - 1].item() * signal[b, order + t - k].item()
    got = lpc_predict(signal, coefficients)
    assert got.shape == (batch, time)
    assert np.max(np.abs(got.numpy() - expected)) < 1e-12

    hop, frames = 8, 6
    x = rng.standard_normal(hop * frames)
    per_frame = 0.3 * rng.standard_normal((frames, order))
    per_sample = torch.from_numpy(np.repeat(per_frame, hop, axis=0))[None]
    history = torch.from_numpy(np.r_[np.zeros(order), x])[None]
    predicted = lpc_predict(history, per_sample)[0].numpy()
    assert np.max(np.abs((x - predicted) - lpc_residual(x, per_frame, hop))) < 1e-12


def test_a_sparse_predictor_computes_only_its_lags_and_predicts_the_same(rng):
    """lpc_predict with `lags` (used_lags of a predictor zero but at a few lags, as a period's is)
    reads the history those lags reach and equals the dense prediction."""
    order, time = 40, 30
    dense = np.zeros((2, time, order))
    dense[0, :, [3, 17]] = rng.standard_normal((2, time))
    dense[1, :, 17] = rng.standard_normal(time)
    dense = torch.from_numpy(dense)
    signal = torch.from_numpy(rng.standard_normal((2, order + time)))
    lags = used_lags(dense)
    assert lags.tolist() == [3, 17]
    sparse = lpc_predict(signal[:, order - 18 :], dense[..., lags], lags)
    assert torch.allclose(sparse, lpc_predict(signal, dense), rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "log_mel, settings, message",
    [
        (np.zeros((4, 79), np.float32), {}, "expected a log-mel"),
        (np.zeros(80, np.float32), {}, "expected a log-mel"),
        (torch.zeros(2, 4, 81), {}, "expected a log-mel"),
        (np.zeros((4, 80), np.float32), {"order": 0}, "order"),
        (np.zeros((4, 80), np.float32), {"order": 100}, "order"),
        (np.zeros((4, 80), np.float32), {"order": 24.0}, "order"),
        (np.zeros((4, 80), np.float32), {"preemphasis": 1.0}, "pre-emphasis"),
        (np.zeros((4, 80), np.float32), {"preemphasis": -0.1}, "pre-emphasis"),
        (np.zeros((4, 80), np.float32), {"lag_window_hz": -1.0}, "lag window"),
        (np.zeros((4, 80), np.float32), {"noise_floor": float("nan")}, "noise floor"),
        (np.zeros((4, 80), np.float32), {"lag_window_hz": float("inf")}, "lag window"),
        (np.zeros((4, 80), np.float32), {"order": True}, "order"),
    ],
    ids=["79-mels", "1-d", "torch-81-mels", "order-0", "order-100", "order-float", "alpha-1", "alpha-neg", "lag-neg",
         "floor-nan", "lag-inf", "order-bool"],
)
def test_bad_input_is_refused_with_a_tts_error(log_mel, settings, message):
    """Wrong n_mels or rank, an order outside 1..64 (or not a whole number), pre-emphasis outside
    [0, 1), a negative, infinite or NaN lag window / floor: a TTSError that says which."""
    with pytest.raises(TTSError, match=message):
        lpc_from_mel(log_mel, SPEC, **settings)


def test_pulse_source_has_unit_power_the_right_spacing_and_a_fixed_seed():
    """Voiced stretches: pulses sqrt(period) high, one per period (exact 128 samples at 125 Hz and
    16 kHz; 110 or 111, 110.25 on average, at 200 Hz and 22050 Hz), so unit power; unvoiced: unit
    variance noise; breath adds its share of noise to voiced samples; the same seed gives the same
    samples, another seed other noise."""
    hop = 160
    f0 = np.r_[np.zeros(50), np.full(100, 125.0), np.zeros(50)]
    source = pulse_source(f0, hop=hop, sample_rate=16000, seed=3, breath=0.0)
    assert source.dtype == np.float32 and source.shape == (len(f0) * hop,)
    voiced = source[50 * hop : 150 * hop]
    pulses = np.flatnonzero(voiced)
    assert np.all(np.diff(pulses) == 128)
    assert np.allclose(voiced[pulses], np.sqrt(128.0))
    assert np.mean(voiced**2) == pytest.approx(1.0, abs=0.01)
    unvoiced = np.r_[source[: 50 * hop], source[150 * hop :]]
    assert np.mean(unvoiced**2) == pytest.approx(1.0, abs=0.05) and abs(np.mean(unvoiced)) < 0.03

    # a period that is not a whole number of samples: spacings floor/ceil, the mean exact
    odd = pulse_source(np.full(100, 200.0), hop=256, sample_rate=22050, seed=0, breath=0.0)
    spacings = np.diff(np.flatnonzero(odd))
    assert set(spacings) <= {110, 111}
    assert np.mean(spacings) == pytest.approx(22050 / 200, abs=0.01)
    assert np.mean(odd**2) == pytest.approx(1.0, abs=0.01)

    # breath: the voiced power becomes 1 + breath² (pulses plus breath · unit noise)
    breathy = pulse_source(np.full(200, 125.0), hop=hop, sample_rate=16000, seed=1, breath=0.3)
    assert np.mean(breathy**2) == pytest.approx(1.09, abs=0.02)

    again = pulse_source(f0, hop=hop, sample_rate=16000, seed=3, breath=0.1)
    assert np.array_equal(again, pulse_source(f0, hop=hop, sample_rate=16000, seed=3, breath=0.1))
    other = pulse_source(f0, hop=hop, sample_rate=16000, seed=4, breath=0.1)
    assert not np.array_equal(again[: 50 * hop], other[: 50 * hop])


def test_no_frames_give_no_coefficients_and_no_audio():
    empty = lpc_from_mel(np.zeros((0, SPEC.n_mels), np.float32), SPEC, order=8)
    assert empty.coefficients.shape == (0, 8) and empty.gain.shape == (0,)
    assert LPCVocoder(SPEC).synthesize(np.zeros((0, SPEC.n_mels), np.float32), np.zeros(0)).shape == (0,)
    with pytest.raises(TTSError, match="cover 8"):  # more samples than the frames' coefficients reach
        lpc_residual(np.zeros(9), np.zeros((1, 4)), 8)


def test_f0_per_sample_glides_between_voiced_frames_only():
    """Between two voiced frame centres F0 is linear; unvoiced frames stay 0; the edges are held."""
    per_sample = f0_per_sample([0.0, 100.0, 200.0, 0.0], hop=4)
    assert per_sample.shape == (16,)
    assert np.all(per_sample[:4] == 0) and np.all(per_sample[12:] == 0)
    # centres at 5.5 (100 Hz) and 9.5 (200 Hz): held at 100 before, 25 Hz a sample between, 200 after
    assert np.allclose(per_sample[4:12], [100, 100, 112.5, 137.5, 162.5, 187.5, 200, 200])


@pytest.fixture(scope="module")
def vowel():
    """(waveform, log-mel, F0) of a speech_like vowel at 150 Hz after 0.25 s of noise."""
    wav = speech_like(np.random.default_rng(2024), seconds=1.0, f0=150.0, onset=0.25)
    log_mel = mel_numpy(wav.astype(np.float32), SPEC)
    f0 = np.where(np.arange(len(log_mel)) * HOP >= 0.25 * RATE, 150.0, 0.0)
    return wav, log_mel, f0


def test_lpc_vocoder_renders_a_vowel_at_its_level_and_pitch(vowel):
    """frames * hop float32 samples; RMS of the voiced part within a factor of 2 of the original
    (measured ratio 0.97), of the noise part too (measured 0.93); the autocorrelation of the voiced
    part peaks at the pulse period, 147 samples (22050 / 150)."""
    wav, log_mel, f0 = vowel
    vocoder = LPCVocoder(SPEC)
    assert vocoder.needs == ("mel", "f0") and vocoder.sample_rate == RATE
    out = vocoder([Utterance("a", mel=log_mel, f0=f0)])[0]
    assert out.dtype == np.float32 and out.shape == (len(log_mel) * HOP,)
    assert np.isfinite(out).all() and np.abs(out).max() <= 1.0

    def rms(x):
        return float(np.sqrt(np.mean(np.asarray(x, np.float64) ** 2)))

    voiced = slice(int(0.35 * RATE), len(wav) - HOP)
    noise = slice(2 * HOP, int(0.2 * RATE))
    assert 0.5 < rms(out[voiced]) / rms(wav[voiced]) < 2.0
    assert 0.5 < rms(out[noise]) / rms(wav[noise]) < 2.0

    segment = out[voiced].astype(np.float64) - out[voiced].mean()
    autocorrelation = np.correlate(segment, segment, "full")[len(segment) - 1 :]
    shortest, longest = RATE // 400, RATE // 60
    lag = shortest + int(np.argmax(autocorrelation[shortest:longest]))
    assert abs(lag - RATE / 150.0) <= 1

    # the same seed renders the same waveform
    assert np.array_equal(out, vocoder.synthesize(log_mel, f0))


def test_lpc_vocoder_bad_f0_loading_and_registry(vowel, tmp_path):
    """An F0 of the wrong length is a TTSError; load works from a folder holding lpc.json and from the
    file itself, and a missing or malformed settings file is a TTSError; the registry lists `lpc`."""
    _, log_mel, f0 = vowel
    vocoder = LPCVocoder(SPEC)
    with pytest.raises(TTSError, match=rf"expected \[{len(log_mel)}\]"):
        vocoder.synthesize(log_mel, f0[:-1])
    with pytest.raises(TTSError, match="needs f0"):
        vocoder([Utterance("a", mel=log_mel)])

    spec = FeatureSpec(sample_rate=16000, n_fft=512, hop_length=128, win_length=512, n_mels=64, fmax=8000.0)
    (tmp_path / "lpc.json").write_text(json.dumps({"spec": spec.to_dict(), "order": 16}))
    for path in (tmp_path, tmp_path / "lpc.json", str(tmp_path)):
        loaded = LPCVocoder.load(path)
        assert isinstance(loaded, LPCVocoder) and loaded.spec == spec and loaded.order == 16
    small = loaded.synthesize(np.full((5, 64), -3.0, np.float32), np.r_[0.0, 0.0, 200.0, 200.0, 200.0])
    assert small.shape == (5 * 128,) and np.isfinite(small).all()

    bad = {
        "not-json.json": "{spec: ",
        "no-spec.json": json.dumps({"order": 16}),
        "unknown-setting.json": json.dumps({"spec": spec.to_dict(), "orderr": 16}),
        "list.json": "[1, 2]",
        "unknown-spec-field.json": json.dumps({"spec": {"hop": 3}}),
        "bad-spec-value.json": json.dumps({"spec": {"fmax": "high"}}),
    }
    for name, text in bad.items():
        (tmp_path / name).write_text(text)
        with pytest.raises(TTSError):
            LPCVocoder.load(tmp_path / name)
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe")
    with pytest.raises(TTSError, match="not a LPC settings file"):
        LPCVocoder.load(tmp_path / "binary.json")
    with pytest.raises(TTSError, match="no such LPC settings file"):
        LPCVocoder.load(tmp_path / "missing")

    assert load_vocoder_class("lpc") is LPCVocoder
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginWarning)  # another plugin's trouble is not this test's
        assert installed_vocoders()["lpc"] is LPCVocoder
