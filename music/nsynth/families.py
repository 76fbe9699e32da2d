"""NSynth's labels (families, sources, qualities, in the dataset's index order) and where each General
MIDI program of the soundfont falls among them, so a note rendered with fluidsynth carries the labels
a note of the real dataset would.

Every mapped GM program is one NSynth instrument. Its number counts within its family and source in
program order over the whole table (pianos: keyboard_acoustic_000, _001, ...), so a program keeps its
instrument_str whichever programs a corpus renders. Programs of no NSynth family (synth pads, effects,
drums and other unpitched percussion, sound effects) map to None.

Sources follow NSynth: acoustic (a recorded acoustic instrument), electronic (a recorded electric or
electronic one: electric pianos and guitars, tonewheel organs) and synthetic (synthesized). Each row
also holds the range a player of the real instrument covers (MIDI notes, from the usual orchestration
and catalogue ranges; synthesizers get a keyboard's): the soundfont plays any note, but a piccolo's C2
is no note NSynth would hold.
"""

from dataclasses import dataclass

from tts.errors import TTSError

FAMILIES = ("bass", "brass", "flute", "guitar", "keyboard", "mallet", "organ", "reed", "string", "synth_lead", "vocal")
SOURCES = ("acoustic", "electronic", "synthetic")
QUALITIES = ("bright", "dark", "distortion", "fast_decay", "long_release", "multiphonic", "nonlinear_env",
             "percussive", "reverb", "tempo-synced")

