"""`tts nsynth train|encode|decode|morph|evaluate` on a tiny corpus, end to end, and the bad inputs
the issue names: a silent wav, a stereo 48 kHz wav, a 10-minute wav, a non-audio file, codes of
the wrong shape, mixes outside [0, 1]."""

import json

import numpy as np
import pytest
import soundfile
import torch

from music.nsynth.autoencoder import WaveNetAutoencoder
from music.nsynth.corpus import read_split
from music.nsynth.task import NoteCrops, held_out_nll, hold_starts, load_notes
from nsynth_fixtures import write_tiny_nsynth
from nsynth_model_fixtures import TINY_AUTOENCODER_OVERRIDES, TINY_NSYNTH_TRAINING
from tts.checkpoint import load_weights
from tts.cli.main import main
from tts.training.evaluations import read_evaluations

pytestmark = pytest.mark.usefixtures("one_torch_thread")
HOP = 64
CODE_SIZE = 8  # the tiny model's 4 learnt values, then its 4 envelope bands


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """The tiny autoencoder trained 200 steps on the tiny corpus (four instruments of 12 in training)."""
    root = tmp_path_factory.mktemp("nsynth")
    write_tiny_nsynth(root / "corpus", instruments=12)
    status = main(["nsynth", "train", "--corpus", str(root / "corpus"), "--out", str(root / "run"), "--steps", "200",
                   *TINY_AUTOENCODER_OVERRIDES, *TINY_NSYNTH_TRAINING])
    assert status == 0
    return root


def note_file(trained, split="test", index=0):
    return read_split(trained / "corpus", split)[index]


