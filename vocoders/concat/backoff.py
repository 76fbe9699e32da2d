"""Stand-ins for unit types the database lacks: the nearest type by phonetic features.

A target type "X.L" missing from a speaker's units is replaced by the left half of the phone
nearest to X (vocoders/concat/phonetics.py; ties go to the type with more units, then by name). A
phone of no class present (one outside the phone table, or a vowel in a database of consonants)
becomes a pause, since silence is a safer stand-in than an unrelated sound. Every replacement is
reported to the caller, never silent.
"""

from collections import Counter
from dataclasses import dataclass

from vocoders.concat.phonetics import PAUSE, distance


@dataclass(frozen=True)
class Backoff:
    wanted: str  # the missing unit type
    used: str  # the type that stands in for it
    count: int  # targets it served

    def __str__(self):
        return f"{self.wanted}->{self.used} ({self.count})"


def nearest_type(unit_type, available):
    """The type in `available` ({type: unit count}) that stands in for `unit_type`."""
    phone, half = split_type(unit_type)
    same_half = [t for t in available if split_type(t)[1] == half]
    if not same_half:
        raise ValueError(f"no unit of half {half!r} to stand in for {unit_type!r}")
    best = min(same_half, key=lambda t: (distance(phone, split_type(t)[0]), -available[t], t))
    pause = f"{PAUSE}.{half}"
    if distance(phone, split_type(best)[0]) >= 1 and pause in available:
        return pause
    return best


def resolve(wanted_types, available):
    """(the type to use for each wanted type, [Backoff] for those that were missing)."""
    used, counts, stand_in = [], Counter(), {}
    for unit_type in wanted_types:
        if unit_type not in available:
            if unit_type not in stand_in:
                stand_in[unit_type] = nearest_type(unit_type, available)
            counts[unit_type] += 1
            unit_type = stand_in[unit_type]
        used.append(unit_type)
    return used, [Backoff(wanted, stand_in[wanted], count) for wanted, count in counts.items()]


def split_type(unit_type):
    phone, _, half = unit_type.rpartition(".")
    return phone, half
