"""The demo's "Music (audio)" tab (music.demo.music_tab): generation without a browser on tiny untrained
music models, exactly the library's generate; the prime; progress reported chunk by chunk; its
refusals (a non-audio prime, values out of range, instruments a model lacks, a missing or corrupt
model); the instrument dropdown following the model; the tab on the page built by `tts demo`, and
served to a client."""

import re
import socket
import time

import gradio as gr
import numpy as np
import pytest
import soundfile
import torch

from music.demo import music_tab
from music.demo.music_tab import (
    NO_MODELS,
    TAB_LABEL,
    MusicHandler,
    MusicPiece,
    build_tab,
    generate_music,
    stream_music,
)
from music.demo.request import pcm16
from music.raw.corpus import SAMPLE_RATE
from music.raw.generate import generate, load_prime
from music.raw.lstm import KIND as LSTM_KIND
from music.raw.lstm import SampleLSTM
from music.raw.models import load_music_model
from music.raw.wavenet import KIND as WAVENET_KIND
from music_raw_fixtures import tiny_lstm_config, tiny_wavenet_config, tone, write_not_audio, write_silence
from tts.checkpoint import save_weights
from tts.demo.app import SYNTHESIS, build_app, serve
from vocoders.wavenet.model import WaveNet

pytestmark = pytest.mark.usefixtures("one_torch_thread")

INSTRUMENTS = ("piano", "organ")


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """{name: weights file}: a tiny untrained music WaveNet and LSTM on two instruments, and a WaveNet
    with none."""
    folder = tmp_path_factory.mktemp("music-models")
    torch.manual_seed(0)
    wavenet, plain = WaveNet(tiny_wavenet_config(INSTRUMENTS)), WaveNet(tiny_wavenet_config())
    lstm = SampleLSTM(tiny_lstm_config(INSTRUMENTS))
    return {
        "wavenet": save_weights(folder / "wavenet.safetensors", wavenet.state_dict(), kind=WAVENET_KIND,
                                config=wavenet.config),
        "lstm": save_weights(folder / "lstm.safetensors", lstm.state_dict(), kind=LSTM_KIND, config=lstm.config),
        "plain": save_weights(folder / "plain.safetensors", plain.state_dict(), kind=WAVENET_KIND, config=plain.config),
    }


@pytest.fixture(scope="module")
def primes(tmp_path_factory):
    """Uploads: a 0.5 s tone at 44.1 kHz stereo, a silent wav and a text file renamed .wav."""
    folder = tmp_path_factory.mktemp("primes")
    note = tone(330.0, seconds=0.5, rate=44_100)
    soundfile.write(folder / "stereo.wav", np.stack([note, 0.5 * note], axis=1), 44_100)
    write_silence(folder / "silence.wav", seconds=0.25)
    write_not_audio(folder / "notes.wav")
    return folder


@pytest.mark.parametrize("name", ["wavenet", "lstm"])
def test_music_is_the_librarys_generation_for_its_seconds_with_a_spectrogram(models, name):
    piece = generate_music(models[name], seconds=1, instrument="organ", temperature=1.0, seed=3, name=name)
    rate, pcm = piece.audio
    assert rate == SAMPLE_RATE and pcm.dtype == np.int16 and pcm.ndim == 1 and len(pcm) == SAMPLE_RATE
    assert piece.primed == 0
    model = load_music_model(models[name])
    expected = np.concatenate(list(generate(model, samples=SAMPLE_RATE, instrument="organ", temperature=1.0, seed=3)))
    assert np.array_equal(pcm, pcm16(expected))
    assert len(np.unique(pcm)) > 10  # drawn, not a constant
    picture = piece.spectrogram
    assert picture.dtype == np.uint8 and picture.shape == (300, 1000, 3)
    assert re.fullmatch(rf"model {name} · instrument organ · 1 s of new music at 16000 Hz · seed 3 · generated in "
                        r"[\d.]+ s \([\d.]+ s per second of audio\)", piece.details)