def test_training_writes_weights_the_held_out_split_and_a_falling_curve(trained):
    run = trained / "run"
    assert load_weights(run / "nsynth-autoencoder.safetensors").kind == "nsynth-autoencoder"
    held_out = json.loads((run / "held_out.json").read_text())
    assert held_out["ids"] == [note.id for note in read_split(trained / "corpus", "test")]
    train_instruments = {note.instrument for note in read_split(trained / "corpus", "train")}
    assert not train_instruments & {note.instrument for note in read_split(trained / "corpus", "test")}
    rows = read_evaluations(run)
    assert [row["step"] for row in rows] == [50, 100, 150, 200]
    # bits per sample of what the predictor leaves, normalized by the envelope's level, on the
    # held-out instruments' tones: 8.0 untrained (a uniform guess: the predictors leave little a
    # tiny decoder can learn in 200 steps), 7.7 here at step 200
    config = WaveNetAutoencoder.load(run / "nsynth-autoencoder.safetensors").config
    notes, _ = load_notes(read_split(trained / "corpus", "test"), sample_rate=config.sample_rate)
    crops = NoteCrops(notes, config, window_frames=512 // HOP, starts=hold_starts(config, 512 // HOP))
    torch.manual_seed(0)
    untrained = held_out_nll(WaveNetAutoencoder(config), crops)["bits_per_sample"]
    assert rows[-1]["bits_per_sample"] < untrained - 0.2
    assert held_out["report"]["bits_per_sample"] == pytest.approx(rows[-1]["bits_per_sample"], rel=1e-3)


def test_encode_then_decode_gives_a_note_of_the_same_length(trained, tmp_path, capsys):
    note = note_file(trained)
    codes, out = tmp_path / "codes.npy", tmp_path / "out.wav"
    assert main(["nsynth", "encode", str(note.path), "-o", str(codes), "--model", str(trained / "run")]) == 0
    printed = capsys.readouterr().out
    assert f"pYIN finds pitch {note.pitch}: decode with --pitch {note.pitch}" in printed
    array = np.load(codes)
    assert array.shape == (64000 // HOP, CODE_SIZE) and array.dtype == np.float32
    assert main(["nsynth", "decode", str(codes), "--pitch", str(note.pitch), "-o", str(out),
                 "--model", str(trained / "run"), "--seed", "2"]) == 0
    wav, rate = soundfile.read(out)
    assert rate == 16000 and len(wav) == 64000 and np.abs(wav).max() > 0.01


def test_raw_decoding_leaves_the_post_filter_off(trained, tmp_path):
    """`--raw`: the WaveNet's own output; by default each frame is reshaped to its code's envelope
    (tts.mel_match), so the two differ and the default sits nearer the codes' envelope."""
    from music.nsynth.envelope import note_envelopes

    note = note_file(trained)
    codes = tmp_path / "codes.npy"
    assert main(["nsynth", "encode", str(note.path), "-o", str(codes), "--model", str(trained / "run")]) == 0
    decoded = {}
    for name, flags in (("matched", []), ("raw", ["--raw"])):
        out = tmp_path / f"{name}.wav"
        assert main(["nsynth", "decode", str(codes), "--pitch", str(note.pitch), "-o", str(out), "--model",
                     str(trained / "run"), "--seed", "2", *flags]) == 0
        decoded[name] = soundfile.read(out, dtype="float32")[0]
    model = WaveNetAutoencoder.load(trained / "run" / "nsynth-autoencoder.safetensors")
    envelopes = np.load(codes)[:, model.config.encoder.code_dim :]
    error = {name: np.abs(note_envelopes(model.config, wav, len(envelopes)) - envelopes).mean()
             for name, wav in decoded.items()}
    assert len(decoded["raw"]) == len(decoded["matched"]) and error["matched"] < 0.5 * error["raw"]


def test_morph_writes_a_sweep(trained, tmp_path):
    a, b = note_file(trained, index=0), note_file(trained, index=1)
    out = tmp_path / "m.wav"
    assert main(["nsynth", "morph", str(a.path), str(b.path), "--mix", "0,0.5,1", "--pitch", "60",
                 "-o", str(out), "--model", str(trained / "run")]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["m-mix0.00.wav", "m-mix0.50.wav", "m-mix1.00.wav"]
    assert all(soundfile.info(tmp_path / name).frames == 64000 for name in written)


def test_stereo_48khz_and_long_sounds_are_read_as_documented(trained, tmp_path):
    """Stereo 48 kHz is mixed down and resampled; ten minutes are encoded in windows."""
    t = np.arange(48000 * 2) / 48000
    soundfile.write(tmp_path / "stereo.wav", np.stack([np.sin(2 * np.pi * 220 * t)] * 2, axis=1) * 0.3, 48000)
    assert main(["nsynth", "encode", str(tmp_path / "stereo.wav"), "-o", str(tmp_path / "s.npy"),
                 "--model", str(trained / "run")]) == 0
    assert np.load(tmp_path / "s.npy").shape == (-(-32000 // HOP), CODE_SIZE)
    long = (0.3 * np.sin(2 * np.pi * 110 * np.arange(16000 * 600) / 16000)).astype(np.float32)
    soundfile.write(tmp_path / "long.wav", long, 16000)
    assert main(["nsynth", "encode", str(tmp_path / "long.wav"), "-o", str(tmp_path / "l.npy"),
                 "--model", str(trained / "run")]) == 0
    assert np.load(tmp_path / "l.npy").shape == (16000 * 600 // HOP, CODE_SIZE)


def write_bad(tmp_path, kind):
    path = tmp_path / f"{kind}.wav"
    if kind == "silent":
        soundfile.write(path, np.zeros(16000), 16000)
    elif kind == "text":
        path.write_text("not audio at all\n")
    return path


@pytest.mark.parametrize("kind, message", [("silent", "silent (RMS below -70 dBFS)"),
                                           ("text", "not a readable audio file")])
def test_a_bad_sound_is_a_one_line_error_and_writes_nothing(trained, tmp_path, capsys, kind, message):
    bad = write_bad(tmp_path, kind)
    assert main(["nsynth", "encode", str(bad), "-o", str(tmp_path / "c.npy"), "--model", str(trained / "run")]) == 1
    assert main(["nsynth", "morph", str(bad), str(note_file(trained).path), "-o", str(tmp_path / "m.wav"),
                 "--model", str(trained / "run")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("tts: error:") and message in line for line in err)
    assert sorted(p.name for p in tmp_path.iterdir()) == [bad.name]


@pytest.mark.parametrize("codes, message", [
    (np.zeros((10, 5), np.float32), r"shape [frames, 8], got shape (10, 5)"),
    (np.full((10, CODE_SIZE), np.nan, np.float32), "must be finite values"),
    ("text", "not a .npy array of codes"),
])
def test_bad_codes_are_one_line_errors(trained, tmp_path, capsys, codes, message):
    path = tmp_path / "codes.npy"
    if isinstance(codes, str):
        path.write_text("not numpy\n")
    else:
        np.save(path, codes)
    assert main(["nsynth", "decode", str(path), "--pitch", "60", "-o", str(tmp_path / "o.wav"),
                 "--model", str(trained / "run")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("tts: error:") and message in err and "\n" not in err
    assert not (tmp_path / "o.wav").exists()


def test_decoding_without_the_pitch_a_model_needs_is_an_error(trained, tmp_path, capsys):
    np.save(tmp_path / "c.npy", np.zeros((10, CODE_SIZE), np.float32))
    assert main(["nsynth", "decode", str(tmp_path / "c.npy"), "-o", str(tmp_path / "o.wav"),
                 "--model", str(trained / "run")]) == 1
    assert "decodes at a pitch" in capsys.readouterr().err


@pytest.mark.parametrize("mix", ["1.5", "-0.1", "0.5,2", "half"])
def test_mixes_outside_0_to_1_are_usage_errors(trained, tmp_path, capsys, mix):
    note = str(note_file(trained).path)
    with pytest.raises(SystemExit) as exit_:
        main(["nsynth", "morph", note, note, "--mix", mix, "-o", str(tmp_path / "m.wav")])
    assert exit_.value.code == 2 and "expected mixes in [0, 1]" in capsys.readouterr().err


def test_evaluate_scores_reconstruction_baseline_and_morphs(trained, tmp_path, capsys):
    out = tmp_path / "eval"
    assert main(["nsynth", "evaluate", "--model", str(trained / "run"), "--corpus", str(trained / "corpus"),
                 "--notes", "4", "--pairs", "2", "--out", str(out)]) == 0
    result = json.loads((out / "evaluation.json").read_text())
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == result
    for system in ("autoencoder", "baseline_mel_griffin_lim"):
        figures = result[system]
        assert figures["mr_stft"] > 0 and figures["lsd_db"] > 0 and figures["pitched_notes"] >= 3
        assert 0 <= figures["pitch_within_50_cents"] <= 1
    assert result["morph"]["pairs"] == 2 and set(result["morph"]["sweep"]) == {"0.00", "0.25", "0.50", "0.75", "1.00"}
    assert (out / "evaluation.md").read_text().startswith("4 held-out notes")


def test_a_resumed_run_ends_with_the_weights_of_an_uninterrupted_one(trained, tmp_path):
    common = ["nsynth", "train", "--corpus", str(trained / "corpus"), *TINY_AUTOENCODER_OVERRIDES,
              *TINY_NSYNTH_TRAINING, "train.lr_decay=constant"]
    assert main([*common, "--out", str(tmp_path / "whole"), "--steps", "20"]) == 0
    assert main([*common, "--out", str(tmp_path / "parts"), "--steps", "10"]) == 0
    assert main([*common, "--out", str(tmp_path / "parts"), "--steps", "20"]) == 0
    whole, parts = (load_weights(tmp_path / run / "nsynth-autoencoder.safetensors").state_dict
                    for run in ("whole", "parts"))
    assert all(torch.equal(whole[name], parts[name]) for name in whole)


def test_an_unknown_model_and_a_missing_corpus_are_one_line_errors(tmp_path, capsys):
    assert main(["nsynth", "encode", "x.wav", "-o", str(tmp_path / "c.npy"), "--model", "nope"]) == 1
    assert "neither a bundled model (nsynth)" in capsys.readouterr().err
    assert main(["nsynth", "train", "--corpus", str(tmp_path), "--out", str(tmp_path / "r"),
                 *TINY_AUTOENCODER_OVERRIDES, *TINY_NSYNTH_TRAINING]) == 1
    assert "no nsynth-train folder" in capsys.readouterr().err
