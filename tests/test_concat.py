"""Concatenative unit selection: Viterbi, backoff, joins, TD-PSOLA, the database and the vocoder.

The corpus is made of tones: every phone of every utterance is a sine of the phone's own frequency,
so which units were picked can be heard (measured) in the output.
"""

import argparse
import itertools
import json

import numpy as np
import pytest
import soundfile

from tts.cli import build_units
from tts.durations import DurationRecord, write_durations
from tts.errors import CorruptCheckpointError, TTSError
from tts.features import FeatureSpec
from tts.utterance import Utterance
from vocoders.concat.backoff import nearest_type, resolve
from vocoders.concat.config import SynthesisConfig
from vocoders.concat.database import load_database
from vocoders.concat.join import concatenate
from vocoders.concat.psola import td_psola
from vocoders.concat.select import viterbi
from vocoders.concat.units import half_phones
from vocoders.concat.vocoder import BackoffWarning, ConcatVocoder

SPEC = FeatureSpec()
HOP, RATE = SPEC.hop_length, SPEC.sample_rate
TONES = {"h": 110.0, "ɛ": 150.0, "l": 190.0, "oʊ": 230.0, "w": 270.0, "ɜː": 310.0, "d": 350.0}
SENTENCES = [("h", "ˈɛ", "l", "oʊ"), ("w", "ˈɜː", "l", "d"), ("h", "ˈɛ", "l", "d"), ("w", "ˈɛ", "l"), ("d", "ˈoʊ", "l")]


def tokens_of(phones, rng):
    """Tokens framed by separators, a pause at the end, and their durations in frames."""
    tokens = (" ",) + phones + (".", " ")
    durations = [4] + [int(d) for d in rng.integers(6, 10, len(phones))] + [3, 2]
    return tokens, np.asarray(durations, dtype=np.int64)


def render_tones(tokens, durations, rng):
    """Each phone its sine, pauses and separators near-silent."""
    pieces = []
    for token, frames in zip(tokens, durations):
        t = np.arange(frames * HOP) / RATE
        hz = TONES.get(token.lstrip("ˈˌ"))
        pieces.append(0.4 * np.sin(2 * np.pi * hz * t) if hz else 0.001 * rng.standard_normal(len(t)))
    return np.concatenate(pieces).astype(np.float32)


