"""TD-PSOLA: stretch a waveform piecewise to new durations, optionally moving its F0.

Analysis marks sit one period apart in voiced speech (each snapped to the waveform's peak near
where the F0 predicts it, so marks keep to one point of the cycle) and `unvoiced_period` apart
elsewhere. Each mark's grain reaches back to the previous mark and on to the next under a
two-sided raised-cosine window, so grains laid back at their own marks add up to the input exactly.
Synthesis marks walk the output one period at a time (the analysis grain's own period, or the
target F0's where both are voiced); each takes the grain of the analysis mark nearest to the time
it maps back to, which repeats or skips periods to meet the new durations.
"""

import numpy as np

from vocoders.concat.join import ramp, segment


def pitch_marks(wav, f0, *, sample_rate, unvoiced_period):
    """[marks] int64 sample positions from 0 to len(wav); `f0` is [samples] Hz, 0 where unvoiced."""
    marks = [0]
    while True:
        here = marks[-1]
        if f0[here] > 0:
            period = max(2, int(round(sample_rate / f0[here])))
            lo, hi = here + period - period // 4, min(here + period + period // 4 + 1, len(wav))
            if lo >= len(wav):
                break
            step = lo - here + int(np.argmax(wav[lo:hi]))
        else:
            step = unvoiced_period
        if here + step >= len(wav):
            break
        marks.append(here + step)
    marks.append(len(wav))  # a last grain that fades in to the end, so the ends add up like the rest
    return np.asarray(marks, dtype=np.int64)


def td_psola(wav, f0, *, source_bounds, target_bounds, sample_rate, unvoiced_period, target_f0=None):
    """[target_bounds[-1]] float32: wav[source_bounds[k]:source_bounds[k + 1]] stretched to last
    target_bounds[k + 1] - target_bounds[k] samples, for every k. Both bounds start at 0 and rise;
    source_bounds ends at len(wav). `f0` is [len(wav)] Hz of the input; `target_f0`, when given,
    [target_bounds[-1]] Hz that voiced grains are moved to."""
    wav = np.asarray(wav, dtype=np.float64)
    marks = pitch_marks(wav, f0, sample_rate=sample_rate, unvoiced_period=unvoiced_period)
    spacing = np.diff(marks)
    before = np.concatenate([spacing[:1], spacing])  # how far each grain reaches back ...
    after = np.concatenate([spacing, spacing[-1:]])  # ... and on
    n_out = int(target_bounds[-1])
    pad = int(max(before.max(), after.max()))
    out = np.zeros(n_out + 2 * pad)
    weight = np.zeros_like(out)
    here = float(np.interp(marks[0], source_bounds, target_bounds))
    while here <= n_out:
        source_time = np.interp(here, target_bounds, source_bounds)
        k = int(np.clip(np.searchsorted(marks, source_time), 1, len(marks) - 1))
        if source_time - marks[k - 1] < marks[k] - source_time:
            k -= 1
        back, on = int(before[k]), int(after[k])
        window = np.concatenate([ramp(back), ramp(on)[::-1]])
        at = int(round(here)) + pad - back
        out[at : at + back + on] += segment(wav, marks[k] - back, marks[k] + on) * window
        weight[at : at + back + on] += window
        step = on
        wanted = target_f0[min(int(here), n_out - 1)] if target_f0 is not None else 0.0
        own = f0[min(marks[k], len(f0) - 1)]
        if wanted > 0 and own > 0:  # the grain's own period scaled by the F0 ratio, so equal F0 changes nothing
            step = max(2, int(round(on * own / wanted)))
        here += step
    # where moved grains overlap more than the analysis did (F0 raised), keep the level
    return (out / np.maximum(weight, 1.0))[pad : pad + n_out].astype(np.float32)

