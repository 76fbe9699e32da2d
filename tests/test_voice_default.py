"""`default` names the bundled voice wherever a voice is asked for; `./default` is a folder."""

import shutil
from pathlib import Path

import pytest

from tts.cli.corpus.gta import acoustic_weights
from tts.cli.main import main
from tts.errors import TTSError
from tts.voice import Voice
from tts.voice_files import VoiceFiles, default_voice_dir, resolve_voice_dir

BUNDLED_SPEAKERS = ("p225", "p226", "p227", "p228", "p229", "p230", "p231", "p232")


@pytest.fixture
def local_default(voice_dir, tmp_path, monkeypatch):
    """The current directory holds a folder named `default` with the tiny test voice."""
    shutil.copytree(voice_dir, tmp_path / "default")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "default"


@pytest.mark.parametrize("given", [None, "default"])
def test_the_keyword_and_nothing_both_name_the_bundled_voice(given):
    files = VoiceFiles.read(given)
    assert resolve_voice_dir(given) == default_voice_dir() == files.root
    assert files.name == "bootstrap-vctk" and files.speakers == BUNDLED_SPEAKERS


def test_voice_load_default_is_the_bundled_voice():
    voice = Voice.load("default")
    assert voice.files.root == default_voice_dir()
    assert voice.speakers == BUNDLED_SPEAKERS and voice.default_vocoder == "griffinlim"


def test_tts_speakers_voice_default_lists_the_bundled_voice(capsys):
    assert main(["speakers", "--voice", "default"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("voice 'bootstrap-vctk'")
    assert all(f" {speaker} " in out for speaker in BUNDLED_SPEAKERS)
    assert "vocoders: griffinlim (default)" in out


def test_the_keyword_wins_over_a_folder_named_default(local_default, capsys):
    assert VoiceFiles.read("default").root == default_voice_dir()
    assert main(["speakers", "--voice", "default"]) == 0
    assert capsys.readouterr().out.startswith("voice 'bootstrap-vctk'")


def test_dot_slash_default_reaches_the_folder(local_default, capsys):
    assert VoiceFiles.read("./default").name == "tiny"
    assert main(["speakers", "--voice", "./default"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("voice 'tiny'") and " p227 " in out and "p232" not in out


def test_a_path_object_is_always_a_path(local_default):
    assert VoiceFiles.read(Path("default")).name == "tiny"


def test_a_missing_voice_directory_is_one_clear_error(tmp_path, capsys):
    with pytest.raises(TTSError, match="not a voice directory"):
        VoiceFiles.read(str(tmp_path / "default"))
    assert main(["speakers", "--voice", str(tmp_path / "nowhere")]) != 0
    assert capsys.readouterr().err.count("\n") == 1


def test_gta_acoustic_default_is_the_bundled_voices_weights():
    assert acoustic_weights("default") == default_voice_dir() / "acoustic.safetensors"
