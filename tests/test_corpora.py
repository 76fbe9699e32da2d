"""Corpus readers, layout detection, preflight, manifest and speaker table, and the `tts corpus` CLI."""

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile

from corpus_fixtures import (
    LJ_RATE,
    VCTK_RATE,
    VCTK_SECONDS,
    ljspeech_corpus,
    make_ljspeech,
    tone,
    vctk_corpus,
    write_tone,
)
from tts.cli.main import main
from tts.corpora import preflight as preflight_module
from tts.corpora.bootstrap import bootstrap
from tts.corpora.layout import detect_layout, read_corpus
from tts.corpora.listing import MISSING_AUDIO, MISSING_TEXT
from tts.corpora.manifest import ManifestEntry, read_manifest, write_manifest
from tts.corpora.preflight import check_transcript, preflight
from tts.corpora.speakers import build_speaker_table, read_speaker_table, write_speaker_table
from tts.corpora.wav_chunks import Truncation, wav_truncation
from tts.errors import TTSError


def unpaired(listing):
    return {(entry.id, entry.code) for entry in listing.unpaired}


def codes(report):
    return {check.item.id: {issue.code for issue in check.issues} for check in report.files}


# --- readers and layout detection -----------------------------------------------------------------


def test_ljspeech_reader_pairs_rows_with_wavs(tmp_path):
    root = ljspeech_corpus(tmp_path / "LJSpeech-1.1")
    listing = read_corpus(root)
    assert listing.layout == "ljspeech"
    assert [item.id for item in listing.items] == ["LJ001-0001", "LJ001-0002"]
    assert {item.speaker for item in listing.items} == {"LJ"}
    # The normalized column, quotes kept verbatim (no CSV quoting).
    assert listing.items[1].text == 'He said "it\'s one o\'clock," and left.'
    assert listing.items[0].path == root.absolute() / "wavs" / "LJ001-0001.wav"
    assert unpaired(listing) == {("LJ001-0003", MISSING_AUDIO), ("LJ999-0001", MISSING_TEXT)}


def test_ljspeech_rows_without_normalized_text_and_bad_rows(tmp_path):
    root = make_ljspeech(tmp_path / "a", [("A-1", "Raw text only.")])
    assert read_corpus(root).items[0].text == "Raw text only."
    root = make_ljspeech(tmp_path / "b", [("A-1", "one", "one"), ("A-1", "two", "two")], audio=[])
    with pytest.raises(TTSError, match=r"metadata.csv:2: duplicate id 'A-1'"):
        read_corpus(root)
    root = make_ljspeech(tmp_path / "c", [("A-1", "one", "one"), ("../../etc/passwd", "x", "x")], audio=[])
    with pytest.raises(TTSError, match=r"metadata.csv:2: invalid id"):
        read_corpus(root)
    (root / "metadata.csv").write_text("no separator here\n")
    with pytest.raises(TTSError, match=r"metadata.csv:1: expected 'id\|text\|normalized text'"):
        read_corpus(root)


@pytest.mark.parametrize("version, layout", [("0.92", "vctk-0.92"), ("0.80", "vctk-0.80")])
def test_vctk_reader(tmp_path, version, layout):
    root = vctk_corpus(tmp_path / "VCTK", version)
    listing = read_corpus(root)
    assert listing.layout == layout
    assert [(item.id, item.speaker) for item in listing.items] == [
        ("p225_001", "p225"),
        ("p225_002", "p225"),
        ("p226_001", "p226"),
    ]
    assert listing.items[1].text == "Ask her to bring these things with her from the store."
    audio_name = "p225_001_mic1.flac" if version == "0.92" else "p225_001.wav"
    assert listing.items[0].path.name == audio_name  # mic1 only; mic2 is ignored
    assert unpaired(listing) == {("p226_009", MISSING_AUDIO), ("p315_001", MISSING_TEXT)}
    assert listing.speakers["p225"] == {"age": 23, "gender": "F", "accent": "English", "region": "Southern England"}
    if version == "0.92":
        assert listing.speakers["p226"] == {"age": 22, "gender": "M", "accent": "English"}  # empty REGION
        assert listing.speakers["p315"]["region"] == "Connecticut"  # the "(text missing)" comment dropped
    else:
        assert listing.speakers["p226"]["region"] == "Surrey"  # "226" in 0.80 becomes "p226"


