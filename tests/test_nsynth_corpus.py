"""The NSynth-layout corpus: the GM mapping, the reader on the numpy fixture and on bad inputs, and
`tts nsynth bootstrap --small` rendering real fluidsynth notes whose pitch matches their labels."""

import contextlib
import io
import json
import re
import shutil

import librosa
import numpy as np
import pytest
import soundfile

from music.nsynth import bootstrap
from music.nsynth.corpus import NOTE_SECONDS, SAMPLE_RATE, SPLITS, load_note, read_split
from music.nsynth.families import FAMILIES, INSTRUMENTS, QUALITIES, SOURCES, instrument
from nsynth_fixtures import TINY_PITCHES, write_tiny_nsynth
from tts.cli.main import main
from tts.errors import TTSError

NOTE_STR = re.compile(rf"^({'|'.join(FAMILIES)})_({'|'.join(SOURCES)})_(\d{{3}})-(\d{{3}})-(\d{{3}})$")
LENGTH = round(NOTE_SECONDS * SAMPLE_RATE)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """`tts nsynth bootstrap --small`, run once: (corpus root, what it printed)."""
    root = tmp_path_factory.mktemp("small") / "nsynth"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["nsynth", "bootstrap", "--out", str(root), "--small"]) == 0
    return root, printed.getvalue()


def test_the_gm_mapping_covers_every_family_and_source():
    assert {inst.family for inst in INSTRUMENTS.values()} == set(FAMILIES)
    assert {inst.source for inst in INSTRUMENTS.values()} == set(SOURCES)
    assert len({inst.id for inst in INSTRUMENTS.values()}) == len(INSTRUMENTS)
    assert instrument(0).id == "keyboard_acoustic_000" and instrument(4).id == "keyboard_electronic_001"
    assert (instrument(38).family, instrument(38).source) == ("bass", "synthetic")
    assert [instrument(p) for p in (47, 88, 100, 118, 127)] == [None] * 5  # timpani, pad, FX, drum, sound effect
    assert all(inst.lowest < inst.highest for inst in INSTRUMENTS.values())
    assert len(QUALITIES) == 10
    with pytest.raises(TTSError, match="0-127"):
        instrument(128)


@pytest.mark.parametrize("size, per_family, held", [(1, 1, 0), (2, 1, 0), (3, 1, 1), (4, 1, 1), (7, 2, 2), (4, 3, 1)])
def test_held_out_instruments_spread_over_the_family_and_one_always_trains(size, per_family, held):
    members = [inst for inst in INSTRUMENTS.values() if inst.family == "reed"][:size]
    splits = bootstrap.held_out_splits(members, per_family)
    assert splits[members[0].id] == "train"
    assert sorted(splits.values()).count("valid") == held and sorted(splits.values()).count("test") == held


def test_the_reader_round_trips_the_fixture(tmp_path):
    write_tiny_nsynth(tmp_path, instruments=6)
    examples = {split: read_split(tmp_path, split) for split in SPLITS}
    assert [len(examples[split]) for split in SPLITS] == [2 * len(TINY_PITCHES)] * 3
    train_instruments = {e.instrument for e in examples["train"]}
    for split in SPLITS:
        assert [e.id for e in examples[split]] == sorted(e.id for e in examples[split])
        assert {e.family for e in examples[split]} == {"bass", "brass"}
        if split != "train":
            assert not train_instruments & {e.instrument for e in examples[split]}
    example = examples["valid"][0]
    assert example.id == "bass_synthetic_001-048-100" and (example.pitch, example.velocity) == (48, 100)
    assert example.path == tmp_path / "nsynth-valid" / "audio" / f"{example.id}.wav"
    entry = json.loads((tmp_path / "nsynth-valid" / "examples.json").read_text())[example.id]
    assert entry["instrument_family"] == FAMILIES.index("bass") and entry["qualities"][QUALITIES.index("bright")] == 1
    audio = load_note(example)
    assert audio.dtype == np.float32 and audio.shape == (LENGTH,)
    f0 = np.median(librosa.yin(audio[:SAMPLE_RATE], fmin=60, fmax=1000, sr=SAMPLE_RATE))
    assert abs(librosa.hz_to_midi(f0) - example.pitch) < 0.3


def test_load_note_mixes_resamples_and_fits_four_seconds(tmp_path):
    t = np.arange(int(4.5 * 48000)) / 48000
    tone = 0.5 * np.sin(2 * np.pi * 440 * t)
    soundfile.write(tmp_path / "long.wav", np.stack([tone, tone], axis=1), 48000)
    soundfile.write(tmp_path / "short.wav", tone[:48000], 48000)
    audio = load_note(tmp_path / "long.wav")
    assert audio.dtype == np.float32 and audio.shape == (64000,)
    spectrum = np.abs(np.fft.rfft(audio))
    assert np.fft.rfftfreq(64000, 1 / 16000)[spectrum.argmax()] == pytest.approx(440, abs=1)
    short = load_note(tmp_path / "short.wav", sample_rate=8000)
    assert short.shape == (32000,) and np.abs(short[:7900]).max() > 0.4 and not short[8100:].any()


