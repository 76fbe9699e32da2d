"""The Utterance record, the start-up check for system programs, and the CLI's error handling."""

import dataclasses

import numpy as np
import pytest

from tts.cli.main import main
from tts.errors import TTSError
from tts.system_tools import require
from tts.utterance import Utterance


def test_utterance_is_frozen_and_stages_return_new_ones():
    first = Utterance(text="hello", phonemes=("h", "ə"), speaker=0)
    second = first.with_(mel=np.zeros((3, 80), dtype=np.float32))
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.text = "changed"
    assert first.mel is None and second.mel.shape == (3, 80) and second.phonemes == first.phonemes


def test_missing_reports_empty_fields_and_speaker_zero_counts_as_present():
    utterance = Utterance(text="hi", phonemes=(), speaker=0, f0=np.zeros(3))
    assert utterance.missing(("mel", "f0", "phonemes", "speaker")) == ["mel", "phonemes"]


def test_missing_espeak_names_the_install_command(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(TTSError, match="espeak-ng not found on PATH; install it with: sudo apt-get install espeak-ng"):
        require("espeak-ng")


def test_doctor_fails_with_install_hints_when_programs_are_missing(monkeypatch, capsys):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "MISSING  festival" in out and "sudo apt-get install festival festvox-kallpc16k" in out


def test_doctor_passes_on_a_set_up_machine(capsys):
    assert main(["doctor"]) == 0
    assert "tiny-sine" in capsys.readouterr().out


def test_user_errors_become_one_line_and_their_exit_code(capsys):
    assert main(["corpus", "check", "/nonexistent/corpus"]) != 0
    err = capsys.readouterr().err
    assert err.startswith("tts: error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_unknown_subcommand_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["no-such-command"])
    assert caught.value.code == 2