def test_layout_detection_and_unknown_layout(tmp_path):
    assert detect_layout(ljspeech_corpus(tmp_path / "lj")) == "ljspeech"
    assert detect_layout(vctk_corpus(tmp_path / "v92", "0.92")) == "vctk-0.92"
    assert detect_layout(vctk_corpus(tmp_path / "v80", "0.80")) == "vctk-0.80"
    (tmp_path / "other" / "audio").mkdir(parents=True)
    with pytest.raises(TTSError) as error:
        detect_layout(tmp_path / "other")
    message = str(error.value)
    assert "\n" not in message and "unrecognized corpus layout" in message
    for expected in ("metadata.csv + wavs/", "txt/ + wav48_silence_trimmed/", "txt/ + wav48/"):
        assert expected in message
    with pytest.raises(TTSError, match="no such corpus directory"):
        detect_layout(tmp_path / "missing")


# --- preflight ---------------------------------------------------------------------------------------

GOOD_TEXT = "A sentence of ordinary length."
GOOD_SECONDS = 2.0  # 25 characters in 2 s: 12.5 a second, a reading pace
# 97 characters: 7 s or so when read; 1.69 s of audio cannot hold them, 30 s easily does.
LONG_TEXT = (
    "Printing, in the only sense with which we are at present concerned, "
    "differs from most if not from all the arts and crafts"
)


def broken_corpus(root):
    """An LJSpeech-layout corpus with one utterance per kind of problem."""
    rows = {
        "good": GOOD_TEXT,
        "zero_bytes": GOOD_TEXT,
        "text_as_wav": GOOD_TEXT,
        "all_zero": GOOD_TEXT,
        "clip_50ms": GOOD_TEXT,
        "nan": GOOD_TEXT,
        "stereo": GOOD_TEXT,
        "rate_16k": GOOD_TEXT,
        "clipped": GOOD_TEXT,
        "empty_text": " ... ?! ",
        "short_text": "Oh.",
        "truncated": GOOD_TEXT,
        "fast_text": LONG_TEXT,
        "quiet_noise": LONG_TEXT,
    }
    rows = [(key, text, text) for key, text in rows.items()]
    make_ljspeech(root, rows, audio=["good", "empty_text"], seconds=GOOD_SECONDS)
    wavs = Path(root) / "wavs"
    (wavs / "zero_bytes.wav").write_bytes(b"")
    (wavs / "text_as_wav.wav").write_text("this is a transcript, not audio\n")
    silence = np.zeros(int(GOOD_SECONDS * LJ_RATE), np.float32)
    soundfile.write(str(wavs / "all_zero.wav"), silence, LJ_RATE, subtype="PCM_16")
    write_tone(wavs / "clip_50ms.wav", 0.05, LJ_RATE)
    nan = tone(GOOD_SECONDS, LJ_RATE)
    nan[100] = np.nan
    soundfile.write(str(wavs / "nan.wav"), nan, LJ_RATE, subtype="FLOAT")
    write_tone(wavs / "stereo.wav", GOOD_SECONDS, LJ_RATE, channels=2)
    write_tone(wavs / "rate_16k.wav", GOOD_SECONDS, 16000)
    square = np.sign(tone(GOOD_SECONDS, LJ_RATE)).astype(np.float32)
    soundfile.write(str(wavs / "clipped.wav"), square, LJ_RATE, subtype="PCM_16")
    write_tone(wavs / "short_text.wav", 6.0, LJ_RATE)  # "Oh." is 2 characters for 6 s: under 0.5/s
    truncated = write_tone(wavs / "truncated.wav", GOOD_SECONDS, LJ_RATE).read_bytes()
    (wavs / "truncated.wav").write_bytes(truncated[: int(0.3 * len(truncated))])  # a copy cut short
    write_tone(wavs / "fast_text.wav", 1.69, LJ_RATE)  # 97 characters in 1.69 s: 57 a second
    noise = 0.001 * np.random.default_rng(0).standard_normal(30 * LJ_RATE)  # -60 dBFS, no speech
    soundfile.write(str(wavs / "quiet_noise.wav"), noise.astype(np.float32), LJ_RATE, subtype="PCM_16")
    return Path(root)


