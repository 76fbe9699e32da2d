"""`tts synth` and `tts speakers` on a tiny voice: outputs, and every "Text" row of BAD_INPUTS.md."""

import errno
import io
import os
import struct
import sys

import numpy as np
import pytest
import soundfile

from tts.cli.main import main
from tts.wav_writer import OPEN_ENDED
from voice_fixtures import SPEC, build_tiny_voice


def synth(voice_dir, *args):
    return main(["synth", "--voice", str(voice_dir), *args])


def test_writes_a_wav_and_says_where(voice_dir, tmp_path, capsys):
    out = tmp_path / "x.wav"
    assert synth(voice_dir, "Hello there. How are you?", "--speaker", "1", "-o", str(out)) == 0
    wav, rate = soundfile.read(out)
    assert rate == SPEC.sample_rate and len(wav) > SPEC.sample_rate * 0.2 and np.abs(wav).max() > 0.01
    err = capsys.readouterr().err
    assert f"wrote {out.resolve()}:" in err and "2 sentences" in err and "vocoder griffinlim" in err


def test_flac_file_and_text_file_input(voice_dir, tmp_path):
    text = tmp_path / "in.txt"
    text.write_text("\ufeffOne line.\r\nAnother line.\r\n", encoding="utf-8")  # BOM and CRLF are fine
    assert synth(voice_dir, "--file", str(text), "-o", str(tmp_path / "x.flac"), "--vocoder", "world") == 0
    assert soundfile.info(tmp_path / "x.flac").format == "FLAC"


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", "...", "?!"])
def test_nothing_to_speak_is_a_usage_error_and_writes_nothing(voice_dir, tmp_path, capsys, text):
    out = tmp_path / "x.wav"
    assert synth(voice_dir, text, "-o", str(out)) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("tts: error:") and len(err.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("text, dropped", [
    ("Hi 👍🏽 there 👍🏽!", "dropped 2 characters: '👍🏽' ×2"),  # one grapheme, skin tone included
    ("Hello 👨\u200d👩\u200d👧 family.", r"'👨\u200d👩\u200d👧' ×1"),  # repr shows the invisible joiners
    ("Say ⌘ and ☃ now.", "'⌘' ×1, '☃' ×1"),
    ("Words and Привет мир here.", "'П' ×1, 'р' ×2, 'и' ×2"),
])
def test_dropped_characters_get_one_warning_with_counts_and_the_rest_is_spoken(voice_dir, tmp_path, capsys, text, dropped):
    out = tmp_path / "x.wav"
    assert synth(voice_dir, text, "-o", str(out)) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and dropped in warnings[0]
    assert soundfile.info(out).frames > 0


def test_numbers_money_and_dates_are_spoken_not_dropped(voice_dir, tmp_path, capsys):
    short, long = tmp_path / "a.wav", tmp_path / "b.wav"
    assert synth(voice_dir, "It costs.", "-o", str(short)) == 0
    assert synth(voice_dir, "It costs $3.50, 25% off, on 3/14/2025 at 5 p.m.", "-o", str(long)) == 0
    assert "warning" not in capsys.readouterr().err
    assert soundfile.info(long).frames > 4 * soundfile.info(short).frames


@pytest.mark.parametrize("speaker, message", [
    ("3", "unknown speaker 3; valid speakers: 0 (p225), 1 (p226), 2 (p227)"),
    ("-1", "unknown speaker '-1'"),
    ("p999", "unknown speaker 'p999'"),
    ("0:0.5,9:0.5", "unknown speaker 9"),
    ("0:half", "is not speaker:weight"),
])
def test_bad_speaker_lists_the_valid_ones_before_any_work(voice_dir, tmp_path, capsys, speaker, message):
    assert synth(voice_dir, "Hello.", "--speaker", speaker, "-o", str(tmp_path / "x.wav")) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_single_speaker_voice_says_so(tmp_path, capsys):
    voice_dir = build_tiny_voice(tmp_path / "one", speakers=("solo",), vocoders={"griffinlim": None})
    assert synth(str(voice_dir), "Hello.", "--speaker", "1", "-o", str(tmp_path / "x.wav")) == 2
    assert "this voice has one speaker: 0 (solo)" in capsys.readouterr().err


def test_unknown_vocoder_lists_the_voice_vocoders(voice_dir, tmp_path, capsys):
    assert synth(voice_dir, "Hello.", "--vocoder", "hifigan", "-o", str(tmp_path / "x.wav")) == 2
    assert "it has: griffinlim, world, wavenet" in capsys.readouterr().err


@pytest.mark.parametrize("output, message", [
    ("missing_dir/x.wav", "does not exist"),
    (".", "is a directory"),
    ("x.mp3", "unsupported audio extension"),
])
def test_unwritable_output_fails_before_synthesis(voice_dir, tmp_path, capsys, output, message):
    assert synth(voice_dir, "Hello.", "-o", str(tmp_path / output)) == 2
    assert message in capsys.readouterr().err


def test_full_disk_leaves_no_partial_file(voice_dir, tmp_path, capsys, monkeypatch):
    def full(self, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(soundfile.SoundFile, "write", full)
    assert synth(voice_dir, "Hello. Goodbye.", "-o", str(tmp_path / "x.wav")) == 1
    assert "x.wav: the disk is full; nothing was written" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_long_unpunctuated_text_is_chunked_and_lasts_longer(tmp_path, capsys):
    # a third-party plugin voices it: minutes of audio in a second
    voice_dir = str(build_tiny_voice(tmp_path / "sine", vocoders={"tiny-sine": None}))
    words = ("alpha beta gamma delta " * 250).strip()  # ~5,000 characters, no punctuation
    half = " ".join(words.split()[:500])
    assert synth(voice_dir, words, "-o", str(tmp_path / "long.wav")) == 0
    chunks = int(capsys.readouterr().err.split(" sentences")[0].rsplit(" ", 1)[1])
    assert synth(voice_dir, half, "-o", str(tmp_path / "half.wav")) == 0
    assert chunks >= 5000 // 400
    ratio = soundfile.info(tmp_path / "long.wav").frames / soundfile.info(tmp_path / "half.wav").frames
    assert 1.8 < ratio < 2.2


def run_with_stdin(voice_dir, monkeypatch, capsysbinary, *args, stdin=b""):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    status = synth(voice_dir, *args)
    return status, capsysbinary.readouterr()


def test_stdout_gets_a_complete_wav_and_stdin_gives_the_text(voice_dir, monkeypatch, capsysbinary):
    status, out = run_with_stdin(voice_dir, monkeypatch, capsysbinary, "-o", "-", stdin="Hello from standard input.".encode())
    assert status == 0
    wav, rate = soundfile.read(io.BytesIO(out.out))
    assert rate == SPEC.sample_rate and len(wav) > 0
    assert b"wrote standard output" in out.err


def test_streaming_to_stdout_sends_an_open_ended_wav(voice_dir, monkeypatch, capsysbinary):
    status, out = run_with_stdin(voice_dir, monkeypatch, capsysbinary, "One. Two. Three.", "--stream", "-o", "-")
    assert status == 0
    header = out.out[:44]
    assert header[:4] == b"RIFF" and struct.unpack("<I", header[40:44])[0] == OPEN_ENDED
    samples = np.frombuffer(out.out[44:], dtype="<i2")
    assert len(samples) > 0 and np.abs(samples).max() > 100


def test_invalid_utf8_on_stdin_is_a_clear_error(voice_dir, monkeypatch, capsysbinary):
    status, out = run_with_stdin(voice_dir, monkeypatch, capsysbinary, "-o", "-", stdin=b"caf\xe9 au lait")
    assert status == 2 and out.out == b""
    assert out.err.decode().strip() == (
        "tts: error: standard input is not valid UTF-8 (byte 0xe9 at offset 3); convert it with iconv -t UTF-8"
    )


def test_speakers_lists_the_voice(voice_dir, capsys):
    assert main(["speakers", "--voice", str(voice_dir)]) == 0
    out = capsys.readouterr().out
    assert "voice 'tiny': untrained, for tests" in out
    assert "2      p227  M" in out and "vocoders: griffinlim (default), world, wavenet" in out


def test_missing_espeak_names_the_install_command_and_writes_nothing(voice_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert synth(voice_dir, "Hello.", "-o", str(tmp_path / "x.wav")) == 1
    assert "espeak-ng not found on PATH; install it with: sudo apt-get install espeak-ng" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("text", [
    "testing testing..",
    "wait.......... for it !!!!!! ??? ...",
    "Null\x00byte and\u200f right-to-left\u200e marks.",
    "Lone \ud800 surrogate here.",
    "\ufeffByte order mark.\r\nWindows line ends.\r\n",
])
def test_awkward_text_finishes_and_speaks(voice_dir, tmp_path, text):
    out = tmp_path / "x.wav"
    assert synth(voice_dir, text, "-o", str(out)) == 0
    assert soundfile.info(out).frames > 0


def test_words_outside_the_inventory_are_skipped_and_reported(voice_dir, tmp_path, capsys):
    out = tmp_path / "x.wav"
    assert synth(voice_dir, "Say [[ h ə ʘ l oʊ ]] now.", "-o", str(out)) == 0
    assert "skipped unknown phonemes: 'ʘ' ×1" in capsys.readouterr().err
    assert soundfile.info(out).frames > 0