def test_a_prime_is_heard_first_as_the_model_hears_it_then_continued(models, primes):
    piece = generate_music(models["wavenet"], seconds=1.5, instrument="piano", temperature=1.0, seed=0,
                           prime=str(primes / "stereo.wav"))
    model = load_music_model(models["wavenet"])
    heard, dropped = load_prime(primes / "stereo.wav", model)
    assert piece.primed == len(heard) == model.receptive_field == 16 and dropped == 8000 - 16  # 0.5 s at 16 kHz
    assert len(piece.audio[1]) == len(heard) + 1.5 * SAMPLE_RATE
    expected = np.concatenate(list(generate(model, samples=24_000, prime=heard, instrument="piano", seed=0)))
    assert np.array_equal(piece.audio[1], pcm16(expected))
    assert "· prime stereo.wav (its last 0.001 s: what the model can hear) ·" in piece.details
    silent = generate_music(models["wavenet"], seconds=1, prime=str(primes / "silence.wav"))  # allowed: silence is music's start
    assert silent.primed == 16 and len(silent.audio[1]) == 16 + SAMPLE_RATE
    assert "instrument piano" in silent.details  # the model's first


def test_the_same_seed_makes_the_same_music_and_progress_comes_chunk_by_chunk(models):
    items = list(stream_music(models["wavenet"], seconds=1, instrument="piano", temperature=1.0, seed=5))
    *progress, piece = items
    assert isinstance(piece, MusicPiece) and len(progress) > 1
    done = [d for d, _ in progress]
    assert done == sorted(done) and done[-1] == SAMPLE_RATE and {t for _, t in progress} == {SAMPLE_RATE}
    again = generate_music(models["wavenet"], seconds=1, instrument="piano", temperature=1.0, seed=5)
    other = generate_music(models["wavenet"], seconds=1, instrument="piano", temperature=1.0, seed=6)
    assert np.array_equal(piece.audio[1], again.audio[1]) and not np.array_equal(piece.audio[1], other.audio[1])


def test_the_handler_reports_progress_then_the_music(models):
    outputs = list(MusicHandler(models)("plain", None, 1, 0.5, 2, None))
    *progress, (audio, picture, details) = outputs
    assert progress and all(p[:2] == (gr.skip(), gr.skip()) for p in progress)  # audio and picture at the end
    assert re.fullmatch(r"generating: [\d.]+ of 1\.0 s", progress[-1][2])
    assert audio[0] == SAMPLE_RATE and len(audio[1]) == SAMPLE_RATE and picture.shape[2] == 3
    assert details.startswith("model plain · 1 s of new music")  # no instrument for a model without


def request(**change):
    return dict(model="wavenet", instrument="piano", seconds=1, temperature=1.0, seed=0, prime=None) | change


def run(handler, **change):
    """The handler's outputs, progress and all, for a request with `change`."""
    return list(handler(**request(**change)))


@pytest.mark.parametrize("change, message", [
    ({"seconds": 0.5}, "seconds must be from 1 to 20, got 0.5"),
    ({"seconds": 25}, "seconds must be from 1 to 20, got 25"),
    ({"seconds": float("nan")}, "seconds must be from 1 to 20, got nan"),
    ({"temperature": 2.5}, "temperature must be from 0 to 2, got 2.5"),
    ({"seed": 1.5}, "seed must be a whole number, 0 or more, got 1.5"),
    ({"instrument": "banjo"}, "unknown instrument 'banjo' for model wavenet; its instruments: piano, organ"),
    ({"model": "plain", "instrument": "piano"}, "model plain plays no chosen instrument; leave the instrument empty"),
])
def test_values_out_of_range_are_messages_refused_before_the_queue(models, change, message):
    handler = MusicHandler(models)
    started = time.perf_counter()
    with pytest.raises(gr.Error, match=re.escape(message)):
        run(handler, **change)
    assert time.perf_counter() - started < 0.5
    verdicts = handler.validate(**request(**change))
    assert [v["is_valid"] for v in verdicts].count(False) == 1 and message in [v["message"] for v in verdicts]


def test_a_non_audio_prime_is_a_message_without_the_servers_folders(models, primes):
    with pytest.raises(gr.Error, match=re.escape("the prime (notes.wav): not a readable audio file")) as caught:
        run(MusicHandler(models), prime=str(primes / "notes.wav"))
    assert str(primes) not in str(caught.value)


