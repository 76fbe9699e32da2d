"""Where the pieces come from: music21's Bach chorales ("bach"), or a folder of MIDI, MusicXML and
Humdrum files, read into events once and kept in a run's pieces.json, and split into training and
held-out pieces (whole pieces, tts.corpora.holdout).

A file that cannot be read, or holds drums alone, is skipped and reported, one line each; a corpus
with no readable piece is an error.
"""

import json
from pathlib import Path

from music.notes.events import SCORE_SUFFIXES, Event, Piece, read_piece
from tts.atomic import write_text_atomic
from tts.corpora.holdout import holdout_split
from tts.errors import TTSError

BACH = "bach"
PIECES_FILE = "pieces.json"  # in a run folder: the corpus as read, so resuming and scoring need no parsing


def score_files(corpus):
    """[(piece id, path)] of a corpus: "bach", or a folder searched recursively."""
    if corpus == BACH:
        from music21 import corpus as bundled

        paths = [Path(p) for p in bundled.getComposer("bach") if Path(p).suffix in SCORE_SUFFIXES]
        return [(f"bach/{path.name}", path) for path in sorted(paths)]
    folder = Path(corpus)
    if not folder.is_dir():
        raise TTSError(f"corpus {corpus!r} is neither {BACH!r} (music21's Bach chorales) nor a folder")
    paths = sorted(p for p in folder.rglob("*") if p.suffix.lower() in SCORE_SUFFIXES and p.is_file())
    if not paths:
        raise TTSError(f"{folder}: no MIDI, MusicXML or Humdrum files ({', '.join(SCORE_SUFFIXES)}) in it")
    return [(str(path.relative_to(folder)), path) for path in paths]


def read_corpus(corpus, *, texture, progress=False):
    """(pieces, {piece id: why it was skipped})."""
    from tqdm import tqdm

    pieces, skipped = [], {}
    files = score_files(corpus)
    for piece_id, path in tqdm(files, desc="reading scores", disable=not progress, leave=False):
        try:
            pieces.append(read_piece(path, texture=texture, piece_id=piece_id))
        except TTSError as error:
            skipped[piece_id] = str(error).removeprefix(f"{path}: ")
    if not pieces:
        raise TTSError(f"corpus {corpus!r}: none of its {len(files)} files holds a readable piece")
    return pieces, skipped


def split_pieces(pieces, fraction):
    """(training pieces, held-out pieces): whole pieces, spread evenly over the sorted ids."""
    if len(pieces) < 2 and fraction > 0:
        raise TTSError(f"the corpus has {len(pieces)} readable piece; holding pieces out needs at least 2")
    return holdout_split(pieces, fraction, group=lambda piece: None)


def write_pieces(path, pieces):
    rows = {piece.id: [[list(e.pitches), e.quarters] for e in piece.events] for piece in pieces}
    write_text_atomic(path, json.dumps(rows, separators=(",", ":")) + "\n")


def read_pieces(path):
    try:
        rows = json.loads(Path(path).read_text(encoding="utf-8"))
        return [Piece(piece_id, tuple(Event(tuple(p), q) for p, q in events)) for piece_id, events in rows.items()]
    except (OSError, ValueError, TypeError) as error:
        raise TTSError(f"{path}: cannot read the pieces of a run ({error})") from None
