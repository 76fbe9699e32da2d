"""The pitch post-filter (tts.pitch_comb): a signal periodic at its F0 passes unchanged, a gliding
pitch too, what differs from period to period is attenuated by the comb's stated power gain,
unvoiced frames pass untouched and stay out of the voiced frames' averages, the guard keeps the
average to cycles whose mel frames sound alike, and streaming in any chunks gives exactly what one
pass gives."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tts.errors import TTSError
from tts.features import FeatureSpec
from tts.pitch_comb import PitchComb

SPEC = FeatureSpec(sample_rate=16000)  # hop 256
FRAMES = 40
F0 = 200.0  # a period of exactly 80 samples


def harmonic(n, hz=F0, seed=0):
    """A tone of 5 harmonics at random phases, periodic at `hz`."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / SPEC.sample_rate
    return sum(np.sin(2 * np.pi * k * hz * t + rng.uniform(0, 2 * np.pi)) / k for k in range(1, 6))


def voiced_f0(frames=FRAMES, hz=F0):
    return np.full(frames, hz, np.float32)


def test_a_signal_periodic_at_its_f0_passes_unchanged():
    wav = harmonic(FRAMES * SPEC.hop_length)
    out = PitchComb.apply(SPEC, voiced_f0(), wav, periods=3, decay=0.8)
    assert out.dtype == np.float32 and len(out) == len(wav)
    np.testing.assert_allclose(out, wav, atol=1e-5)


@pytest.mark.parametrize(("periods", "decay"), [(1, 0.5), (2, 0.7), (4, 0.9)])
def test_what_differs_between_periods_is_attenuated_by_the_combs_power_gain(periods, decay):
    """White noise through taps of weight decay**j at whole periods each side, normalized: its
    power falls to sum(w**2) / sum(w)**2 (away from the ends, where taps are missing)."""
    noise = np.random.default_rng(1).standard_normal(FRAMES * SPEC.hop_length)
    out = PitchComb.apply(SPEC, voiced_f0(), noise, periods=periods, decay=decay)
    weights = np.array([1.0] + [decay**j for j in range(1, periods + 1)] * 2)
    middle = slice(periods * 80, len(noise) - periods * 80)
    measured = np.mean(out[middle] ** 2) / np.mean(noise[middle] ** 2)
    assert measured == pytest.approx((weights**2).sum() / weights.sum() ** 2, rel=0.08)


def test_unvoiced_frames_pass_untouched_and_the_filter_follows_the_f0():
    """Frames 0-14 at 200 Hz, 15-24 unvoiced, 25-39 at 250 Hz (a period of 64 samples): the tone at
    each pitch survives, noise does not, and the unvoiced stretch is the input exactly once a frame
    from the voiced ones (the voicing ramps between the frames' centres)."""
    hop, n = SPEC.hop_length, FRAMES * SPEC.hop_length
    f0 = np.r_[np.full(15, 200.0), np.zeros(10), np.full(15, 250.0)]
    tone = np.r_[harmonic(15 * hop, 200.0), np.zeros(10 * hop), harmonic(15 * hop, 250.0, seed=2)]
    noise = 0.3 * np.random.default_rng(3).standard_normal(n)
    out = PitchComb.apply(SPEC, f0, tone + noise, periods=2, decay=0.7)
    unvoiced = slice(16 * hop, 24 * hop)
    np.testing.assert_array_equal(out[unvoiced], (tone + noise)[unvoiced].astype(np.float32))
    for voiced in (slice(2 * hop, 13 * hop), slice(27 * hop, 38 * hop)):
        error_before = np.mean(noise[voiced] ** 2)
        error_after = np.mean((out[voiced] - tone[voiced]) ** 2)
        assert error_after < 0.35 * error_before  # the stated gain for (2, 0.7) is 0.29


@pytest.mark.parametrize(("periods", "decay"), [(3, 0.8), (8, 0.95)])
def test_a_gliding_pitch_passes_unchanged(periods, decay):
    """A tone whose phase follows an F0 gliding from 120 to 300 Hz in 0.64 s: taps whole cycles
    away along that phase find the same point of the waveform, so it passes within -40 dB (taps at
    whole multiples of the current period, the filter before, left it at -17 and -5 dB)."""
    hop, n = SPEC.hop_length, FRAMES * SPEC.hop_length
    f0 = np.geomspace(120.0, 300.0, FRAMES)
    period = np.interp(np.arange(n), (np.arange(FRAMES) + 0.5) * hop, SPEC.sample_rate / f0)
    phase = np.r_[0.0, np.cumsum(1.0 / period)][:n]
    rng = np.random.default_rng(6)
    tone = sum(np.sin(2 * np.pi * k * phase + rng.uniform(0, 2 * np.pi)) / k for k in range(1, 6))
    out = PitchComb.apply(SPEC, f0, tone, periods=periods, decay=decay)
    middle = slice(8 * hop, n - 8 * hop)  # away from the ends, where taps are missing
    assert np.mean((out[middle] - tone[middle]) ** 2) < 1e-4 * np.mean(tone[middle] ** 2)


def test_a_voiced_average_leaves_out_the_unvoiced_sound_beside_it():
    """A 200 Hz tone (frames 0-19) before loud noise (frames 20-39, unvoiced): the last voiced
    frames reach 8 cycles into the noise, but a tap counts as much as the voicing where it lands,
    so they stay within a mean squared error of 0.01 of the tone (the noise's power is 9; the error
    is 0.05 when taps landing in the noise count fully)."""
    hop, n = SPEC.hop_length, FRAMES * SPEC.hop_length
    f0 = np.r_[np.full(20, 200.0), np.zeros(20)]
    voiced = np.arange(n) < 20 * hop
    tone = np.where(voiced, np.sin(2 * np.pi * 200.0 * np.arange(n) / SPEC.sample_rate), 0.0)
    noise = np.where(voiced, 0.0, 3.0 * np.random.default_rng(7).standard_normal(n))
    out = PitchComb.apply(SPEC, f0, tone + noise, periods=8, decay=0.95)
    last_voiced = slice(16 * hop, 19 * hop)
    assert np.mean((out[last_voiced] - tone[last_voiced]) ** 2) < 0.01


