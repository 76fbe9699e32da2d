"""Corrupt voices, out-of-range numbers and hostile outputs: each a one-line error or a documented
behaviour, never a traceback and never a half-written or garbage wav."""

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
import soundfile
import torch
from safetensors import safe_open
from safetensors.torch import save_file

import tts.wav_writer
from tts.cli.main import SIGPIPE_STATUS, main
from tts.errors import CorruptCheckpointError, TTSError, UsageError
from tts.voice import Voice
from tts.voice_files import VOICE_FILE, VoiceFiles
from tts.voice_integrity import CorruptVoiceError

TEXT = "The cat sat on the mat."


@pytest.fixture
def voice_copy(voice_dir, tmp_path):
    return shutil.copytree(voice_dir, tmp_path / "voice")


def rewrite_tensor(path, name, change):
    """Write the weights file back with tensor `name` changed, its metadata kept."""
    with safe_open(str(path), framework="pt") as weights:
        tensors = {key: weights.get_tensor(key) for key in weights.keys()}
        metadata = weights.metadata()
    tensors[name] = change(tensors[name].clone())
    save_file(tensors, str(path), metadata=metadata)


def first_tensor(path):
    with safe_open(str(path), framework="pt") as weights:
        return next(key for key in weights.keys() if weights.get_tensor(key).is_floating_point())


def without_checksums(voice_dir):
    source = voice_dir / VOICE_FILE
    data = json.loads(source.read_text())
    data["checksums"] = {}
    source.write_text(json.dumps(data))


def test_the_builder_records_a_checksum_of_every_component(voice_dir):
    files = VoiceFiles.read(voice_dir)
    assert set(files.checksums) == set(files.components()) == {
        "duration.safetensors", "acoustic.safetensors", "griffinlim.json", "world.json", "wavenet.safetensors",
    }
    assert all(len(digest) == 64 for digest in files.checksums.values())


def test_random_bytes_in_a_component_fail_its_checksum(voice_copy):
    weights = voice_copy / "wavenet.safetensors"
    data = bytearray(weights.read_bytes())
    data[-100:-90] = os.urandom(10)  # inside the tensor data: the header still parses
    weights.write_bytes(bytes(data))
    with pytest.raises(CorruptVoiceError, match=r"wavenet.safetensors: does not match the checksum in .*voice.json"):
        Voice.load(voice_copy)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_weights_are_named_by_file_and_tensor(voice_copy, bad):
    without_checksums(voice_copy)  # a voice from before checksums: the scan still catches it
    weights = voice_copy / "acoustic.safetensors"
    name = first_tensor(weights)
    rewrite_tensor(weights, name, lambda tensor: tensor.view(-1).index_fill_(0, torch.tensor([0]), bad).view(tensor.shape))
    with pytest.raises(CorruptCheckpointError, match=f"acoustic.safetensors: tensor '{name}' holds NaN or infinite values"):
        Voice.load(voice_copy)


