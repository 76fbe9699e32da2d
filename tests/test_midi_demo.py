"""The demo's "Music (notes)" tab (music.demo): the request without a browser on tiny untrained note
models, its piano roll, its refusals, the empty tab, and how `tts demo` picks up tabs through the
`tts.demo_tabs` entry points, broken ones included."""

import re
import socket
import time
from importlib import metadata

import gradio as gr
import numpy as np
import pytest
import soundfile
import torch

from midi_fixtures import tiny_lstm_config, tiny_wavenet_config
from music.demo import midi_tab
from music.demo.midi_tab import NO_MODELS, TAB_LABEL, TEMPO, MidiHandler, build_tab, compose_piece
from music.demo.piano_roll import NOTE_COLOR, piano_roll_image
from music.notes.events import Event, read_piece
from music.notes.lstm import NoteLSTM
from music.notes.wavenet import NoteWaveNet
from music.render import SAMPLE_RATE
from tts import registry
from tts.checkpoint import save_weights
from tts.demo.app import SYNTHESIS, build_app, serve

RELEASE_TAIL = 4.0  # seconds fluidsynth may play on after the last note ends (its release)
NOTE_RGB = np.array([int(NOTE_COLOR[i : i + 2], 16) for i in (1, 3, 5)])


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """{name: weights file} of a tiny untrained note WaveNet and LSTM."""
    folder = tmp_path_factory.mktemp("note-models")
    torch.manual_seed(0)
    wavenet, lstm = NoteWaveNet(tiny_wavenet_config()), NoteLSTM(tiny_lstm_config())
    return {
        "wavenet": save_weights(folder / "wavenet.safetensors", wavenet.state_dict(), kind="note-wavenet",
                                config=wavenet.config),
        "lstm": save_weights(folder / "lstm.safetensors", lstm.state_dict(), kind="note-lstm", config=lstm.config),
    }


def note_pixels(picture):
    """Which pixels are painted in the notes' colour."""
    return np.abs(picture.astype(int) - NOTE_RGB).sum(axis=2) < 30


def runs(flags):
    """Lengths of the runs of True in a 1-D boolean array."""
    edges = np.diff(np.concatenate([[0], flags.astype(int), [0]]))
    return (np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)).tolist()


@pytest.mark.parametrize("name", ["wavenet", "lstm"])
def test_a_composition_sounds_for_its_bars_and_comes_back_as_midi_and_a_picture(models, name, tmp_path):
    bars = 2
    piece = compose_piece(models[name], bars=bars, temperature=1.0, seed=3, out_dir=tmp_path, name=name)
    rate, pcm = piece.audio
    assert rate == SAMPLE_RATE and pcm.dtype == np.int16 and pcm.ndim == 1
    assert np.abs(pcm.astype(np.int32)).max() > 1000  # not silent
    # the events fill the bars (the last may run over by less than the longest duration, 8 quarters)
    quarters = sum(event.quarters for event in piece.events)
    assert bars * 4 <= quarters < bars * 4 + 8
    ends = np.cumsum([event.quarters for event in piece.events])
    last_note_ends = max(end for end, event in zip(ends, piece.events) if event.pitches)
    seconds = len(pcm) / rate
    assert last_note_ends * 60 / TEMPO <= seconds <= quarters * 60 / TEMPO + RELEASE_TAIL
    # the MIDI file holds the notes, from the first to the end of the last (music21 re-quantizes on reading)
    assert piece.midi.parent == tmp_path and piece.midi.suffix == ".mid"
    read = read_piece(piece.midi)
    first_note = next(index for index, event in enumerate(piece.events) if event.pitches)
    leading_rest = sum(event.quarters for event in piece.events[:first_note])  # read_piece drops it
    assert sum(e.quarters for e in read.events) == pytest.approx(last_note_ends - leading_rest, abs=0.125)
    composed = {pitch for event in piece.events for pitch in event.pitches}
    assert composed and composed <= {pitch for event in read.events for pitch in event.pitches}
    assert not list(tmp_path.glob("*.wav"))  # the rendering was read and removed
    picture = piece.piano_roll
    assert picture.dtype == np.uint8 and picture.ndim == 3 and picture.shape[2] == 3 and picture.shape[1] >= 800
    assert note_pixels(picture).sum() > 100
    assert re.fullmatch(rf"model {name} · {len(piece.events)} events · \d+ tokens · {round(quarters, 2):g} quarter notes at "
                        rf"{TEMPO} bpm · composed in [\d.]+ s · rendered in [\d.]+ s", piece.details)


