"""Target and join costs, vectorized over the candidate units of a lattice step.

Target cost (unit against the half-phone the utterance asks for): phonetic distance of the outer
neighbour (the context that shaped the unit's boundary with the next phone), stress mismatch,
|log duration ratio|, and, when the utterance has an F0 track, the F0 distance in semitones plus a
voicing mismatch. Join cost (left unit's end against right unit's start): distance of the MFCCs,
F0 jump in semitones, level jump in dB and voicing mismatch, each compared between the frame that
followed the left unit in its recording and the right unit's first frame. A unit joined to its own
successor in the corpus compares a frame with itself, so natural joins cost exactly 0.
"""

import numpy as np

from vocoders.concat.phonetics import distance


def target_costs(database, ids, targets, t, weights, *, use_f0):
    """[len(ids)] cost of each unit id against target t of `targets` (HalfPhones)."""
    units = database.units
    outer = np.where(units["half"][ids] == 0, units["prev"][ids], units["next"][ids])
    context = np.asarray([distance(targets.outer[t], phone) for phone in database.phones])[outer]
    stress = units["stress"][ids] != targets.stress[t]
    length = (units["end"][ids] - units["start"][ids]) / (targets.end[t] - targets.start[t])
    cost = weights.context * context + weights.stress * stress + weights.duration * np.abs(np.log(length))
    if use_f0:
        cost = cost + _f0_terms(units["f0"][ids], targets.f0[t], weights)
    return cost


def join_costs(database, left, right, weights):
    """[len(left), len(right)] cost of following each left unit id by each right unit id."""
    units = database.units
    spectral = np.linalg.norm(units["mfcc_after"][left][:, None, :] - units["mfcc_first"][right][None, :, :], axis=-1)
    energy = np.abs(units["energy_after"][left][:, None] - units["energy_first"][right][None, :])
    f0 = _f0_terms(units["f0_after"][left][:, None], units["f0_first"][right][None, :], weights)
    return weights.spectral * spectral + weights.energy * energy + f0


def _f0_terms(a, b, weights):
    """weights.f0 per semitone where both are voiced, weights.voicing where exactly one is."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    both = (a > 0) & (b > 0)
    semitones = np.where(both, 12 * np.abs(np.log2(np.where(both, a, 1) / np.where(both, b, 1))), 0.0)
    return weights.f0 * semitones + weights.voicing * ((a > 0) != (b > 0))