def test_only_the_offered_models_load_and_a_missing_or_corrupt_one_is_a_message(models, tmp_path):
    handler = MusicHandler(models)
    for name in ("../../etc/passwd", str(models["wavenet"]), "music.raw:models"):
        with pytest.raises(gr.Error, match="unknown model .*; choose one of: wavenet, lstm, plain"):
            run(handler, model=name)
        assert handler.validate(name, None, 1, 1.0, 0, None)[0]["is_valid"] is False
    gone = tmp_path / "gone.safetensors"  # offered when the page was built, deleted since
    corrupt = tmp_path / "corrupt.safetensors"
    corrupt.write_bytes(b"\x00" * 100)
    for name, path, message in (("gone", gone, "music model .*gone.safetensors cannot be read: No such file"),
                                ("corrupt", corrupt, "corrupt")):
        broken = MusicHandler({name: path})
        assert broken.instruments == {}  # nothing to offer, and the request says why
        with pytest.raises(gr.Error, match=message):
            run(broken, model=name, instrument=None)


def test_without_a_bundled_model_the_tab_holds_one_line_saying_so(tmp_path, monkeypatch):
    monkeypatch.setattr(music_tab, "BUNDLED", {"wavenet": tmp_path / "wavenet.safetensors",
                                               "lstm": tmp_path / "lstm.safetensors"})  # not installed
    assert music_tab.bundled_models() == {}
    with gr.Blocks() as app:
        tab = build_tab()
    inside = [block for block in app.blocks.values() if block is not tab and block.parent is tab]
    assert tab.label == TAB_LABEL and len(inside) == 1
    assert isinstance(inside[0], gr.Markdown) and inside[0].value == NO_MODELS and "\n" not in NO_MODELS
    assert not app.fns  # no events


def by_id(app, elem_id):
    return next(block for block in app.blocks.values() if block.elem_id == elem_id)


def test_the_instrument_dropdown_follows_the_model(models):
    with gr.Blocks() as app:
        build_tab({"plain": models["plain"], "lstm": models["lstm"]})
    instrument = by_id(app, "music-instrument")
    assert instrument.choices == [] and instrument.value is None and instrument.interactive is False
    change = next(fn for fn in app.fns.values() if fn.name == "instrument_choices")
    assert change.queue is False and [b.elem_id for b in change.outputs] == ["music-instrument"]
    assert change.fn("lstm") == gr.update(choices=list(INSTRUMENTS), value="piano", interactive=True)
    assert change.fn("plain") == gr.update(choices=[], value=None, interactive=False)


def tab_labels(app):
    return [block.label for block in app.blocks.values() if isinstance(block, gr.Tab)]


def test_the_page_has_the_music_audio_tab_in_the_speech_queue_group(voice, models, monkeypatch):
    # the bundled models are not shipped yet: the tiny WaveNet stands in for one, the LSTM is missing
    monkeypatch.setattr(music_tab, "BUNDLED", {"wavenet": models["wavenet"], "lstm": models["wavenet"].parent / "no"})
    app = build_app(voice)
    assert tab_labels(app)[0] == "Speech" and TAB_LABEL in tab_labels(app)
    assert [value for _, value in by_id(app, "music-model").choices] == ["wavenet"]
    assert [value for _, value in by_id(app, "music-instrument").choices] == list(INSTRUMENTS)
    groups = {fn.api_name: (fn.concurrency_id, fn.concurrency_limit) for fn in app.fns.values() if fn.api_name}
    assert groups["generate"] == groups["synthesize"] == (SYNTHESIS, "default")  # one queue group, the page's limit
    tabs = [c["props"]["label"] for c in app.config["components"] if c["type"] == "tabitem"]
    assert TAB_LABEL in tabs


def test_the_served_tab_generates_for_a_client_and_refuses_bad_values(voice, models, primes, monkeypatch, tmp_path):
    from gradio_client import Client, handle_file

    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))  # read as the app is built, as `tts demo` does
    monkeypatch.setattr(music_tab, "BUNDLED", {"wavenet": models["wavenet"]})
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = build_app(voice)
    serve(app, port=port, block=False)
    try:
        client = Client(f"http://127.0.0.1:{port}", verbose=False)
        audio, picture, details = client.predict("wavenet", "organ", 1, 1.0, 7, handle_file(primes / "stereo.wav"),
                                                 api_name="/generate")
        started = time.perf_counter()
        with pytest.raises(Exception, match="400 Bad Request"):  # refused as it arrives, before the queue
            client.predict("wavenet", "organ", 40, 1.0, 7, None, api_name="/generate")
        assert time.perf_counter() - started < 2
    finally:
        app.close()
    info = soundfile.info(audio)
    assert info.samplerate == SAMPLE_RATE and info.frames == 16 + SAMPLE_RATE
    assert open(picture, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    assert details.startswith("model wavenet · instrument organ · prime stereo.wav")