def dominant_hz(wav):
    spectrum = np.abs(np.fft.rfft(wav * np.hanning(len(wav)), n=1 << 15))
    return np.argmax(spectrum) * RATE / (1 << 15)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Five utterances of p225 and one of p226 (tones, 22.05 kHz), a manifest and a durations file."""
    root = tmp_path_factory.mktemp("tones")
    rng = np.random.default_rng(7)
    manifest, records = [], []
    for speaker, sentences in (("p225", SENTENCES), ("p226", SENTENCES[:1])):
        for number, phones in enumerate(sentences, start=1):
            key = f"{speaker}_{number:03d}"
            tokens, durations = tokens_of(phones, rng)
            wav = render_tones(tokens, durations, rng)
            soundfile.write(str(root / f"{key}.wav"), wav, RATE, subtype="PCM_16")
            manifest.append({"id": key, "speaker": speaker, "text": "x", "path": str(root / f"{key}.wav"),
                             "duration": len(wav) / RATE, "sample_rate": RATE})
            word_of = np.where(np.isin(tokens, [" ", "."]), -1, 0)
            records.append(DurationRecord(key, speaker, ("x",), tokens, durations, word_of))
    (root / "tones.jsonl").write_text("".join(json.dumps(row) + "\n" for row in manifest), encoding="utf-8")
    write_durations(root / "tones.durations.jsonl", records, spec=SPEC, inventory="test")
    return root, {record.id: record for record in records}


@pytest.fixture(scope="module")
def units_dir(corpus):
    root, _ = corpus
    parser = argparse.ArgumentParser()
    build_units.register(parser.add_subparsers())
    args = parser.parse_args(["build-units", "--manifest", str(root / "tones.jsonl"), "--out", str(root / "units"),
                              "--speaker", "p225", "--holdout", "0.2"])
    assert args.func(args) == 0
    return root / "units"


# --- Viterbi -----------------------------------------------------------------------------------


def brute_force(target_costs, join_costs):
    paths = itertools.product(*(range(len(c)) for c in target_costs))
    def cost(path):
        return sum(c[i] for c, i in zip(target_costs, path)) + sum(j[a, b] for j, a, b in zip(join_costs, path, path[1:]))
    best = min(paths, key=cost)
    return list(best), cost(best)


def test_viterbi_takes_the_cheap_join_over_the_cheap_targets():
    # greedy on target costs would take candidate 0 everywhere (total 0 + 10 + 0 + 10 = 20);
    # the path through candidate 1 pays more in targets but nothing in joins (1 + 1 + 1 = 3)
    targets = [np.array([0.0, 1.0]), np.array([0.0, 1.0]), np.array([0.0, 1.0])]
    joins = [np.array([[10.0, 10.0], [10.0, 0.0]])] * 2
    path, total = viterbi(targets, joins)
    assert path.tolist() == [1, 1, 1] and total == pytest.approx(3.0)


@pytest.mark.parametrize("sizes", [(1,), (3, 1, 4), (2, 5, 3, 4), (4, 4, 4, 4, 4)])
def test_viterbi_matches_brute_force(rng, sizes):
    targets = [rng.uniform(0, 2, k) for k in sizes]
    joins = [rng.uniform(0, 2, (a, b)) for a, b in zip(sizes, sizes[1:])]
    path, total = viterbi(targets, joins)
    best_path, best_total = brute_force(targets, joins)
    assert path.tolist() == best_path and total == pytest.approx(best_total)


def test_viterbi_rejects_a_malformed_lattice():
    with pytest.raises(ValueError, match="shape"):
        viterbi([np.zeros(2), np.zeros(3)], [np.zeros((3, 2))])


# --- units, backoff, joins, PSOLA ----------------------------------------------------------------


def test_half_phones_strip_stress_merge_pauses_and_tile_the_utterance():
    tokens = (" ", "h", "ˈɛ", " ", "l", ",", " ", "oʊ", ".", " ")
    durations = np.array([4, 5, 6, 1, 7, 2, 3, 8, 2, 2])
    halves = half_phones(tokens, durations, hop_length=HOP, pause_frames=3)
    assert list(halves.phone) == ["pau"] * 2 + ["h"] * 2 + ["ɛ"] * 2 + ["l"] * 2 + ["pau"] * 2 + ["oʊ"] * 2 + ["pau"] * 2
    assert halves.stress.tolist() == [0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    assert halves.types[4:6] == ["ɛ.L", "ɛ.R"] and halves.outer[4:6] == ["h", "l"]
    # the one-frame separator between ɛ and l is shared; ", " merges into one pause
    assert halves.end[5] == halves.start[6] == (4 + 5 + 6) * HOP + HOP // 2
    assert halves.start[8] == (4 + 5 + 6 + 1 + 7) * HOP and halves.end[9] == (4 + 5 + 6 + 1 + 7 + 2 + 3) * HOP
    assert halves.start[0] == 0 and halves.end[-1] == durations.sum() * HOP
    assert np.array_equal(halves.start[1:], halves.end[:-1])


def test_backoff_picks_the_nearest_phone_and_reports_it():
    available = {"s.L": 4, "t.L": 9, "ɔː.L": 3, "pau.L": 2, "s.R": 4}
    assert nearest_type("z.L", available) == "s.L"  # voicing differs, place and manner agree
    assert nearest_type("oː.L", available) == "ɔː.L"
    assert nearest_type("ʘ.L", available) == "pau.L"  # outside the phone table: silence, not a random sound
    used, backoffs = resolve(["t.L", "z.L", "z.L", "s.R"], available)
    assert used == ["t.L", "s.L", "s.L", "s.R"]
    assert [(b.wanted, b.used, b.count) for b in backoffs] == [("z.L", "s.L", 2)]


def test_natural_pieces_are_copied_and_joins_line_up_in_phase():
    t = np.arange(RATE) / RATE
    sine = np.sin(2 * np.pi * 200.0 * t)
    sources = {0: sine, 1: np.sin(2 * np.pi * 200.0 * t + 2.0)}  # the same tone, out of phase
    natural = concatenate([(0, 1000, 3000), (0, 3000, 5000)], sources, fade=176, search=110)
    assert np.array_equal(natural.wav, sine[1000:5000].astype(np.float32))
    joined = concatenate([(0, 1000, 3000), (1, 3000, 5000)], sources, fade=176, search=110)
    steepest = 2 * np.pi * 200.0 / RATE  # the sine's own largest step between samples
    assert np.abs(np.diff(joined.wav)).max() < 1.1 * steepest
    assert joined.sources[1] == 3000 - round(2.0 / (2 * np.pi) * RATE / 200.0)  # shifted back by the phase offset
    assert joined.starts.tolist() == [0, 2000, 4035] and np.abs(joined.wav[1945:2055]).max() > 0.99
    unaligned = concatenate([(0, 1000, 3000), (1, 3000, 5000)], sources, fade=176, search=0)
    assert np.abs(unaligned.wav[1945:2055]).max() < 0.9  # out of phase, the crossfade partly cancels


def test_psola_is_the_identity_on_unchanged_bounds_and_stretches_keeping_the_pitch():
    t = np.arange(RATE // 2) / RATE
    wav = (0.5 * np.sin(2 * np.pi * 150.0 * t)).astype(np.float32)
    f0 = np.full(len(wav), 150.0)
    bounds = np.array([0, 4000, len(wav)])
    same = td_psola(wav, f0, source_bounds=bounds, target_bounds=bounds, sample_rate=RATE, unvoiced_period=128)
    assert np.abs(same - wav).max() < 1e-5
    longer = td_psola(wav, f0, source_bounds=bounds, target_bounds=2 * bounds, sample_rate=RATE, unvoiced_period=128)
    assert len(longer) == 2 * len(wav) and dominant_hz(longer[1000:-1000]) == pytest.approx(150.0, abs=3)
    higher = td_psola(wav, f0, source_bounds=bounds, target_bounds=bounds, sample_rate=RATE, unvoiced_period=128,
                      target_f0=np.full(len(wav), 200.0))
    assert dominant_hz(higher[1000:-1000]) == pytest.approx(200.0, abs=6)


# --- database and vocoder -----------------------------------------------------------------------


def test_build_keeps_the_chosen_speaker_without_the_held_out_utterances(units_dir):
    database = load_database(units_dir)
    assert database.speakers == ("p225", "p226") and database.speakers_with_units == [0]
    assert database.utterances == ("p225_001", "p225_002", "p225_003", "p225_004") and database.held_out == ("p225_005",)
    assert set(database.phones) == set(TONES) | {"pau"}
    assert len(database) == 2 * (4 + 4 + 4 + 3 + 4 * 2)  # two halves of each phone and of two pauses per utterance


def test_database_round_trip_and_corrupt_files(units_dir, tmp_path):
    database = load_database(units_dir)
    database.save(tmp_path / "copy")
    again = load_database(tmp_path / "copy")
    assert again.spec == database.spec and again.synthesis == database.synthesis and again.phones == database.phones
    assert np.array_equal(again.audio, database.audio) and np.array_equal(again.f0, database.f0)
    assert all(np.array_equal(again.units[name], column) for name, column in database.units.items())
    assert {key: ids.tolist() for key, ids in again.index.items()} == {key: ids.tolist() for key, ids in database.index.items()}
    (tmp_path / "copy" / "audio.flac").write_bytes(b"")
    with pytest.raises(CorruptCheckpointError, match="corrupt unit database"):
        load_database(tmp_path / "copy")
    with pytest.raises(TTSError, match="tts build-units"):
        load_database(tmp_path / "nothing")


def test_a_recorded_utterance_comes_back_exactly(units_dir, corpus):
    _, records = corpus
    vocoder = ConcatVocoder.load(units_dir)
    record = records["p225_002"]
    utterance = Utterance("x", phonemes=record.phonemes, durations=record.durations, f0=vocoder.database.frame_f0(1), speaker=0)
    wav, selection = vocoder.synthesize(utterance)
    assert vocoder.sample_rate == RATE and wav.dtype == np.float32
    assert selection.natural.all() and np.all(selection.join_costs == 0)
    assert np.abs(wav - vocoder.database.wav(1)).max() < 1e-6


def test_a_new_sentence_speaks_each_phone_with_its_own_units(units_dir, corpus):
    vocoder = ConcatVocoder.load(units_dir)
    tokens, durations = tokens_of(("h", "ˈɜː", "l", "oʊ", " ", "d", "ˈɛ", "w"), np.random.default_rng(3))
    f0 = np.repeat([TONES.get(token.lstrip("ˈ"), 0.0) for token in tokens], durations)  # each phone at its own pitch
    wav = vocoder([Utterance("x", phonemes=tokens, durations=durations, f0=f0, speaker={0: 0.8, 1: 0.2})])[0]
    assert wav.shape == (durations.sum() * HOP,)
    bounds = np.concatenate([[0], np.cumsum(durations)]) * HOP
    for token, start, end in zip(tokens, bounds, bounds[1:]):
        if token.lstrip("ˈ") in TONES:
            middle = wav[start + (end - start) // 5 : end - (end - start) // 5]
            assert dominant_hz(middle) == pytest.approx(TONES[token.lstrip("ˈ")], abs=8), token


def test_missing_unit_types_back_off_with_a_warning(units_dir):
    vocoder = ConcatVocoder(load_database(units_dir), SynthesisConfig(psola_f0=False))
    tokens, durations = (" ", "z", "ˈɛ", "ʘ", "."), np.array([3, 6, 6, 6, 3])
    with pytest.warns(BackoffWarning, match=r"z\.L->l\.L \(1\), z\.R->l\.R \(1\), ʘ\.L->pau\.L \(1\)"):
        wav, selection = vocoder.synthesize(Utterance("x", phonemes=tokens, durations=durations, speaker=0))
    assert wav.shape == (durations.sum() * HOP,) and np.all(np.isfinite(wav))
    assert {(b.wanted, b.used) for b in selection.backoffs} >= {("z.L", "l.L"), ("ʘ.R", "pau.R")}


def test_missing_fields_and_speakers_without_units_are_clear_errors(units_dir):
    vocoder = ConcatVocoder.load(units_dir)
    tokens, durations = (" ", "h", "ˈɛ", "."), np.array([3, 6, 6, 3])
    with pytest.raises(TTSError, match="needs durations"):
        vocoder([Utterance("x", phonemes=tokens, f0=np.zeros(18), speaker=0)])
    with pytest.raises(TTSError, match=r"speaker 1 has no units .* 0 \(p225\)"):
        vocoder([Utterance("x", phonemes=tokens, durations=durations, f0=np.zeros(18), speaker=1)])