def test_the_same_seed_composes_the_same_piece(models, tmp_path):
    def composed(seed, folder):
        (tmp_path / folder).mkdir()
        return compose_piece(models["wavenet"], bars=1, temperature=1.0, seed=seed, out_dir=tmp_path / folder)

    first, second, other = composed(5, "a"), composed(5, "b"), composed(6, "c")
    assert first.events == second.events and first.events != other.events
    assert np.array_equal(first.audio[1], second.audio[1])


def test_the_piano_roll_draws_each_note_for_its_duration_and_leaves_rests_empty():
    # a C major chord for 2 quarters, a 2-quarter rest, one note for 4 quarters
    picture = piano_roll_image([Event((60, 64, 67), 2.0), Event((), 2.0), Event((72,), 4.0)])
    painted = note_pixels(picture)
    widths = runs(painted.any(axis=0))  # columns with a note: the chord, a gap for the rest, the note
    assert len(widths) == 2 and widths[1] / widths[0] == pytest.approx(2.0, rel=0.1)
    rows = runs(painted[:, np.flatnonzero(painted.any(axis=0))[:3]].any(axis=1))  # the chord's first columns
    assert len(rows) == 3  # three pitches, three rectangles
    silent = piano_roll_image([Event((), 4.0)])
    assert silent.shape == picture.shape and not note_pixels(silent).any()


@pytest.mark.parametrize("bars, temperature, seed, message", [
    (0, 1.0, 0, "bars must be a whole number from 1 to 32, got 0"),
    (33, 1.0, 0, "bars must be a whole number from 1 to 32, got 33"),
    (2.5, 1.0, 0, "bars must be a whole number from 1 to 32, got 2.5"),
    (None, 1.0, 0, "bars must be a whole number from 1 to 32, got None"),
    (2, -0.1, 0, "temperature must be from 0 to 2, got -0.1"),
    (2, float("nan"), 0, "temperature must be from 0 to 2, got nan"),
    (2, 1.0, -1, "seed must be a whole number, 0 or more, got -1"),
    (2, 1.0, None, "seed must be a whole number, 0 or more, got None"),
])
def test_values_out_of_range_are_messages_refused_before_the_queue(models, bars, temperature, seed, message):
    handler = MidiHandler(models)
    started = time.perf_counter()
    with pytest.raises(gr.Error, match=re.escape(message)):
        handler("wavenet", bars, temperature, seed)
    assert time.perf_counter() - started < 0.5
    verdicts = handler.validate("wavenet", bars, temperature, seed)
    assert [v["is_valid"] for v in verdicts].count(False) == 1 and message in [v["message"] for v in verdicts]


def test_only_the_offered_models_load_and_a_corrupt_one_is_a_message(models, tmp_path):
    handler = MidiHandler(models)
    for name in ("../../etc/passwd", str(models["wavenet"]), "music.notes:models"):
        with pytest.raises(gr.Error, match="unknown model .*; choose one of: wavenet, lstm"):
            handler(name, 1, 1.0, 0)
        assert handler.validate(name, 1, 1.0, 0)[0]["is_valid"] is False
    corrupt = tmp_path / "corrupt.safetensors"
    corrupt.write_bytes(b"\x00" * 100)
    with pytest.raises(gr.Error, match="corrupt"):
        MidiHandler({"broken": corrupt})("broken", 1, 1.0, 0)


def test_without_a_model_the_tab_holds_one_line_saying_so():
    with gr.Blocks() as app:
        tab = build_tab(models={})
    inside = [block for block in app.blocks.values() if block is not tab and block.parent is tab]
    assert tab.label == TAB_LABEL and len(inside) == 1
    assert isinstance(inside[0], gr.Markdown) and inside[0].value == NO_MODELS and "\n" not in NO_MODELS
    assert not app.fns  # no events


