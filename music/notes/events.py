"""A piece as a sequence of events: what sounds (a chord of MIDI pitches, one pitch, or a rest) and
for how long, in quarter notes. Scores come in through music21 (MIDI, MusicXML, Humdrum) and go
out as MIDI.

Every part but percussion is merged into one line of vertical slices (music21's chordify), so a
four-voice chorale becomes the chords it sounds; `texture="melody"` keeps only each slice's top
pitch (the soprano of a chorale). A note held across slices (a tie) is one event, rests in a row
merge, and grace notes (no duration) are dropped, as are rests before the first note and after the
last (a pickup's padding, a bar filled out).
"""

from dataclasses import dataclass
from pathlib import Path

from tts.atomic import atomic_path
from tts.errors import TTSError

TEXTURES = ("chords", "melody")
SCORE_SUFFIXES = (".mid", ".midi", ".mxl", ".musicxml", ".xml", ".krn")


@dataclass(frozen=True)
class Event:
    pitches: tuple[int, ...]  # MIDI numbers, low to high; () is a rest
    quarters: float  # duration in quarter notes


@dataclass(frozen=True)
class Piece:
    id: str  # the file's name, or its path inside music21's corpus
    events: tuple[Event, ...]

    @property
    def notes(self):
        """The events that sound (not rests)."""
        return [event for event in self.events if event.pitches]


def read_piece(path, *, texture="chords", piece_id=None):
    """The Piece in a MIDI, MusicXML or Humdrum file; a TTSError naming the file when it cannot be
    read or holds no pitched notes (a drum track alone)."""
    from music21 import converter

    path = Path(path)
    if texture not in TEXTURES:
        raise TTSError(f"texture must be one of {TEXTURES}, got {texture!r}")
    try:
        # forceSource: never music21's pickle cache in the temp folder (a pickle is never loaded, and two
        # processes parsing one file raced on it)
        score = converter.parse(str(path), forceSource=True)
    except Exception as error:  # music21 raises many kinds (MidiException, ConverterException, ...)
        reason = str(error).splitlines()[0][:120] if str(error) else type(error).__name__
        raise TTSError(f"{path}: not a readable MIDI or MusicXML score ({reason})") from None
    events = _events(_pitched(score), texture)
    if not any(event.pitches for event in events):
        raise TTSError(f"{path}: holds no pitched notes (a drum track alone, or empty); nothing to learn or prime from")
    return Piece(piece_id or path.name, tuple(events))


def write_midi(events, path, *, tempo=90, program=0):
    """Write `events` as a one-track MIDI file (General MIDI `program`, 0 = piano), atomically."""
    from music21 import chord, instrument, note, pitch, stream
    from music21 import tempo as tempo_marks

    part = stream.Part()
    part.insert(0, instrument.instrumentFromMidiProgram(program))
    part.insert(0, tempo_marks.MetronomeMark(number=tempo))
    for event in events:
        if not event.pitches:
            element = note.Rest()
        elif len(event.pitches) == 1:  # Pitch(midi=): a bare 0..11 would be read as a pitch class in octave 4
            element = note.Note(pitch.Pitch(midi=event.pitches[0]))
        else:
            element = chord.Chord([pitch.Pitch(midi=p) for p in event.pitches])
        element.quarterLength = event.quarters
        part.append(element)
    with atomic_path(path) as tmp:
        part.write("midi", fp=str(tmp))
    return Path(path)


def _pitched(score):
    """The score without its percussion parts (MIDI channel 10, unpitched instruments)."""
    from music21 import instrument, note, percussion

    parts = list(score.parts) if hasattr(score, "parts") and score.parts else [score]
    for part in parts:
        drums = part.recurse().getElementsByClass(
            (instrument.UnpitchedPercussion, note.Unpitched, percussion.PercussionChord)
        )
        if len(drums) and part.activeSite is not None and part is not score:
            score.remove(part)
    return score


def _events(score, texture):
    slices = score.chordify().flatten().notesAndRests
    events = []
    for element in slices:
        quarters = float(element.quarterLength)
        if quarters <= 0:
            continue  # a grace note
        notes = [] if element.isRest else sorted(element.notes, key=lambda n: n.pitch.midi)
        if texture == "melody":
            notes = notes[-1:]
        pitches = tuple(sorted({n.pitch.midi for n in notes}))
        # held from the slice before: every note sounding is the tied continuation of one there
        tied = bool(notes) and all(n.tie is not None and n.tie.type in ("continue", "stop") for n in notes)
        if events and events[-1].pitches == pitches and (tied or not pitches):
            events[-1] = Event(pitches, events[-1].quarters + quarters)
        else:
            events.append(Event(pitches, quarters))
    while events and not events[0].pitches:
        events.pop(0)
    while events and not events[-1].pitches:
        events.pop()
    return events
