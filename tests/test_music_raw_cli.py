"""`tts music bootstrap|train|generate|compare` on tiny tones, end to end, and their bad inputs: an
empty folder, undecodable and silent files, --seconds out of range, a non-audio, silent, stereo
48 kHz or 10-minute prime, an unknown instrument, a folder that is not a run; and resumed training
equals uninterrupted training."""

import json

import numpy as np
import pytest
import soundfile
import torch

from music_raw_fixtures import (
    RATE,
    TINY_LSTM_OVERRIDES,
    TINY_TRAINING,
    TINY_WAVENET_OVERRIDES,
    tone,
    write_not_audio,
    write_silence,
    write_tone_corpus,
)
from tts.checkpoint import load_weights
from tts.cli.main import main
from tts.training.evaluations import read_evaluations

pytestmark = pytest.mark.usefixtures("one_torch_thread")
OVERRIDES = {"wavenet": TINY_WAVENET_OVERRIDES, "lstm": TINY_LSTM_OVERRIDES}
KINDS = {"wavenet": "music-wavenet", "lstm": "music-lstm"}
WAVENET_FIELD = 16  # the tiny WaveNet's receptive field: the prime it keeps
LSTM_CONTEXT = 256  # the tiny runs' data.segment: the prime the LSTM keeps


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Both models trained 40 steps on ten tones of two instruments (pieces.json: one held out)."""
    root = tmp_path_factory.mktemp("music")
    write_tone_corpus(root / "corpus", files=10, instruments=("bright", "soft"))
    for model in OVERRIDES:
        status = main(["music", "train", "--model", model, "--corpus", str(root / "corpus"), "--out", str(root / model),
                       "--steps", "40", *OVERRIDES[model], *TINY_TRAINING])
        assert status == 0
    return root


def generate(run, out, *args):
    return main(["music", "generate", "--model", str(run), "--seconds", "0.1", "--seed", "3", *map(str, args),
                 "-o", str(out)])


def test_training_writes_weights_held_out_figures_and_the_curve(runs):
    for model, kind in KINDS.items():
        run = runs / model
        assert (run / f"{kind}.safetensors").is_file()
        held_out = json.loads((run / "held_out.json").read_text())
        assert held_out["ids"] == ["tone09.wav"] and held_out["report"]["bits_per_sample"] < 8.0
        rows = read_evaluations(run)
        assert [row["step"] for row in rows] == [10, 20, 30, 40]
        assert rows[-1]["bits_per_sample"] == pytest.approx(held_out["report"]["bits_per_sample"], rel=1e-4)


def test_training_lists_the_files_it_skipped(tmp_path, capsys):
    write_tone_corpus(tmp_path / "corpus", files=3)
    write_not_audio(tmp_path / "corpus" / "text.wav")
    write_silence(tmp_path / "corpus" / "silent.wav")
    assert main(["music", "train", "--model", "lstm", "--corpus", str(tmp_path / "corpus"), "--out", str(tmp_path / "run"),
                 "--steps", "1", *TINY_LSTM_OVERRIDES, *TINY_TRAINING]) == 0
    out = capsys.readouterr().out
    assert "skipped text.wav: not a readable audio file" in out and "skipped silent.wav: silent" in out


@pytest.mark.parametrize("model", ["wavenet", "lstm"])
def test_generate_writes_the_prime_then_the_new_seconds(runs, tmp_path, model, capsys):
    """A stereo 48 kHz prime is read at 16 kHz mono; the output holds the part of it the model
    keeps, then 0.1 s."""
    prime = tmp_path / "prime.wav"
    soundfile.write(prime, np.stack([tone(300.0, seconds=0.5, rate=48_000)] * 2, axis=1), 48_000)
    out = tmp_path / "out.wav"
    assert generate(runs / model, out, "--prime", prime, "--instrument", "soft", "--temperature", "0.9") == 0
    audio, rate = soundfile.read(out)
    kept = WAVENET_FIELD if model == "wavenet" else LSTM_CONTEXT
    assert rate == RATE and len(audio) == kept + RATE // 10 and np.abs(audio[kept:]).max() > 0
    assert "tts: note: the prime is 0.5 s" in capsys.readouterr().err
    again = tmp_path / "again.wav"
    assert generate(runs / model, again, "--prime", prime, "--instrument", "soft", "--temperature", "0.9") == 0
    np.testing.assert_array_equal(soundfile.read(again)[0], audio)


def test_a_ten_minute_prime_keeps_its_end_with_a_note(runs, tmp_path, capsys):
    prime = tmp_path / "long.wav"
    soundfile.write(prime, np.tile(tone(300.0, seconds=1.0), 600), RATE, subtype="PCM_16")
    out = tmp_path / "out.wav"
    assert generate(runs / "wavenet", out, "--prime", prime) == 0
    assert "the prime is 600.0 s; continuing from its last 0.001 s" in capsys.readouterr().err
    assert soundfile.info(str(out)).frames == WAVENET_FIELD + RATE // 10


def test_a_silent_prime_is_allowed(runs, tmp_path):
    out = tmp_path / "out.wav"
    assert generate(runs / "lstm", out, "--prime", write_silence(tmp_path / "silent.wav")) == 0
    assert soundfile.info(str(out)).frames == LSTM_CONTEXT + RATE // 10


@pytest.mark.parametrize("args, status, message", [
    (["--prime", "NOTAUDIO"], 1, "not a readable audio file"),
    (["--instrument", "banjo"], 2, "unknown instrument 'banjo'; this model's instruments: bright, soft"),
])
def test_a_bad_prime_or_instrument_is_a_one_line_error_and_writes_nothing(runs, tmp_path, capsys, args, status, message):
    args = [str(write_not_audio(tmp_path / "prime.wav")) if arg == "NOTAUDIO" else arg for arg in args]
    out = tmp_path / "out.wav"
    assert generate(runs / "wavenet", out, *args) == status
    err = capsys.readouterr().err
    assert err.startswith("tts: error: ") and message in err and err.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize("seconds", ["0", "-1", "600.5", "nan", "x"])
def test_seconds_out_of_range_are_usage_errors(runs, tmp_path, capsys, seconds):
    with pytest.raises(SystemExit) as raised:
        main(["music", "generate", "--model", str(runs / "lstm"), "--seconds", seconds, "-o", str(tmp_path / "x.wav")])
    assert raised.value.code == 2 and "expected seconds above 0 and at most 600" in capsys.readouterr().err


def test_a_folder_that_is_not_a_run_and_an_absent_bundled_model_are_one_line_errors(tmp_path, capsys, monkeypatch):
    from music.raw import models

    (tmp_path / "folder").mkdir()
    assert generate(tmp_path / "folder", tmp_path / "x.wav") == 1
    assert "not a finished `tts music train` run" in capsys.readouterr().err
    monkeypatch.setitem(models.BUNDLED, "wavenet", tmp_path / "missing.safetensors")
    assert generate("wavenet", tmp_path / "x.wav") == 1
    assert "the bundled model 'wavenet' is not installed" in capsys.readouterr().err


def test_an_empty_corpus_is_a_one_line_error(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["music", "train", "--model", "lstm", "--corpus", str(tmp_path / "empty"),
                 "--out", str(tmp_path / "run")]) == 1
    assert "no audio files (.wav, .flac, .ogg) in it" in capsys.readouterr().err


def test_compare_sets_the_models_side_by_side(runs, tmp_path, capsys):
    out = tmp_path / "comparison"
    assert main(["music", "compare", "--run", f"wavenet={runs / 'wavenet'}", "--run", f"lstm={runs / 'lstm'}",
                 "--pieces", "2", "--seconds", "0.1", "--out", str(out)]) == 0
    result = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert result == json.loads((out / "comparison.json").read_text()) and result["held_out_files"] == 1
    for label in ("wavenet", "lstm"):
        figures = result["models"][label]
        assert figures["steps"] == 40 and figures["real_time_factor"] > 0 and figures["heldout_bits_per_sample"] < 8
        assert soundfile.info(str(out / label / "01.wav")).frames == RATE // 10
    assert result["models"]["lstm"]["seconds_to_baseline_best"] is not None  # the baseline reaches its own best
    assert "| held-out bits / sample |" in (out / "comparison.md").read_text()


def test_bootstrap_renders_chorales_with_a_listing(tmp_path, capsys):
    out = tmp_path / "chorales"
    assert main(["music", "bootstrap", "--out", str(out), "--pieces", "2", "--instruments", "flute", "organ"]) == 0
    rows = json.loads((out / "pieces.json").read_text())["files"]
    assert [(row["instrument"], row["split"]) for row in rows] == [("flute", "train"), ("organ", "train")]
    audio, rate = soundfile.read(out / rows[0]["file"])
    assert rate == RATE and audio.ndim == 1 and len(audio) > 10 * RATE and np.abs(audio).max() == pytest.approx(0.9, abs=0.01)
    assert main(["music", "bootstrap", "--out", str(out), "--instruments", "banjo"]) == 1
    assert "unknown instruments ['banjo']" in capsys.readouterr().err


def test_a_resumed_run_ends_with_the_weights_of_an_uninterrupted_one(tmp_path):
    """Segments are drawn per item from the seed, so 10 steps, then 10 more after a restart, give
    exactly the weights of 20 in one go (constant LR: the schedule does not depend on the steps asked for)."""
    write_tone_corpus(tmp_path / "corpus", files=10, instruments=("bright", "soft"))
    common = ["music", "train", "--model", "wavenet", "--corpus", str(tmp_path / "corpus"), *TINY_WAVENET_OVERRIDES,
              *TINY_TRAINING, "train.lr_decay=constant", "train.checkpoint_every=10"]
    assert main([*common, "--out", str(tmp_path / "whole"), "--steps", "20"]) == 0
    assert main([*common, "--out", str(tmp_path / "parts"), "--steps", "10"]) == 0
    assert main([*common, "--out", str(tmp_path / "parts"), "--steps", "20"]) == 0
    whole, parts = (load_weights(tmp_path / run / "music-wavenet.safetensors").state_dict for run in ("whole", "parts"))
    assert all(torch.equal(whole[name], parts[name]) for name in whole)
    assert read_evaluations(tmp_path / "whole") == [
        {**row, "train_seconds": whole_row["train_seconds"]}
        for row, whole_row in zip(read_evaluations(tmp_path / "parts"), read_evaluations(tmp_path / "whole"))
    ]