def tab_labels(app):
    return [block.label for block in app.blocks.values() if isinstance(block, gr.Tab)]


def test_the_page_has_the_music_tab_in_the_speech_queue_group(voice, models, monkeypatch):
    # the bundled models are not shipped yet: the tiny WaveNet stands in for one, the LSTM is missing
    monkeypatch.setattr(midi_tab, "BUNDLED", {"wavenet": models["wavenet"], "lstm": models["wavenet"].parent / "no"})
    app = build_app(voice)
    assert tab_labels(app)[:2] == ["Speech", TAB_LABEL]  # then the other music tabs
    dropdown = next(block for block in app.blocks.values() if block.elem_id == "midi-model")
    assert [value for _, value in dropdown.choices] == ["wavenet"]
    groups = {fn.api_name: (fn.concurrency_id, fn.concurrency_limit) for fn in app.fns.values() if fn.api_name}
    assert groups["compose"] == groups["synthesize"] == (SYNTHESIS, "default")  # one queue group, the page's limit
    tabs = [c for c in app.config["components"] if c["type"] == "tabitem"]
    assert [c["props"]["label"] for c in tabs][:2] == ["Speech", TAB_LABEL]


def raising_tab():
    raise RuntimeError("the soundfont is gone")


def test_a_broken_demo_tab_is_reported_and_the_page_still_builds(voice, models, monkeypatch):
    monkeypatch.setattr(midi_tab, "BUNDLED", {"wavenet": models["wavenet"]})
    real_entry_points = metadata.entry_points

    def entry_points(**selection):
        found = list(real_entry_points(**selection))
        if selection.get("group") == registry.DEMO_TABS:
            found += [metadata.EntryPoint("broken", "no_such_module_for_the_tests:build_tab", registry.DEMO_TABS),
                      metadata.EntryPoint("raising", f"{__name__}:raising_tab", registry.DEMO_TABS),
                      metadata.EntryPoint("Bad/Name", "os:system", registry.DEMO_TABS)]
        return found

    monkeypatch.setattr(registry.metadata, "entry_points", entry_points)
    with pytest.warns(registry.PluginWarning) as caught:
        app = build_app(voice)
    messages = sorted(str(warning.message) for warning in caught if warning.category is registry.PluginWarning)
    assert messages == [
        "demo tab 'Bad/Name' from unknown distribution skipped: invalid name",
        "demo tab 'broken' (no_such_module_for_the_tests:build_tab) failed to import: "
        "No module named 'no_such_module_for_the_tests'",
        "demo tab 'raising' failed to build: the soundfont is gone",
    ]
    assert tab_labels(app)[:2] == ["Speech", TAB_LABEL]  # then the other music tabs


def test_the_served_tab_composes_for_a_client_and_refuses_bad_values(voice, models, monkeypatch, tmp_path):
    from gradio_client import Client

    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))  # read as the app is built, as `tts demo` does
    monkeypatch.setattr(midi_tab, "BUNDLED", {"lstm": models["lstm"]})
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = build_app(voice)
    serve(app, port=port, block=False)
    try:
        client = Client(f"http://127.0.0.1:{port}", verbose=False)
        audio, picture, midi, details = client.predict("lstm", 1, 0.5, 7, api_name="/compose")
        started = time.perf_counter()
        with pytest.raises(Exception, match="400 Bad Request"):  # refused as it arrives, before the queue
            client.predict("lstm", 40, 0.5, 7, api_name="/compose")
        assert time.perf_counter() - started < 2
    finally:
        app.close()
    assert soundfile.info(audio).samplerate == SAMPLE_RATE and soundfile.info(audio).duration > 4 * 60 / TEMPO
    assert read_piece(midi).notes and midi.endswith("lstm-1-bars-seed-7.mid")
    # written in the app's cache folder (which `tts demo` keeps private and sweeps), not elsewhere
    assert len(list((tmp_path / "gradio").glob("midi-*/lstm-1-bars-seed-7.mid"))) == 1
    assert open(picture, "rb").read(8) == b"\x89PNG\r\n\x1a\n" and details.startswith("model lstm · ")
