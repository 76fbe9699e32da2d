"""`tts midi train|compose|compare` on a tiny corpus, end to end, and the bad inputs of
BAD_INPUTS.md's music rows: a corrupt MIDI, an empty folder, a drum-only file, a 10,000-note prime."""

import json

import mido
import pytest
import soundfile

from midi_fixtures import (
    TINY_LSTM_OVERRIDES,
    TINY_TRAINING,
    TINY_WAVENET_OVERRIDES,
    write_corrupt_midi,
    write_drum_midi,
    write_tiny_corpus,
)
from music.notes.events import read_piece
from tts.cli.main import main
from tts.training.evaluations import read_evaluations

pytestmark = pytest.mark.usefixtures("one_torch_thread")
OVERRIDES = {"wavenet": TINY_WAVENET_OVERRIDES, "lstm": TINY_LSTM_OVERRIDES}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Both models trained 40 steps on ten tiny pieces (and a corrupt and a drum file, skipped)."""
    root = tmp_path_factory.mktemp("midi")
    write_tiny_corpus(root / "corpus", pieces=10)
    write_corrupt_midi(root / "corpus" / "bad.mid")
    write_drum_midi(root / "corpus" / "drums.mid")
    for model in OVERRIDES:
        status = main(["midi", "train", "--model", model, "--corpus", str(root / "corpus"), "--out", str(root / model),
                       "--steps", "40", *OVERRIDES[model], *TINY_TRAINING])
        assert status == 0
    return root


def test_training_writes_weights_held_out_figures_and_the_curve(runs, capsys):
    for model, kind in (("wavenet", "note-wavenet"), ("lstm", "note-lstm")):
        run = runs / model
        assert (run / f"{kind}.safetensors").is_file()
        held_out = json.loads((run / "held_out.json").read_text())
        assert len(held_out["ids"]) == 1 and held_out["report"]["nll"] < 4.0  # log 143 = 4.96 untrained
        rows = read_evaluations(run)
        assert [row["step"] for row in rows] == [10, 20, 30, 40]
        assert rows[-1]["nll"] == pytest.approx(held_out["report"]["nll"], rel=1e-4)


def test_training_lists_the_files_it_skipped(tmp_path, capsys):
    write_tiny_corpus(tmp_path / "corpus", pieces=3)
    write_drum_midi(tmp_path / "corpus" / "drums.mid")
    assert main(["midi", "train", "--model", "lstm", "--corpus", str(tmp_path / "corpus"), "--out", str(tmp_path / "run"),
                 "--steps", "1", *TINY_LSTM_OVERRIDES, *TINY_TRAINING, "train.batch_size=2"]) == 0
    assert "skipped drums.mid: holds no pitched notes" in capsys.readouterr().out


@pytest.mark.parametrize("model", ["wavenet", "lstm"])
def test_compose_writes_midi_that_reparses_and_renders(runs, tmp_path, model, capsys):
    out = tmp_path / "song.mid"
    assert main(["midi", "compose", "--model", str(runs / model), "--bars", "4", "--seed", "3",
                 "--temperature", "0.8", "-o", str(out), "--wav", str(tmp_path / "song.wav")]) == 0
    assert read_piece(out).events
    assert mido.MidiFile(str(out)).length >= 16 * 60 / 90 - 1e-6  # four 4/4 bars at 90 quarters a minute
    audio, rate = soundfile.read(tmp_path / "song.wav")
    assert rate == 22050 and len(audio) > rate * 16 / (90 / 60) * 0.9 and abs(audio).max() > 0.01


def test_compose_continues_a_prime_and_cuts_a_10000_note_one(runs, tmp_path, capsys):
    long_prime = tmp_path / "long.mid"
    midi = mido.MidiFile()
    track = mido.MidiTrack()
    midi.tracks.append(track)
    for index in range(10_000):
        track.append(mido.Message("note_on", note=60 + index % 12, velocity=80, time=0))
        track.append(mido.Message("note_off", note=60 + index % 12, velocity=0, time=120))
    midi.save(str(long_prime))
    out = tmp_path / "continued.mid"
    assert main(["midi", "compose", "--model", str(runs / "lstm"), "--bars", "2", "--seed", "1",
                 "--prime", str(long_prime), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "tts: note: the prime has 2" in err and "composing from its last" in err
    assert len(read_piece(out).events) < 300  # the kept prime (under 512 tokens) and two bars


@pytest.mark.parametrize("make, message", [
    (write_corrupt_midi, "not a readable MIDI or MusicXML score"),
    (write_drum_midi, "holds no pitched notes"),
])
def test_a_bad_prime_is_a_one_line_error_and_writes_nothing(runs, tmp_path, capsys, make, message):
    prime = make(tmp_path / "prime.mid")
    out = tmp_path / "out.mid"
    assert main(["midi", "compose", "--model", str(runs / "wavenet"), "--prime", str(prime), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("tts: error: ") and message in err and err.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize("args, message", [
    (["--bars", "0"], "expected a positive integer"),
    (["--bars", "1000"], "at most 256 bars"),
    (["--temperature", "-1"], "expected a number >= 0"),
])
def test_bad_compose_options_are_usage_errors(runs, tmp_path, capsys, args, message):
    with pytest.raises(SystemExit) as raised:
        main(["midi", "compose", "--model", str(runs / "lstm"), *args, "-o", str(tmp_path / "x.mid")])
    assert raised.value.code == 2 and message in capsys.readouterr().err


def test_an_unknown_model_and_an_empty_corpus_are_one_line_errors(tmp_path, capsys):
    assert main(["midi", "compose", "--model", str(tmp_path / "nothing"), "-o", str(tmp_path / "x.mid")]) == 1
    assert "neither a bundled model" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["midi", "train", "--model", "lstm", "--corpus", str(tmp_path / "empty"),
                 "--out", str(tmp_path / "run")]) == 1
    assert "no MIDI, MusicXML or Humdrum files" in capsys.readouterr().err


def test_compare_sets_the_models_side_by_side(runs, tmp_path, capsys):
    out = tmp_path / "comparison"
    assert main(["midi", "compare", "--run", f"wavenet={runs / 'wavenet'}", "--run", f"lstm={runs / 'lstm'}",
                 "--compositions", "2", "--bars", "2", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    result = json.loads(printed[-1])
    assert result == json.loads((out / "comparison.json").read_text())
    for label in ("wavenet", "lstm"):
        figures = result["models"][label]
        assert figures["reparsed"] == figures["rendered"] == 2 and figures["steps"] == 40
        assert figures["tokens_per_second"] > 0 and 0 <= figures["in_key"][0] <= 1
        assert (out / label / "01.mid").is_file() and (out / label / "01.wav").is_file()
    assert result["models"]["lstm"]["seconds_to_baseline_best"] is not None  # the baseline reaches its own best
    assert "| held-out NLL (nats/token) |" in (out / "comparison.md").read_text()


def test_compare_refuses_runs_with_different_held_out_pieces(runs, tmp_path, capsys):
    other = tmp_path / "other"
    other.mkdir()
    (other / "held_out.json").write_text(json.dumps({"ids": ["piece00.mid"], "report": {}}))
    assert main(["midi", "compare", "--run", f"a={runs / 'lstm'}", "--run", f"b={other}", "--baseline", "a",
                 "--out", str(tmp_path / "c")]) == 1
    assert "held out different pieces" in capsys.readouterr().err


def test_a_resumed_run_ends_with_the_weights_of_an_uninterrupted_one(tmp_path):
    """Transposition and crops are drawn per item from the seed, so 10 steps, then 10 more after a
    restart, give exactly the weights of 20 in one go (constant LR: the schedule does not depend on
    the step count asked for)."""
    import torch

    from tts.checkpoint import load_weights

    write_tiny_corpus(tmp_path / "corpus", pieces=8)
    common = ["midi", "train", "--model", "wavenet", "--corpus", str(tmp_path / "corpus"), *TINY_WAVENET_OVERRIDES,
              *TINY_TRAINING, "train.lr_decay=constant", "data.window=24"]
    assert main([*common, "--out", str(tmp_path / "whole"), "--steps", "20"]) == 0
    assert main([*common, "--out", str(tmp_path / "parts"), "--steps", "10"]) == 0
    assert main([*common, "--out", str(tmp_path / "parts"), "--steps", "20"]) == 0
    whole, parts = (load_weights(tmp_path / run / "note-wavenet.safetensors").state_dict for run in ("whole", "parts"))
    assert all(torch.equal(whole[name], parts[name]) for name in whole)
    assert read_evaluations(tmp_path / "whole") == [
        {**row, "train_seconds": whole_row["train_seconds"]}
        for row, whole_row in zip(read_evaluations(tmp_path / "parts"), read_evaluations(tmp_path / "whole"))
    ]
