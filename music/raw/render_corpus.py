"""`tts music bootstrap`: a corpus of music audio made here, from music21's Bach chorales (music.notes
reads them) played by fluidsynth on a few General MIDI instruments (music.render), at 16 kHz mono.

Each chorale is played by one instrument, the instruments taking turns, so that a few hours of
audio hold as many different pieces as they can; its file is `<instrument>/<score>.wav`, trimmed of
the synthesizer's silent tail and peak-normalized. pieces.json (corpus.py) lists every file with its
piece, its instrument and its split: whole pieces held out (tts.corpora.holdout), a tenth of them
spread evenly over the instruments, the same ones whichever model trains. A score music21 cannot
read is skipped with one line; the same chorale in a second format (three of them) is left out, so
a held-out piece cannot come back as another.

Rendering again into the same folder keeps the files already there, so a killed bootstrap resumes.
"""

import tempfile
from pathlib import Path

from music.notes.corpus import BACH, score_files
from music.notes.events import read_piece, write_midi
from music.raw.corpus import SAMPLE_RATE, AudioFile, write_pieces
from music.render import render_midi
from tts import audio
from tts.corpora.holdout import HOLDOUT_FRACTION, holdout_split
from tts.errors import TTSError

# General MIDI programs (0-based) of the instruments a chorale may be played on
INSTRUMENTS = {"piano": 0, "organ": 19, "guitar": 24, "strings": 48, "choir": 52, "trumpet": 56, "clarinet": 71,
               "flute": 73}
DEFAULT_INSTRUMENTS = ("piano", "organ", "strings", "flute")
# 200 chorales of about 50 s: 2.8 hours of audio, rendered in under two minutes on one core
DEFAULT_PIECES = 200
TEMPO = 90  # quarter notes a minute
PEAK = 0.9  # every file is scaled to this peak, so each instrument spans the μ-law levels alike


def render_chorales(out_dir, *, pieces=DEFAULT_PIECES, instruments=DEFAULT_INSTRUMENTS, progress=False):
    """Render `pieces` chorales, spread over music21's catalogue, into `out_dir`; writes its
    pieces.json and returns ([AudioFile], {score id: why it was skipped})."""
    from tqdm import tqdm

    unknown = [name for name in instruments if name not in INSTRUMENTS]
    if unknown or not instruments:
        raise TTSError(f"unknown instruments {unknown}; choose among {', '.join(INSTRUMENTS)}")
    scores = _distinct(score_files(BACH))
    if not 1 <= pieces <= len(scores):
        raise TTSError(f"pieces must be 1 to {len(scores)} (music21's Bach chorales), got {pieces}")
    chosen = [scores[index * len(scores) // pieces] for index in range(pieces)]  # evenly over the catalogue
    out_dir = Path(out_dir)
    files, skipped = [], {}
    with tempfile.TemporaryDirectory() as scratch:
        for index, (piece_id, path) in enumerate(tqdm(chosen, desc="rendering", unit="piece", disable=not progress)):
            instrument = instruments[index % len(instruments)]
            file_id = f"{instrument}/{Path(piece_id).stem}.wav"
            try:
                if not (out_dir / file_id).is_file():
                    _render(path, out_dir / file_id, INSTRUMENTS[instrument], Path(scratch))
            except TTSError as error:
                skipped[piece_id] = str(error).removeprefix(f"{path}: ")
                continue
            files.append(AudioFile(file_id, piece_id, instrument))
    if not files:
        raise TTSError(f"none of the {pieces} chorales could be rendered ({len(skipped)} skipped)")
    # a file is a piece; sorted by id, the instruments' files lie in runs, so an even spread holds out each one's share
    _, held_out = holdout_split(files, HOLDOUT_FRACTION, group=lambda item: None)
    held = {f.id for f in held_out}
    listed = sorted((AudioFile(f.id, f.piece, f.instrument, "held_out" if f.id in held else "train") for f in files),
                    key=lambda f: f.id)
    write_pieces(out_dir, listed)
    return listed, skipped


def _distinct(scores):
    """The scores, each chorale once (the first of its formats)."""
    seen, kept = set(), []
    for piece_id, path in scores:
        if path.stem not in seen:
            seen.add(path.stem)
            kept.append((piece_id, path))
    return kept


def _render(score, wav_path, program, scratch):
    events = read_piece(score, texture="chords").events
    midi = write_midi(events, scratch / "piece.mid", tempo=TEMPO, program=program)
    rendered = render_midi(midi, scratch / "piece.wav", sample_rate=SAMPLE_RATE)
    wav, _ = audio.load(rendered)  # fluidsynth writes stereo: averaged
    _, end = audio.speech_bounds(wav, sample_rate=SAMPLE_RATE, top_db=60.0, keep_ms=100.0)
    audio.save(wav_path, audio.normalize_peak(wav[:end], peak=PEAK), SAMPLE_RATE)
