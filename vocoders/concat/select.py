"""Unit selection: the sequence of units with the least total target + join cost (Viterbi).

`viterbi` is the search alone, on any lattice of costs. `select_units` builds the lattice for an
utterance: each target's unit type (backed off when the speaker has none), its `beam` candidates
of least target cost, and the corpus successors of the previous step's candidates, so that a run
of units that followed each other in a recording can always continue (its joins cost nothing).
"""

from dataclasses import dataclass

import numpy as np

from tts.errors import TTSError
from vocoders.concat.backoff import resolve, split_type
from vocoders.concat.costs import join_costs, target_costs
from vocoders.concat.units import HALVES


def viterbi(target_costs, join_costs):
    """(path, total) of least cost through a lattice.

    target_costs: T arrays, [K_t] cost of each candidate of step t; join_costs: T - 1 arrays,
    [K_t, K_t+1] cost of going from candidate i of step t to candidate j of step t + 1.
    path[t] is the chosen candidate index at step t; total is the summed cost of the path.
    """
    if not target_costs:
        return np.zeros(0, dtype=np.int64), 0.0
    if len(join_costs) != len(target_costs) - 1:
        raise ValueError(f"{len(target_costs)} steps need {len(target_costs) - 1} join cost matrices, got {len(join_costs)}")
    best = np.asarray(target_costs[0], dtype=np.float64)  # least cost of a path ending in each candidate
    pointers = []
    for step, (joins, costs) in enumerate(zip(join_costs, target_costs[1:]), start=1):
        joins = np.asarray(joins, dtype=np.float64)
        if joins.shape != (len(best), len(costs)):
            raise ValueError(f"join costs into step {step} have shape {joins.shape}, expected {(len(best), len(costs))}")
        through = best[:, None] + joins
        pointers.append(np.argmin(through, axis=0))
        best = through[pointers[-1], np.arange(len(costs))] + np.asarray(costs, dtype=np.float64)
    path = [int(np.argmin(best))]
    for pointer in reversed(pointers):
        path.append(int(pointer[path[-1]]))
    return np.asarray(path[::-1], dtype=np.int64), float(best.min())


@dataclass(frozen=True)
class Selection:
    units: np.ndarray  # [T] unit ids
    target_costs: np.ndarray  # [T] of the chosen units
    join_costs: np.ndarray  # [T - 1] between consecutive chosen units
    natural: np.ndarray  # [T - 1] bool: the two units followed each other in a recording
    backoffs: list  # [Backoff] for the target types the speaker lacks
    total: float


def select_units(database, targets, speaker, config, *, use_f0):
    """Selection of one unit per target (HalfPhones) among `speaker`'s units."""
    available = database.type_counts(speaker)
    if not available:
        raise TTSError(f"the unit database has no units of speaker {database.speakers[speaker]!r}")
    types, backoffs = resolve(targets.types, available)
    phone_code = {phone: code for code, phone in enumerate(database.phones)}
    units = database.units
    candidates, costs, joins = [], [], []
    for t, unit_type in enumerate(types):
        ids = database.units_of(speaker, unit_type)
        scores = target_costs(database, ids, targets, t, config.target, use_f0=use_f0)
        ids = ids[np.argsort(scores, kind="stable")[: config.beam]]
        if candidates:
            phone, half = split_type(unit_type)
            after = candidates[-1] + 1
            after = after[after < len(database)]
            after = after[
                (units["utterance"][after] == units["utterance"][after - 1])
                & (units["phone"][after] == phone_code[phone])
                & (units["half"][after] == HALVES.index(half))
            ]
            ids = np.union1d(ids, after)
        costs.append(target_costs(database, ids, targets, t, config.target, use_f0=use_f0))
        if candidates:
            joins.append(join_costs(database, candidates[-1], ids, config.join))
        candidates.append(ids)
    path, total = viterbi(costs, joins)
    chosen = np.asarray([ids[i] for ids, i in zip(candidates, path)], dtype=np.int64)
    return Selection(
        units=chosen,
        target_costs=np.asarray([c[i] for c, i in zip(costs, path)]),
        join_costs=np.asarray([j[a, b] for j, a, b in zip(joins, path[:-1], path[1:])]),
        natural=(chosen[1:] == chosen[:-1] + 1) & (units["utterance"][chosen[1:]] == units["utterance"][chosen[:-1]]),
        backoffs=backoffs,
        total=total,
    )