EXPECTED = {
    "good": set(),
    "zero_bytes": {"empty_file"},
    "text_as_wav": {"undecodable"},
    "all_zero": {"silent"},
    "clip_50ms": {"too_short"},
    "nan": {"nonfinite"},
    "stereo": {"stereo"},
    "rate_16k": {"sample_rate"},
    "clipped": {"clipping"},
    "empty_text": {"empty_transcript"},
    "short_text": {"short_transcript"},
    "truncated": {"truncated"},
    "fast_text": {"long_transcript"},
    "quiet_noise": {"no_speech"},
}
WARNED = {"stereo", "rate_16k", "clipped"}


def test_preflight_reports_each_problem(tmp_path):
    report = preflight(read_corpus(broken_corpus(tmp_path / "c")), max_bad_fraction=1.0)
    assert codes(report) == EXPECTED
    assert report.sample_rate == LJ_RATE  # the most common rate
    assert {check.item.id for check in report.good} == {"good"} | WARNED
    assert {check.item.id for check in report.warned} == WARNED
    assert len(report.bad) == 10 and report.passed
    entries = {entry.id: entry for entry in report.manifest_entries()}
    assert set(entries) == {"good"} | WARNED
    assert entries["rate_16k"].sample_rate == 16000
    assert entries["stereo"].duration == pytest.approx(GOOD_SECONDS)


def messages(report):
    return {check.item.id: " ".join(issue.message for issue in check.issues) for check in report.files}


def test_preflight_reasons_name_the_numbers(tmp_path):
    said = messages(preflight(read_corpus(broken_corpus(tmp_path / "c")), max_bad_fraction=1.0))
    assert said["truncated"] == "the header promises 44100 frames (2.000 s) but the file holds 13214 (0.599 s)"
    assert said["fast_text"] == "97 characters for 1.69 s of audio (57.4/s, more than 35/s)"
    assert said["quiet_noise"].startswith("no speech-level energy: the loudest frames reach -59.")
    assert "(speech needs -45 dBFS)" in said["quiet_noise"]


def test_wav_truncation_compares_the_data_chunk_with_the_file(tmp_path):
    data = write_tone(tmp_path / "a.wav", 1.0, 16000).read_bytes()  # 44-byte header, 2 bytes a frame
    cases = {
        "intact": data,
        "trailing_chunk": data + b"LIST" + (4).to_bytes(4, "little") + b"INFO",  # held > promised
        "a_byte_short": data[:-1],  # the last frame is incomplete
        "cut": data[:1044],
        "streamed": data[:40] + b"\xff\xff\xff\xff" + data[44:1044],  # size never filled in
    }
    found = {}
    for name, content in cases.items():
        (tmp_path / f"{name}.wav").write_bytes(content)
        found[name] = wav_truncation(tmp_path / f"{name}.wav")
    assert found == {
        **dict.fromkeys(cases),
        "a_byte_short": Truncation(promised=16000, held=15999, sample_rate=16000),
        "cut": Truncation(promised=16000, held=500, sample_rate=16000),
    }
    assert wav_truncation(tmp_path / "a.wav") is None
    (tmp_path / "b.flac").write_bytes(b"fLaC" + bytes(100))
    assert wav_truncation(tmp_path / "b.flac") is None  # not RIFF: left to the decoder


