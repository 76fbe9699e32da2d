"""SSML attribute values -> numbers: break times, prosody rate, pitch and volume, emphasis.

Each parser returns a function of the enclosing value (so nesting composes: a relative change
inside another applies to it), or raises ValueError with what it expected, which the document
walker turns into a warning: a bad attribute is ignored, never fatal.

Rate is a speed factor (2 = twice as fast); pitch a (semitones, absolute Hz or None) pair; volume
a gain in dB (-inf for "silent").
"""

import math
import re

MAX_BREAK_SECONDS = 10.0  # longer breaks are clamped (and reported): one tag must not pin a server

BREAK_STRENGTH_SECONDS = {"none": 0.0, "x-weak": 0.05, "weak": 0.15, "medium": 0.3, "strong": 0.6, "x-strong": 1.0}
RATE_NAMES = {"x-slow": 0.6, "slow": 0.8, "medium": 1.0, "default": 1.0, "fast": 1.25, "x-fast": 1.6}
PITCH_NAMES_SEMITONES = {"x-low": -6.0, "low": -3.0, "medium": 0.0, "default": 0.0, "high": 3.0, "x-high": 6.0}
VOLUME_NAMES_DB = {"silent": -math.inf, "x-soft": -12.0, "soft": -6.0, "medium": 0.0, "default": 0.0,
                   "loud": 4.0, "x-loud": 8.0}
# <emphasis level>: (speed factor, semitones); documented in the README's SSML section.
EMPHASIS = {"strong": (0.8, 2.0), "moderate": (0.9, 1.0), "none": (1.0, 0.0), "reduced": (1.1, -1.0)}

_NUMBER = r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+"
_TIME = re.compile(rf"(?P<value>{_NUMBER})\s*(?P<unit>ms|s)")
_RELATIVE = re.compile(rf"(?P<sign>[+-])(?P<value>{_NUMBER})\s*(?P<unit>%|st|dB|Hz)?", re.IGNORECASE)
_ABSOLUTE = re.compile(rf"(?P<value>{_NUMBER})\s*(?P<unit>%|Hz|dB)?", re.IGNORECASE)


def break_seconds(time=None, strength=None):
    """(seconds, clamped) for <break>: `time` wins over `strength`; neither means a medium break."""
    if time is not None:
        match = _TIME.fullmatch(time.strip())
        if match is None:
            raise ValueError(f"break time {time!r} is not like '300ms' or '1.5s'")
        seconds = float(match["value"]) / (1000.0 if match["unit"] == "ms" else 1.0)
        return min(seconds, MAX_BREAK_SECONDS), seconds > MAX_BREAK_SECONDS
    if strength is not None:
        if strength not in BREAK_STRENGTH_SECONDS:
            raise ValueError(f"break strength {strength!r} is not one of {', '.join(BREAK_STRENGTH_SECONDS)}")
        return BREAK_STRENGTH_SECONDS[strength], False
    return BREAK_STRENGTH_SECONDS["medium"], False


def rate_change(value):
    """<prosody rate>: a name or "150%" sets the speed factor (against the request's own speed);
    "+20%" / "-20%" or a bare factor "1.5" scale the enclosing one. Returns enclosing -> factor."""
    value = value.strip()
    if value in RATE_NAMES:
        return lambda enclosing: RATE_NAMES[value]
    relative = _RELATIVE.fullmatch(value)
    if relative and relative["unit"] == "%":
        factor = 1.0 + _signed(relative) / 100.0
        _require(factor > 0, f"rate {value!r} would stop speech")
        return lambda enclosing: enclosing * factor
    absolute = _ABSOLUTE.fullmatch(value)
    if absolute and absolute["unit"] in ("%", None):
        factor = float(absolute["value"]) / (100.0 if absolute["unit"] else 1.0)
        _require(factor > 0, f"rate {value!r} would stop speech")
        return (lambda enclosing: factor) if absolute["unit"] else (lambda enclosing: enclosing * factor)
    raise ValueError(f"rate {value!r} is not a name ({', '.join(RATE_NAMES)}), a percentage or a factor")


def pitch_change(value):
    """<prosody pitch>: a name or "+2st" / "-10%" moves by semitones; "180Hz" sets the sentence's
    median F0. Returns a function (semitones, hz) -> (semitones, hz)."""
    value = value.strip()
    if value in PITCH_NAMES_SEMITONES:
        return lambda semitones, hz: (semitones + PITCH_NAMES_SEMITONES[value], hz)
    relative = _RELATIVE.fullmatch(value)
    if relative and (relative["unit"] or "").lower() in ("st", "%"):
        if relative["unit"].lower() == "st":
            step = _signed(relative)
        else:
            ratio = 1.0 + _signed(relative) / 100.0
            _require(ratio > 0, f"pitch {value!r} is below zero")
            step = 12.0 * math.log2(ratio)
        return lambda semitones, hz: (semitones + step, hz)
    absolute = _ABSOLUTE.fullmatch(value)
    if absolute and (absolute["unit"] or "").lower() == "hz":
        target = float(absolute["value"])
        _require(target > 0, f"pitch {value!r} must be above 0 Hz")
        return lambda semitones, hz: (0.0, target)
    raise ValueError(f"pitch {value!r} is not a name ({', '.join(PITCH_NAMES_SEMITONES)}), "
                     "a change like '+2st' or '-10%', or a frequency like '180Hz'")


def volume_change(value):
    """<prosody volume>: a name sets the gain, "+6dB" / "-3dB" changes the enclosing one."""
    value = value.strip()
    if value in VOLUME_NAMES_DB:
        return lambda enclosing: VOLUME_NAMES_DB[value]
    relative = _RELATIVE.fullmatch(value)
    if relative and (relative["unit"] or "").lower() == "db":
        return lambda enclosing: enclosing + _signed(relative)
    raise ValueError(f"volume {value!r} is not a name ({', '.join(VOLUME_NAMES_DB)}) or a change like '+6dB'")


def _signed(match):
    return float(match["value"]) * (-1.0 if match["sign"] == "-" else 1.0)


def _require(condition, message):
    if not condition:
        raise ValueError(message)
