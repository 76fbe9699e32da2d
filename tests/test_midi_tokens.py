"""Scores as events and tokens (music.notes.events, tokens, corpus, statistics): exact round trips,
the grammar, transposition, the corpus's skips and split, and the musical statistics."""

import numpy as np
import pytest

from midi_fixtures import tiny_piece, write_corrupt_midi, write_drum_midi, write_tiny_corpus
from music.notes.corpus import read_corpus, read_pieces, split_pieces, write_pieces
from music.notes.events import Event, read_piece, write_midi
from music.notes.statistics import piece_statistics, repeated_ngram_rate
from music.notes.tokens import ALLOWED, DURATIONS, START_ID, TOKENS, decode, encode, quarters_of, snap_duration
from tts.errors import TTSError


def test_events_survive_midi_and_tokens_exactly(tmp_path):
    events = tiny_piece(62)
    assert read_piece(write_midi(events, tmp_path / "a.mid")).events == tuple(events)
    assert decode(encode(events)) == events
    assert quarters_of(encode(events)) == pytest.approx(sum(e.quarters for e in events))


def test_a_chord_is_its_pitches_low_to_high_then_its_duration():
    ids = encode([Event((67, 60, 64), 2.0), Event((), 1.0)])
    assert [TOKENS[i] for i in ids] == ["<start>", "n60", "n64", "n67", "d2", "rest", "d1"]


def test_every_encoded_piece_follows_the_grammar():
    ids = encode(tiny_piece(60), shift=-3)
    assert all(ALLOWED[a, b] for a, b in zip(ids, ids[1:]))
    assert not ALLOWED[TOKENS.index("n64"), TOKENS.index("n60")]  # a chord's pitches only rise
    assert not ALLOWED[TOKENS.index("rest"), TOKENS.index("n60")]  # a rest takes a duration first
    assert not ALLOWED[:, START_ID].any()


def test_transposing_shifts_every_pitch_and_keeps_rhythm():
    events = tiny_piece(60)
    shifted = decode(encode(events, shift=5))
    assert [e.quarters for e in shifted] == [e.quarters for e in events]
    assert [tuple(p - 5 for p in e.pitches) for e in shifted] == [e.pitches for e in events]


def test_durations_snap_to_the_nearest_value_in_log_scale():
    assert snap_duration(0.3) == pytest.approx(1 / 3)
    assert snap_duration(0.9) == 1.0
    assert snap_duration(100) == max(DURATIONS)


def test_melody_texture_keeps_the_top_voice(tmp_path):
    path = write_midi([Event((48, 55, 64), 1.0), Event((50, 59, 65), 1.0)], tmp_path / "m.mid")
    assert [e.pitches for e in read_piece(path, texture="melody").events] == [(64,), (65,)]


def test_unreadable_and_drum_only_files_are_one_line_errors(tmp_path):
    with pytest.raises(TTSError, match=r"bad.mid: not a readable MIDI or MusicXML score") as error:
        read_piece(write_corrupt_midi(tmp_path / "bad.mid"))
    assert "\n" not in str(error.value)
    with pytest.raises(TTSError, match=r"drums.mid: holds no pitched notes"):
        read_piece(write_drum_midi(tmp_path / "drums.mid"))


def test_a_corpus_skips_bad_files_with_reasons_and_holds_out_whole_pieces(tmp_path):
    write_tiny_corpus(tmp_path, pieces=10)
    write_corrupt_midi(tmp_path / "bad.mid")
    write_drum_midi(tmp_path / "drums.mid")
    pieces, skipped = read_corpus(str(tmp_path), texture="chords")
    assert len(pieces) == 10 and sorted(skipped) == ["bad.mid", "drums.mid"]
    train, held_out = split_pieces(pieces, 0.2)
    assert len(held_out) == 2 and not {p.id for p in train} & {p.id for p in held_out}
    assert split_pieces(list(reversed(pieces)), 0.2)[1] == held_out  # by id, not by order
    write_pieces(tmp_path / "pieces.json", pieces)
    assert read_pieces(tmp_path / "pieces.json") == pieces


def test_empty_folders_and_unknown_corpora_are_refused(tmp_path):
    with pytest.raises(TTSError, match="no MIDI, MusicXML or Humdrum files"):
        read_corpus(str(tmp_path), texture="chords")
    with pytest.raises(TTSError, match="neither 'bach'"):
        read_corpus(str(tmp_path / "missing"), texture="chords")
    write_drum_midi(tmp_path / "drums.mid")
    with pytest.raises(TTSError, match="none of its 1 files holds a readable piece"):
        read_corpus(str(tmp_path), texture="chords")


def test_statistics_of_a_scale_a_chromatic_run_and_a_loop():
    scale = [Event((60 + step,), 1.0) for step in (0, 2, 4, 5, 7, 9, 11, 12)]
    chromatic = [Event((60 + step,), 0.5) for step in range(12)]
    figures = piece_statistics(scale)
    assert figures["in_key"] == 1.0 and figures["pitch_range"] == 12 and figures["mean_duration"] == 1.0
    assert piece_statistics(chromatic)["in_key"] == pytest.approx(7 / 12)
    assert figures["repeated_4grams"] == 0.0
    assert repeated_ngram_rate(scale[:4] * 5, 4) == pytest.approx(13 / 17)  # 17 grams, 4 distinct
    assert all(np.isnan(v) for v in piece_statistics([Event((), 1.0)]).values())


def test_the_lowest_and_highest_pitches_keep_their_octave_in_midi(tmp_path):
    events = [Event((0,), 1.0), Event((5, 11, 127), 1.0), Event((12,), 1.0)]
    assert read_piece(write_midi(events, tmp_path / "edges.mid")).events == tuple(events)