def test_header_only_preflight_skips_sample_checks(tmp_path):
    report = preflight(read_corpus(broken_corpus(tmp_path / "c")), decode=False, max_bad_fraction=1.0)
    sample_checks = {"all_zero": set(), "nan": set(), "clipped": set(), "quiet_noise": set()}
    assert codes(report) == {**EXPECTED, **sample_checks}


def test_expected_sample_rate_can_be_given(tmp_path):
    report = preflight(read_corpus(broken_corpus(tmp_path / "c")), decode=False, sample_rate=16000, max_bad_fraction=1.0)
    warned = {check.item.id for check in report.files if "sample_rate" in {issue.code for issue in check.issues}}
    assert "rate_16k" not in warned and {"good", "stereo", "clipped"} <= warned


def test_parallel_preflight_matches_serial(tmp_path, monkeypatch):
    listing = read_corpus(broken_corpus(tmp_path / "c"))
    serial = preflight(listing, jobs=1, max_bad_fraction=1.0)
    monkeypatch.setattr(preflight_module, "PARALLEL_MIN_FILES", 1)
    parallel = preflight(listing, jobs=2, max_bad_fraction=1.0)
    assert parallel.files == serial.files


def test_transcript_thresholds():
    assert [issue.code for issue in check_transcript("", 1.0)] == ["empty_transcript"]
    assert [issue.code for issue in check_transcript("“…” — !?", 1.0)] == ["empty_transcript"]
    assert [issue.code for issue in check_transcript("Hi", 4.2)] == ["short_transcript"]  # 2 < 2.1
    assert check_transcript("Hi", 4.0) == ()  # exactly 0.5 characters per second passes
    assert check_transcript("42", None) == ()  # digits are speech
    # 20 characters or more are enough text to hold to 2 a second: a short reply may sit in long pauses.
    assert check_transcript(GOOD_TEXT, 12.5) == ()  # 25 characters: exactly 2 a second
    assert [issue.code for issue in check_transcript(GOOD_TEXT, 12.6)] == ["short_transcript"]
    assert check_transcript("Nineteen characters", 36.0) == ()  # 18 characters: 0.5 a second still holds
    assert check_transcript(LONG_TEXT, 2.8) == ()  # 34.6 characters a second: fast, but possible
    assert [issue.code for issue in check_transcript(LONG_TEXT, 2.7)] == ["long_transcript"]


@pytest.mark.parametrize("layout", ["vctk", "ljspeech"])
def test_bootstrap_corpora_pass_preflight(tmp_path, layout):
    # Every system voice (flite, festival, espeak-ng) reads at a rate and level the thresholds accept.
    root = tmp_path / layout
    bootstrap(root, layout=layout, per_speaker=2, jobs=2)
    report = preflight(read_corpus(root))
    assert report.files and not report.bad and not report.warned


def test_preflight_of_a_corpus_without_pairs(tmp_path):
    root = make_ljspeech(tmp_path / "c", [("A-1", "text", "text")], audio=[])
    with pytest.raises(TTSError, match="no utterance has both a transcript and audio"):
        preflight(read_corpus(root))


# --- manifest and speaker table ------------------------------------------------------------------------


def test_manifest_round_trip(tmp_path):
    entries = [
        ManifestEntry("p225_001", "p225", 'Say "hi" — naïve café.', tmp_path / "a.flac", 2.1875, 48000),
        ManifestEntry("LJ001-0001", "LJ", "Printing.", tmp_path / "b.wav", 1.5, 22050),
    ]
    path = tmp_path / "data" / "train.jsonl"
    write_manifest(path, entries)
    assert read_manifest(path) == entries
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert list(first) == ["id", "speaker", "text", "path", "duration", "sample_rate"]
    assert Path(first["path"]).is_absolute()


