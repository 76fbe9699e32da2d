"""Settings of the unit database (fixed when it is built) and of synthesis (cost weights and joins).

The cost weights put terms of different units on one scale: a weight of 1 makes one unit of the
term (one whole-class phonetic mismatch, a factor e of duration, one semitone ...) cost 1.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class UnitConfig:
    """How `tts build-units` cuts and measures units; stored in the database and reused at synthesis."""

    pause_frames: int = 3  # a word separator this many frames long or more is a pause; shorter ones join their neighbours
    n_mfcc: int = 12  # cepstral coefficients 1..n (c0 left out: level is the energy term) at each unit boundary
    f0_floor: float = 60.0  # F0 search range (tts.pitch: WORLD DIO + StoneMask), Hz
    f0_ceil: float = 600.0


@dataclass(frozen=True)
class TargetWeights:
    """Target cost: how far a candidate unit is from what the target asks for."""

    context: float = 1.0  # phonetic distance (0..1) of the neighbour on the unit's outer side
    stress: float = 0.3  # stress differs (primary / secondary / none)
    duration: float = 1.0  # per unit of |log(unit duration / target duration)|
    f0: float = 0.05  # per semitone between unit and target mean F0, both voiced
    voicing: float = 0.5  # one voiced and the other not (only when the target has an F0 track)


@dataclass(frozen=True)
class JoinWeights:
    """Join cost between two units that were not neighbours in the corpus (neighbours cost 0)."""

    spectral: float = 0.3  # per unit of Euclidean distance of the boundary MFCCs (each coefficient divided by its corpus std)
    f0: float = 0.1  # per semitone of F0 jump at the boundary, both sides voiced
    energy: float = 0.03  # per dB of level jump at the boundary
    voicing: float = 0.5  # one side voiced and the other not


@dataclass(frozen=True)
class SynthesisConfig:
    target: TargetWeights = field(default_factory=TargetWeights)
    join: JoinWeights = field(default_factory=JoinWeights)
    beam: int = 50  # candidates per target kept by target cost (plus the corpus successors of the previous ones)
    fade_ms: float = 8.0  # crossfade length at a join (shortened for shorter units)
    search_ms: float = 5.0  # the right side of a join may shift this much to line up in phase with the left
    psola_duration: bool = True  # TD-PSOLA stretches each unit to its target duration
    psola_f0: bool = True  # TD-PSOLA also moves voiced units to the target F0 (when the utterance has one)


@dataclass(frozen=True)
class ConcatConfig:
    """The YAML file `tts build-units --config` reads: a `units:` and a `synthesis:` section."""

    units: UnitConfig = field(default_factory=UnitConfig)
    synthesis: SynthesisConfig = field(default_factory=SynthesisConfig)