def test_no_periods_or_no_voicing_is_the_identity():
    wav = np.random.default_rng(4).standard_normal(FRAMES * SPEC.hop_length).astype(np.float32)
    np.testing.assert_array_equal(PitchComb.apply(SPEC, voiced_f0(), wav, periods=0, decay=0.7), wav)
    np.testing.assert_array_equal(PitchComb.apply(SPEC, np.zeros(FRAMES), wav, periods=3, decay=0.7), wav)


def test_the_guard_keeps_a_vowels_average_to_the_cycles_that_sound_alike():
    """Two vowels at the same 200 Hz F0, frames 0-19 and 20-39, their log-mels 2 nats apart (RMS):
    unguarded, the last frame before the change averages in cycles of the next vowel (an error of
    0.1 of the tone's power); with a guard of 0.5 nats those taps count exp(-16) and the first
    vowel comes through within 1e-3 of it. Where the mel does not move the guard changes nothing."""
    hop, n = SPEC.hop_length, FRAMES * SPEC.hop_length
    first, second = harmonic(n, seed=0), harmonic(n, seed=1)
    wav = np.where(np.arange(n) < 20 * hop, first, second)
    mel = np.r_[np.zeros((20, SPEC.n_mels)), np.full((20, SPEC.n_mels), 2.0)]
    unguarded = PitchComb.apply(SPEC, voiced_f0(), wav, periods=4, decay=0.9)
    guarded = PitchComb.apply(SPEC, voiced_f0(), wav, periods=4, decay=0.9, mel=mel, guard=0.5)
    before = slice(19 * hop, 20 * hop)
    power = np.mean(first[before] ** 2)
    assert np.mean((unguarded[before] - first[before]) ** 2) > 0.05 * power
    assert np.mean((guarded[before] - first[before]) ** 2) < 1e-3 * power
    noise = np.random.default_rng(8).standard_normal(n)
    steady = np.ones((FRAMES, SPEC.n_mels))
    np.testing.assert_array_equal(
        PitchComb.apply(SPEC, voiced_f0(), noise, periods=4, decay=0.9, mel=steady, guard=0.5),
        PitchComb.apply(SPEC, voiced_f0(), noise, periods=4, decay=0.9),
    )


@settings(max_examples=25, deadline=None)
@given(cuts=st.lists(st.integers(0, FRAMES * 256), max_size=8), low_hz=st.floats(60.0, 400.0))
def test_streaming_in_any_chunks_equals_one_pass_exactly(cuts, low_hz):
    """Each sample comes out once the samples `periods` periods past it are in, with the arithmetic
    of one pass: a gliding F0 (fractional periods) with an unvoiced gap, any chunking."""
    n = FRAMES * SPEC.hop_length
    f0 = np.linspace(low_hz, low_hz * 1.5, FRAMES)
    f0[18:22] = 0
    wav = np.random.default_rng(5).standard_normal(n).astype(np.float32)
    mel = np.random.default_rng(9).standard_normal((FRAMES, SPEC.n_mels))  # the guard on
    whole = PitchComb.apply(SPEC, f0, wav, periods=3, decay=0.8, mel=mel, guard=1.5)
    bounds = [0, *sorted(cuts), n]
    comb = PitchComb(SPEC, f0, periods=3, decay=0.8, mel=mel, guard=1.5)
    streamed = np.concatenate(list(comb.stream(wav[a:b] for a, b in zip(bounds, bounds[1:]))))
    np.testing.assert_array_equal(streamed, whole)


def test_it_reads_no_further_ahead_than_its_periods():
    """Latency: fed all but the last samples, everything up to periods x the longest period (and a
    sample for the interpolation) before the end is out."""
    n = FRAMES * SPEC.hop_length
    comb = PitchComb(SPEC, voiced_f0(), periods=2, decay=0.7)
    assert len(comb.feed(np.zeros(n))) == n - (2 * 80 + 1)
    assert len(comb.finish()) == 2 * 80 + 1


@pytest.mark.parametrize(
    ("periods", "decay", "message"),
    [(-1, 0.7, "periods must be a whole number"), (1.5, 0.7, "periods must be a whole number"),
     (2, 0.0, r"decay must be a number in \(0, 1\]"), (2, 1.5, r"decay must be a number in \(0, 1\]")],
)
def test_bad_settings_are_one_line_errors(periods, decay, message):
    with pytest.raises(TTSError, match=message):
        PitchComb(SPEC, voiced_f0(), periods=periods, decay=decay)


@pytest.mark.parametrize("guard", [-0.5, float("nan"), float("inf"), True, "1"])
def test_a_bad_guard_is_a_one_line_error(guard):
    mel = np.zeros((FRAMES, SPEC.n_mels))
    with pytest.raises(TTSError, match="guard must be a number of nats, 0 or more"):
        PitchComb(SPEC, voiced_f0(), periods=2, decay=0.7, mel=mel, guard=guard)


def test_a_guard_needs_the_mel():
    with pytest.raises(TTSError, match="guard needs the utterance's mel"):
        PitchComb(SPEC, voiced_f0(), periods=2, decay=0.7, guard=1.0)