# program: (GM name, family, source, lowest, highest note)
_GM = {
    0: ("Acoustic Grand Piano", "keyboard", "acoustic", 21, 108),
    1: ("Bright Acoustic Piano", "keyboard", "acoustic", 21, 108),
    2: ("Electric Grand Piano", "keyboard", "electronic", 21, 108),
    3: ("Honky-tonk Piano", "keyboard", "acoustic", 21, 108),
    4: ("Electric Piano 1", "keyboard", "electronic", 28, 100),
    5: ("Electric Piano 2", "keyboard", "electronic", 28, 100),
    6: ("Harpsichord", "keyboard", "acoustic", 29, 89),
    7: ("Clavinet", "keyboard", "electronic", 29, 89),
    8: ("Celesta", "mallet", "acoustic", 60, 108),
    9: ("Glockenspiel", "mallet", "acoustic", 79, 108),
    10: ("Music Box", "mallet", "acoustic", 60, 96),
    11: ("Vibraphone", "mallet", "acoustic", 53, 89),
    12: ("Marimba", "mallet", "acoustic", 45, 96),
    13: ("Xylophone", "mallet", "acoustic", 65, 108),
    14: ("Tubular Bells", "mallet", "acoustic", 60, 77),
    15: ("Dulcimer", "mallet", "acoustic", 50, 88),
    16: ("Drawbar Organ", "organ", "electronic", 36, 96),
    17: ("Percussive Organ", "organ", "electronic", 36, 96),
    18: ("Rock Organ", "organ", "electronic", 36, 96),
    19: ("Church Organ", "organ", "acoustic", 24, 96),
    20: ("Reed Organ", "organ", "acoustic", 36, 96),
    21: ("Accordion", "reed", "acoustic", 53, 93),  # free reeds, as the harmonica
    22: ("Harmonica", "reed", "acoustic", 60, 96),
    23: ("Tango Accordion", "reed", "acoustic", 53, 93),
    24: ("Acoustic Guitar (nylon)", "guitar", "acoustic", 40, 83),
    25: ("Acoustic Guitar (steel)", "guitar", "acoustic", 40, 83),
    26: ("Electric Guitar (jazz)", "guitar", "electronic", 40, 86),
    27: ("Electric Guitar (clean)", "guitar", "electronic", 40, 86),
    28: ("Electric Guitar (muted)", "guitar", "electronic", 40, 86),
    29: ("Overdriven Guitar", "guitar", "electronic", 40, 86),
    30: ("Distortion Guitar", "guitar", "electronic", 40, 86),
    31: ("Guitar Harmonics", "guitar", "electronic", 52, 88),
    32: ("Acoustic Bass", "bass", "acoustic", 28, 67),
    33: ("Electric Bass (finger)", "bass", "electronic", 28, 67),
    34: ("Electric Bass (pick)", "bass", "electronic", 28, 67),
    35: ("Fretless Bass", "bass", "electronic", 28, 67),
    36: ("Slap Bass 1", "bass", "electronic", 28, 67),
    37: ("Slap Bass 2", "bass", "electronic", 28, 67),
    38: ("Synth Bass 1", "bass", "synthetic", 24, 72),
    39: ("Synth Bass 2", "bass", "synthetic", 24, 72),
    40: ("Violin", "string", "acoustic", 55, 100),
    41: ("Viola", "string", "acoustic", 48, 88),
    42: ("Cello", "string", "acoustic", 36, 76),
    43: ("Contrabass", "string", "acoustic", 28, 67),
    44: ("Tremolo Strings", "string", "acoustic", 28, 100),
    45: ("Pizzicato Strings", "string", "acoustic", 28, 100),
    46: ("Orchestral Harp", "string", "acoustic", 24, 103),
    48: ("String Ensemble 1", "string", "acoustic", 28, 100),
    49: ("String Ensemble 2", "string", "acoustic", 28, 100),
    50: ("Synth Strings 1", "string", "synthetic", 28, 100),
    51: ("Synth Strings 2", "string", "synthetic", 28, 100),
    52: ("Choir Aahs", "vocal", "acoustic", 40, 84),
    53: ("Voice Oohs", "vocal", "acoustic", 40, 84),
    54: ("Synth Voice", "vocal", "synthetic", 36, 96),
    56: ("Trumpet", "brass", "acoustic", 54, 84),
    57: ("Trombone", "brass", "acoustic", 40, 72),
    58: ("Tuba", "brass", "acoustic", 28, 65),
    59: ("Muted Trumpet", "brass", "acoustic", 54, 82),
    60: ("French Horn", "brass", "acoustic", 34, 77),
    61: ("Brass Section", "brass", "acoustic", 34, 84),
    62: ("Synth Brass 1", "brass", "synthetic", 24, 96),
    63: ("Synth Brass 2", "brass", "synthetic", 24, 96),
    64: ("Soprano Sax", "reed", "acoustic", 56, 88),
    65: ("Alto Sax", "reed", "acoustic", 49, 81),
    66: ("Tenor Sax", "reed", "acoustic", 44, 76),
    67: ("Baritone Sax", "reed", "acoustic", 36, 69),
    68: ("Oboe", "reed", "acoustic", 58, 91),
    69: ("English Horn", "reed", "acoustic", 52, 81),
    70: ("Bassoon", "reed", "acoustic", 34, 75),
    71: ("Clarinet", "reed", "acoustic", 50, 91),
    72: ("Piccolo", "flute", "acoustic", 74, 108),
    73: ("Flute", "flute", "acoustic", 60, 96),
    74: ("Recorder", "flute", "acoustic", 60, 96),
    75: ("Pan Flute", "flute", "acoustic", 55, 96),
    76: ("Blown Bottle", "flute", "acoustic", 48, 84),
    77: ("Shakuhachi", "flute", "acoustic", 62, 91),
    78: ("Whistle", "flute", "acoustic", 72, 103),
    79: ("Ocarina", "flute", "acoustic", 60, 89),
    80: ("Lead 1 (square)", "synth_lead", "synthetic", 36, 96),
    81: ("Lead 2 (sawtooth)", "synth_lead", "synthetic", 36, 96),
    82: ("Lead 3 (calliope)", "synth_lead", "synthetic", 36, 96),
    83: ("Lead 4 (chiff)", "synth_lead", "synthetic", 36, 96),
    84: ("Lead 5 (charang)", "synth_lead", "synthetic", 36, 96),
    85: ("Lead 6 (voice)", "synth_lead", "synthetic", 36, 96),
    86: ("Lead 7 (fifths)", "synth_lead", "synthetic", 36, 96),
    87: ("Lead 8 (bass + lead)", "synth_lead", "synthetic", 24, 96),
    104: ("Sitar", "guitar", "acoustic", 48, 84),  # plucked lutes, as the guitars
    105: ("Banjo", "guitar", "acoustic", 48, 86),
    106: ("Shamisen", "guitar", "acoustic", 48, 84),
    107: ("Koto", "string", "acoustic", 48, 84),
    108: ("Kalimba", "mallet", "acoustic", 60, 88),
    109: ("Bagpipe", "reed", "acoustic", 67, 81),
    110: ("Fiddle", "string", "acoustic", 55, 100),
    111: ("Shanai", "reed", "acoustic", 60, 84),
}
# What the audio cannot tell but the instrument's name does (NSynth's "distortion" quality).
DISTORTED = frozenset({29, 30, 84})


@dataclass(frozen=True)
class Instrument:
    """One GM program as an NSynth instrument."""

    program: int
    name: str  # the GM name
    family: str
    source: str
    number: int  # within family_source
    lowest: int  # MIDI notes the real instrument plays
    highest: int

    @property
    def id(self):
        """NSynth's instrument_str: keyboard_acoustic_004."""
        return f"{self.family}_{self.source}_{self.number:03d}"


def _instruments():
    counts, table = {}, {}
    for program, (name, family, source, lowest, highest) in sorted(_GM.items()):
        number = counts.get((family, source), 0)
        counts[(family, source)] = number + 1
        table[program] = Instrument(program, name, family, source, number, lowest, highest)
    return table


INSTRUMENTS = _instruments()  # program: Instrument, for the programs of an NSynth family


def instrument(program):
    """The NSynth instrument of a GM program (0-127), or None when it has no NSynth family."""
    if not 0 <= program <= 127:
        raise TTSError(f"a General MIDI program is 0-127, got {program}")
    return INSTRUMENTS.get(program)
