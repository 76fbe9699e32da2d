"""What a Voice is asked to say, as a plan: spoken texts, each with its own settings, and silences.

Plain text is one SpokenText with the request's settings. SSML (frontends.ssml) becomes one per
part, its style applied on top of the request's: `<voice name>` picks the speaker, `<prosody>` and
`<emphasis>` scale the speed and move the pitch, volume becomes a gain. Everything is resolved
here, before any model runs, so a bad speaker name inside SSML fails like a bad --speaker.
"""

import math
from dataclasses import dataclass
from typing import Optional

from tts.errors import UsageError

MIN_SPEED, MAX_SPEED = 0.25, 4.0
MAX_PITCH_SHIFT = 12.0  # semitones either way: an octave; past it the acoustic model leaves what it learned


@dataclass(frozen=True)
class SpokenText:
    text: object  # a str, or (plain text only) an iterable of str pieces
    speaker: object  # a resolved index or {index: weight}
    speed: float
    pitch_shift: float  # semitones
    pitch_hz: Optional[float] = None  # target median F0 of each sentence, before pitch_shift
    gain: float = 1.0  # amplitude factor


@dataclass(frozen=True)
class Silence:
    seconds: float


@dataclass(frozen=True)
class Plan:
    parts: tuple  # SpokenText and Silence, in order
    warnings: tuple = ()  # SSML markup that was ignored, one line each


def check_speed(speed):
    if not isinstance(speed, (int, float)) or not MIN_SPEED <= speed <= MAX_SPEED:
        raise UsageError(f"speed must be between {MIN_SPEED:g} and {MAX_SPEED:g}, got {speed!r}")


def check_pitch_shift(pitch_shift):
    if not isinstance(pitch_shift, (int, float)) or not -MAX_PITCH_SHIFT <= pitch_shift <= MAX_PITCH_SHIFT:
        raise UsageError(f"pitch shift must be between -{MAX_PITCH_SHIFT:g} and {MAX_PITCH_SHIFT:g} semitones, "
                         f"got {pitch_shift!r}")


def plan_text(text, *, ssml, speaker, speed, pitch_shift, resolve_speaker):
    """The Plan for `text`; speaker already resolved, resolve_speaker(name) for SSML's <voice>.
    ssml: True, False, or "auto" (SSML when the text starts like an XML document, e.g. <speak>)."""
    check_speed(speed)
    check_pitch_shift(pitch_shift)
    if ssml == "auto":
        from frontends.ssml import looks_like_ssml  # the frontend loads lazily, as in Voice.load

        ssml = looks_like_ssml(text)
    if not ssml:
        return Plan((SpokenText(text, speaker, speed, pitch_shift),))
    from frontends.ssml import Pause, parse_ssml  # only SSML needs the parser

    if not isinstance(text, str):
        raise UsageError("SSML must be given as one str, not as pieces")
    document = parse_ssml(text)
    warnings = list(document.warnings)
    parts = []
    for part in document.parts:
        if isinstance(part, Pause):
            parts.append(Silence(part.seconds))
            continue
        style = part.style
        wanted = speed * style.speed
        clamped = min(max(wanted, MIN_SPEED), MAX_SPEED)
        if clamped != wanted:
            warnings.append(f"prosody speed {wanted:.2f} is outside {MIN_SPEED:g}..{MAX_SPEED:g}; {clamped:g} is used")
        shift = min(max(pitch_shift + style.semitones, -MAX_PITCH_SHIFT), MAX_PITCH_SHIFT)
        if shift != pitch_shift + style.semitones:
            warnings.append(f"prosody pitch {pitch_shift + style.semitones:+.1f} semitones is outside "
                            f"±{MAX_PITCH_SHIFT:g}; {shift:+g} is used")
        parts.append(SpokenText(
            part.text,
            speaker if style.voice is None else resolve_speaker(style.voice),
            clamped,
            shift,
            style.pitch_hz,
            0.0 if style.volume_db == -math.inf else 10.0 ** (style.volume_db / 20.0),
        ))
    if not parts:
        raise UsageError("nothing to speak: the SSML has no text and no breaks")
    return Plan(tuple(parts), tuple(dict.fromkeys(warnings)))