def test_manifest_relative_paths_resolve_against_the_manifest(tmp_path):
    path = tmp_path / "data" / "m.jsonl"
    path.parent.mkdir()
    row = {"id": "a", "speaker": "LJ", "text": "x", "path": "../wavs/a.wav", "duration": 1, "sample_rate": 22050}
    path.write_text(json.dumps(row) + "\n\n")  # blank lines are ignored
    assert read_manifest(path)[0].path == tmp_path / "data" / "../wavs/a.wav"


def manifest_line(drop=None, **changes):
    row = {"id": "b", "speaker": "LJ", "text": "x", "path": "b.wav", "duration": 1, "sample_rate": 22050, **changes}
    return json.dumps({key: value for key, value in row.items() if key != drop})


@pytest.mark.parametrize(
    "bad_line, message",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        (manifest_line(drop="sample_rate"), "missing sample_rate"),
        (manifest_line(duration=-1), "duration must be"),
        (manifest_line(duration=True), "duration must be"),
        (manifest_line(sample_rate=1.5), "sample_rate must be"),
        (manifest_line(speaker=3), "speaker must be"),
        (manifest_line(text=""), "text must be"),
        (manifest_line(id="a"), "duplicate id 'a' .first on line 1"),
    ],
)
def test_malformed_manifest_line_is_named(tmp_path, bad_line, message):
    path = tmp_path / "m.jsonl"
    path.write_text(f"{manifest_line(id='a')}\n{manifest_line(id='c')}\n{bad_line}\n")
    with pytest.raises(TTSError, match=rf"m\.jsonl:3: {message}"):
        read_manifest(path)


def test_speaker_table_round_trip(tmp_path):
    table = build_speaker_table(["p226", "p225", "p226"], {"p225": {"age": 23, "gender": "F"}})
    assert [(s.id, s.index) for s in table.values()] == [("p225", 0), ("p226", 1)]
    path = tmp_path / "speakers.json"
    write_speaker_table(path, table)
    assert read_speaker_table(path) == table
    assert json.loads(path.read_text())["speakers"]["p225"] == {"index": 0, "age": 23, "gender": "F"}
    path.write_text(json.dumps({"version": 1, "speakers": {"a": {"index": 0}, "b": {"index": 2}}}))
    with pytest.raises(TTSError, match="indices must be 0 .. 1"):
        read_speaker_table(path)


# --- the CLI ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["check", "manifest"])
def test_cli_writes_manifest_and_speakers_for_ljspeech(tmp_path, capsys, action):
    root = ljspeech_corpus(tmp_path / "LJSpeech-1.1")
    out = tmp_path / "data" / "lj.jsonl"
    assert main(["corpus", action, str(root), "--out", str(out)]) == 0
    entries = read_manifest(out)
    assert [(e.id, e.speaker, e.sample_rate) for e in entries] == [
        ("LJ001-0001", "LJ", LJ_RATE),
        ("LJ001-0002", "LJ", LJ_RATE),
    ]
    assert [e.duration for e in entries] == pytest.approx([4.0, 2.5])
    table = read_speaker_table(tmp_path / "data" / "lj.speakers.json")  # default: beside the manifest
    assert {name: speaker.index for name, speaker in table.items()} == {"LJ": 0}
    printed = capsys.readouterr().out
    assert "wavs/LJ001-0003.wav" in printed and MISSING_AUDIO in printed  # listed, and skipped
    assert "checked 2 files" in printed and "0 bad" in printed and "2 unpaired" in printed


def test_cli_check_vctk_092(tmp_path):
    root = vctk_corpus(tmp_path / "VCTK-Corpus-0.92", "0.92")
    out, speakers, report = tmp_path / "vctk.jsonl", tmp_path / "spk.json", tmp_path / "report.json"
    argv = ["corpus", "check", str(root), "--out", str(out), "--speakers", str(speakers), "--report", str(report)]
    assert main(argv) == 0
    entries = read_manifest(out)
    assert [(e.id, e.speaker, e.sample_rate) for e in entries] == [
        ("p225_001", "p225", VCTK_RATE),
        ("p225_002", "p225", VCTK_RATE),
        ("p226_001", "p226", VCTK_RATE),
    ]
    assert all(e.duration == pytest.approx(VCTK_SECONDS) and e.path.name.endswith("_mic1.flac") for e in entries)
    table = read_speaker_table(speakers)
    assert {name: s.index for name, s in table.items()} == {"p225": 0, "p226": 1}  # p315 had no good file
    assert table["p225"].region == "Southern England" and table["p226"].gender == "M"
    data = json.loads(report.read_text())
    assert data["summary"]["checked"] == 3 and data["summary"]["passed"] is True
    unpaired_rows = {(row["id"], row["code"]) for row in data["unpaired"]}
    assert unpaired_rows == {("p226_009", MISSING_AUDIO), ("p315_001", MISSING_TEXT)}