def _break_entry(root):
    examples = root / "nsynth-train" / "examples.json"
    entries = json.loads(examples.read_text())
    del entries[next(iter(entries))]["pitch"]
    examples.write_text(json.dumps(entries))


def _remove_a_wav(root):
    next((root / "nsynth-train" / "audio").iterdir()).unlink()


@pytest.mark.parametrize("spoil, message", [
    (lambda root: shutil.rmtree(root / "nsynth-train"),
     r"no nsynth-train folder \(it holds nsynth-valid, nsynth-test\)"),
    (lambda root: (root / "nsynth-train" / "examples.json").write_text("{not json"), r"examples.json: not an NSynth"),
    (_break_entry, r"examples.json: note '[a-z_0-9-]+' has no 'pitch' field"),
    (_remove_a_wav, r"\.wav: no such file, though .*examples.json lists it"),
])
def test_bad_corpora_get_one_line_errors_naming_the_file(tmp_path, spoil, message):
    write_tiny_nsynth(tmp_path, instruments=3, pitches=(60,))
    spoil(tmp_path)
    with pytest.raises(TTSError, match=message) as error:
        read_split(tmp_path, "train")
    assert "\n" not in str(error.value)


def test_a_wav_that_is_not_audio_is_an_error_naming_it(tmp_path):
    write_tiny_nsynth(tmp_path, instruments=3, pitches=(60,))
    example = read_split(tmp_path, "test")[0]
    example.path.write_text("not audio")
    with pytest.raises(TTSError, match=rf"{re.escape(str(example.path))}: not a readable audio file"):
        load_note(example)


def test_real_nsynth_extra_fields_are_ignored(tmp_path):
    write_tiny_nsynth(tmp_path, instruments=3, pitches=(60,))
    examples = tmp_path / "nsynth-test" / "examples.json"
    entries = json.loads(examples.read_text())
    for entry in entries.values():
        entry["note_id"] = "ignored"
    examples.write_text(json.dumps(entries))
    assert len(read_split(tmp_path, "test")) == 1


def test_bootstrap_small_renders_labelled_notes(small):
    root, printed = small
    examples = {split: read_split(root, split) for split in SPLITS}
    for split in SPLITS:
        assert f"{split}: {len(examples[split])} notes of 2 instruments" in printed
    assert "families (2): keyboard, string" in printed and "skipped: 2 outside the instrument's range" in printed
    train_instruments = {e.instrument for e in examples["train"]}
    assert not train_instruments & {e.instrument for split in ("valid", "test") for e in examples[split]}
    matched = pitched = 0
    for example in [e for split in SPLITS for e in examples[split]]:
        family, source, number, pitch, velocity = NOTE_STR.match(example.id).groups()
        assert (family, source, int(pitch), int(velocity)) == (example.family, example.source, example.pitch, 100)
        assert example.instrument == f"{family}_{source}_{number}"
        info = soundfile.info(str(example.path))
        assert (info.samplerate, info.channels, info.frames) == (SAMPLE_RATE, 1, LENGTH)
        audio = load_note(example)
        f0, voiced, _ = librosa.pyin(audio[1600:16000], fmin=60, fmax=1100, sr=SAMPLE_RATE, frame_length=1024)
        if voiced.mean() > 0.5:
            pitched += 1
            matched += abs(librosa.hz_to_midi(np.nanmedian(f0[voiced])) - example.pitch) < 0.5
    assert pitched >= 0.8 * sum(map(len, examples.values())) and matched >= 0.9 * pitched


def test_bootstrap_refuses_a_non_empty_folder(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["nsynth", "bootstrap", "--out", str(tmp_path), "--small"]) == 1
    assert "already exists and is not empty" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_an_interrupted_bootstrap_leaves_nothing(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(bootstrap, "render_midi", fail)
    with pytest.raises(KeyboardInterrupt):
        bootstrap.bootstrap_nsynth(tmp_path / "corpus", programs=(0,), pitches=(60,), progress=False)
    assert list(tmp_path.iterdir()) == []


def test_an_instrument_with_no_note_in_its_range_is_counted_not_rendered(tmp_path):
    summary = bootstrap.bootstrap_nsynth(tmp_path / "corpus", programs=(72, 0), pitches=(60,), progress=False)
    assert summary.notes == {"train": 1, "valid": 0, "test": 0}  # a piccolo plays from D5 (74) up
    assert summary.skipped == {"outside the instrument's range": 1, "silent": 0}
    assert read_split(tmp_path / "corpus", "valid") == []


@pytest.mark.parametrize("option", [["--velocities", "0"], ["--velocities", "100,loud"], ["--pitch-step", "0"]])
def test_bad_options_are_usage_errors(tmp_path, option, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["nsynth", "bootstrap", "--out", str(tmp_path / "corpus"), *option])
    assert stop.value.code == 2 and not (tmp_path / "corpus").exists()
