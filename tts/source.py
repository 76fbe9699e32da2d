"""F0-driven source signals: the excitation of a source-filter model, from frame F0.

    source = pulse_source(f0, hop=256, sample_rate=22050, seed=0)   # float32 [frames * hop]
    sine = sine_source(f0, hop=256, sample_rate=22050)              # deterministic, 0 where unvoiced

F0 [frames] in Hz (0 = unvoiced) is interpolated linearly between frames that are both voiced, so
the pulses do not jump in period at frame edges. One pulse falls wherever the phase passes a whole
cycle, with a height of sqrt(period) so that the train has unit power at any pitch; unvoiced
samples are unit-variance Gaussian noise, and voiced ones carry `breath` of it too. The parametric
`lpc` vocoder drives its filter with the pulses; the excitation WaveNet can read the sine (neural
source-filter models' sine excitation) as a cue to the period.
"""

import numba
import numpy as np


@numba.njit(cache=True)
def _pulses(f0_per_sample, sample_rate, noise, breath):
    out = np.empty(len(f0_per_sample), np.float32)
    phase = 0.0
    for t in range(len(out)):
        f0 = f0_per_sample[t]
        if f0 <= 0.0:
            out[t] = noise[t]
            phase = 0.0
            continue
        phase += f0 / sample_rate
        pulse = 0.0
        if phase >= 1.0:
            phase -= 1.0
            pulse = np.sqrt(sample_rate / f0)
        out[t] = pulse + breath * noise[t]
    return out


def f0_per_sample(f0, hop):
    """[frames] -> [frames * hop]: linear between neighbouring voiced frames (frame f's value at the
    centre of its samples), held flat elsewhere; unvoiced frames stay 0."""
    f0 = np.asarray(f0, dtype=np.float64)
    per_sample = np.repeat(f0, hop)
    if not len(f0):
        return per_sample
    centres = np.arange(len(f0)) * hop + (hop - 1) / 2
    times = np.arange(len(per_sample))
    voiced = f0 > 0
    glide = np.interp(times, centres, f0)
    both = np.repeat(voiced, hop) & (np.interp(times, centres, voiced.astype(float)) == 1.0)
    per_sample[both] = glide[both]
    return per_sample


def pulse_source(f0, *, hop, sample_rate, seed=0, breath=0.1):
    """Unit-power excitation [frames * hop]: pulses at F0 (plus `breath` noise) where voiced, noise where not."""
    per_sample = f0_per_sample(f0, hop)
    noise = np.random.default_rng(seed).standard_normal(len(per_sample))
    return _pulses(per_sample, float(sample_rate), noise, float(breath))


def sine_source(f0, *, hop, sample_rate, phase=0.0):
    """A sine at F0 [frames] (interpolated as f0_per_sample), 0 where unvoiced: float32 [frames * hop].
    The phase starts at `phase` (radians) and advances only where voiced."""
    per_sample = f0_per_sample(f0, hop)
    phases = phase + 2 * np.pi * np.cumsum(per_sample) / sample_rate
    return np.where(per_sample > 0, np.sin(phases), 0.0).astype(np.float32)