def test_cli_marks_a_transcript_that_is_not_utf8_bad(tmp_path, capsys):
    root = vctk_corpus(tmp_path / "VCTK-Corpus-0.92", "0.92")
    (root / "txt" / "p225" / "p225_002.txt").write_bytes("Caf\u00e9 au lait.\n".encode("latin-1"))
    out, report = tmp_path / "vctk.jsonl", tmp_path / "report.json"
    argv = ["corpus", "check", str(root), "--out", str(out), "--report", str(report), "--max-bad-fraction", "0.5"]
    assert main(argv) == 0
    assert [entry.id for entry in read_manifest(out)] == ["p225_001", "p226_001"]  # skipped, no mojibake
    (row,) = json.loads(report.read_text())["files"]
    assert (row["id"], row["status"]) == ("p225_002", "bad")
    reason = "txt/p225/p225_002.txt is not valid UTF-8 (byte 0xe9 at offset 3)"
    assert [(issue["code"], issue["message"]) for issue in row["issues"]] == [
        ("transcript_encoding", f"{reason}; convert it with iconv -t UTF-8")
    ]
    assert reason in capsys.readouterr().out
    assert main(["corpus", "check", str(root)]) == 1  # 1 of 3 bad: over 1 %


def test_cli_fails_over_the_bad_fraction_and_writes_no_manifest(tmp_path, capsys):
    root = broken_corpus(tmp_path / "c")
    out, report = tmp_path / "m.jsonl", tmp_path / "report.json"
    assert main(["corpus", "check", str(root), "--out", str(out), "--report", str(report)]) == 1
    assert not out.exists()
    error = capsys.readouterr().err.strip()
    assert error.startswith("tts: error: 10 of 14 files are bad (71.4%)") and "\n" not in error
    data = json.loads(report.read_text())
    assert {row["id"]: {issue["code"] for issue in row["issues"]} for row in data["files"]} == {
        key: value for key, value in EXPECTED.items() if value
    }
    assert main(["corpus", "check", str(root), "--out", str(out), "--max-bad-fraction", "0.75"]) == 0
    assert {entry.id for entry in read_manifest(out)} == {"good"} | WARNED


def test_one_percent_rule(tmp_path):
    keys = [f"U{index:03d}" for index in range(100)]
    root = make_ljspeech(tmp_path / "c", [(key, GOOD_TEXT, GOOD_TEXT) for key in keys], seconds=1.0)
    (root / "wavs" / "U000.wav").write_bytes(b"")
    assert main(["corpus", "check", str(root)]) == 0  # 1 of 100 bad: exactly 1 %, allowed
    (root / "wavs" / "U001.wav").write_text("not audio")
    assert main(["corpus", "check", str(root)]) == 1  # 2 of 100: over 1 %
    assert main(["corpus", "manifest", str(root), "--out", str(tmp_path / "m.jsonl")]) == 1
    assert main(["corpus", "check", str(root), "--max-bad-fraction", "0.02"]) == 0


def test_cli_user_errors(tmp_path, capsys):
    assert main(["corpus", "check", str(tmp_path / "nowhere")]) == 1
    assert "no such corpus directory" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["corpus", "check", str(tmp_path), "--max-bad-fraction", "5"])
    assert exit_.value.code == 2