def test_synth_and_doctor_on_a_corrupt_voice(voice_copy, tmp_path, capsys):
    without_checksums(voice_copy)
    weights = voice_copy / "duration.safetensors"
    rewrite_tensor(weights, first_tensor(weights), lambda tensor: tensor.fill_(float("nan")))
    out = tmp_path / "out.wav"
    assert main(["synth", TEXT, "--voice", str(voice_copy), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("tts: error: ") and "duration.safetensors: tensor" in err and err.count("\n") == 1
    assert not out.exists()
    assert main(["doctor", "--voice", str(voice_copy)]) == 1
    assert "voice PROBLEM: " in capsys.readouterr().out
    assert main(["doctor", "--voice", str(tmp_path / "missing")]) == 1


def test_doctor_verifies_a_sound_voice(voice_dir, capsys):
    main(["doctor", "--voice", str(voice_dir)])
    assert "voice 'tiny': 5 components, weights finite, checksums verified" in capsys.readouterr().out


def test_a_vocoder_that_returns_nan_is_an_error_not_a_wav(voice_dir, monkeypatch):
    voice = Voice.load(voice_dir)
    vocoder = voice.vocoder("world")
    monkeypatch.setattr(vocoder, "render", lambda utterances: [np.full(100, np.nan, np.float32) for _ in utterances])
    with pytest.raises(TTSError, match="vocoder 'world' produced NaN or infinite samples"):
        voice.synthesize(TEXT, vocoder="world")
    streaming = voice.vocoder("griffinlim")
    monkeypatch.setattr(streaming, "stream", lambda utterance, **options: iter([np.full(64, np.inf, np.float32)]))
    with pytest.raises(TTSError, match="vocoder 'griffinlim' produced NaN"):
        list(voice.stream(TEXT, vocoder="griffinlim", chunk_frames=8))


def test_an_acoustic_model_that_returns_nan_is_an_error(voice_dir, monkeypatch):
    voice = Voice.load(voice_dir)
    real = voice.acoustic_model.synthesize_batch
    monkeypatch.setattr(voice.acoustic_model, "synthesize_batch",
                        lambda *args, **kwargs: [(mel * np.nan, f0) for mel, f0 in real(*args, **kwargs)])
    with pytest.raises(TTSError, match="the acoustic model produced NaN"):
        voice.synthesize(TEXT)


@pytest.mark.parametrize("shift", ["nan", "inf", "-inf", "100", "-12.5"])
def test_pitch_shift_outside_its_range_is_a_usage_error(voice_dir, tmp_path, capsys, shift):
    assert main(["synth", TEXT, "--voice", str(voice_dir), f"--pitch-shift={shift}", "-o", str(tmp_path / "o.wav")]) == 2
    assert "pitch shift must be between -12 and 12 semitones" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_pitch_shift_at_its_limits_speaks(voice):
    for shift in (-12, 12.0):
        assert len(voice.synthesize(TEXT, pitch_shift=shift).audio) > 0
    with pytest.raises(UsageError, match="pitch shift"):
        voice.synthesize(TEXT, pitch_shift=float("nan"))


def test_ssml_pitch_past_the_limit_is_clamped_and_reported(voice):
    result = voice.synthesize(f'<speak><prosody pitch="+10st">{TEXT}</prosody></speak>', ssml=True, pitch_shift=5)
    assert "prosody pitch +15.0 semitones is outside ±12; +12 is used" in result.utterances[0].report["warnings"]
    np.testing.assert_array_equal(result.utterances[0].f0, voice.synthesize(TEXT, pitch_shift=12).utterances[0].f0)


def test_a_file_given_as_the_voice(tmp_path, capsys):
    wav = tmp_path / "some_file.wav"
    wav.write_bytes(b"RIFF")
    assert main(["synth", TEXT, "--voice", str(wav), "-o", str(tmp_path / "o.wav")]) == 1
    assert capsys.readouterr().err == f"tts: error: {wav} is a file; a voice is a directory holding voice.json\n"


@pytest.mark.parametrize("key", ["acoustic_model", "vocoders", "speakers"])
def test_a_voice_json_without_a_component_names_the_key(voice_copy, key):
    source = voice_copy / VOICE_FILE
    data = json.loads(source.read_text())
    del data[key]
    source.write_text(json.dumps(data))
    with pytest.raises(TTSError, match=f"voice.json: missing '{key}'; a voice description names name, speakers"):
        VoiceFiles.read(voice_copy)


@pytest.mark.parametrize("stream", [False, True])
def test_a_closed_pipe_ends_quietly_with_the_sigpipe_status(voice_dir, stream):
    long_text = " ".join(["The cat sat on the mat and looked around the room."] * 20)
    process = subprocess.Popen([sys.executable, "-m", "tts.cli.main", "synth", long_text, "--voice", str(voice_dir),
                                "-o", "-", *(["--stream"] if stream else [])], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert len(process.stdout.read(100)) == 100
    process.stdout.close()  # like `| head -c 100`
    stderr = process.stderr.read().decode()
    status = process.wait(timeout=120)
    assert "Traceback" not in stderr and "Error" not in stderr
    if stream:  # pieces keep coming after the reader left: the next write finds the pipe closed
        assert (status, stderr) == (SIGPIPE_STATUS, "")
    else:  # one write of the whole wav, which this machine's pipe may take in full before the reader leaves
        assert status in (0, SIGPIPE_STATUS)


def test_a_full_disk_on_standard_output(voice_dir):
    with open("/dev/full", "wb") as full:
        result = subprocess.run([sys.executable, "-m", "tts.cli.main", "synth", TEXT, "--voice", str(voice_dir), "-o", "-"],
                                stdout=full, stderr=subprocess.PIPE, text=True)
    assert result.returncode == 1
    assert result.stderr == "tts: error: cannot write standard output: the disk is full\n"


def test_a_full_disk_says_so_and_leaves_nothing(voice_dir, tmp_path, capsys, monkeypatch):
    def no_space(self, data):
        raise soundfile.SoundFileError("System error.")  # what libsndfile says when a write finds no room

    monkeypatch.setattr(soundfile.SoundFile, "write", no_space)
    monkeypatch.setattr(tts.wav_writer.shutil, "disk_usage", lambda folder: shutil._ntuple_diskusage(10**9, 10**9, 0))
    out = tmp_path / "out.wav"
    assert main(["synth", TEXT, "--voice", str(voice_dir), "-o", str(out)]) == 1
    assert capsys.readouterr().err == f"tts: error: cannot write {out}: the disk is full; nothing was written\n"
    assert list(tmp_path.iterdir()) == []


def test_an_output_that_is_a_link_is_written_through(voice_dir, tmp_path):
    target = tmp_path / "elsewhere" / "real.wav"
    target.parent.mkdir()
    target.write_bytes(b"old")
    link = tmp_path / "link.wav"
    link.symlink_to(target)
    assert main(["synth", TEXT, "--voice", str(voice_dir), "-o", str(link)]) == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert len(soundfile.read(target)[0]) > 1000
    assert sorted(p.name for p in target.parent.iterdir()) == ["real.wav"]  # no temporary file left beside it


@pytest.mark.parametrize("order, words", [("month-first", "December fifth"), ("day-first", "the twelfth of May")])
def test_the_date_order_reaches_the_voice_and_the_cli(voice_dir, tmp_path, capsys, order, words):
    [utterance] = Voice.load(voice_dir, date_order=order).synthesize("It is 12/05/2026.").utterances
    assert words in utterance.normalized
    assert main(["synth", "It is 12/05/2026.", "--voice", str(voice_dir), "--date-order", order,
                 "-o", str(tmp_path / "date.wav")]) == 0
