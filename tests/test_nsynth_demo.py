"""The demo's "Morph (NSynth)" tab (music.demo.nsynth_tab) and the spectrogram picture it shares with
"Music (audio)" (music.demo.spectrogram): the request without a browser on a tiny untrained
autoencoder, exactly the library's morph; its refusals (silent, non-audio and unpitched sounds, values
out of range, a missing or corrupt model); held-out notes of an NSynth-layout corpus; the tab on the
page built by `tts demo`, and served to a client."""

import re
import socket
import time

import gradio as gr
import numpy as np
import pytest
import soundfile
import torch
from matplotlib import colormaps

from music.demo import midi_tab, music_tab, nsynth_tab
from music.demo.nsynth_tab import (
    CORPUS_VARIABLE,
    MAX_SECONDS,
    NO_MODELS,
    TAB_LABEL,
    NSynthHandler,
    Sound,
    build_tab,
    morph_sounds,
)
from music.demo.request import pcm16
from music.demo.spectrogram import Panel, mel_power, spectrogram_image
from music.nsynth.autoencoder import KIND, WaveNetAutoencoder
from music.nsynth.codec import morph, read_sound
from music_raw_fixtures import tone, write_not_audio, write_silence
from nsynth_fixtures import write_tiny_nsynth
from nsynth_model_fixtures import tiny_autoencoder_config
from tts.checkpoint import save_weights
from tts.demo.app import SYNTHESIS, build_app, serve

pytestmark = pytest.mark.usefixtures("one_torch_thread")

RATE = 16_000
HOP = 64  # the tiny autoencoder's samples per code
TOP_RGB = np.array(colormaps["magma"](1.0)[:3]) * 255  # the loudest colour of the spectrograms
NOTE_RE = r"[\w]+-\d{3}-\d{3}"


@pytest.fixture(autouse=True)
def no_corpus_nearby(tmp_path, monkeypatch):
    """Run where no data/nsynth is and no corpus is named, whatever the checkout holds."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(CORPUS_VARIABLE, raising=False)


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """{name: weights file} of a tiny untrained autoencoder with pitch conditioning and one without."""
    folder = tmp_path_factory.mktemp("autoencoders")
    torch.manual_seed(0)
    written = {}
    for name, pitched in (("tiny", True), ("no-pitch", False)):
        model = WaveNetAutoencoder(tiny_autoencoder_config(pitch_conditioning=pitched))
        written[name] = save_weights(folder / f"{name}.safetensors", model.state_dict(), kind=KIND, config=model.config)
    return written


@pytest.fixture(scope="module")
def sounds(tmp_path_factory):
    """Uploads: tones at 220 Hz (A3, MIDI 57, 1 s) and 330 Hz (E4, 64, 0.81 s: not a whole number of
    codes), a 5 s tone, a silent wav, a text file renamed .wav and unpitched (high-passed) noise."""
    folder = tmp_path_factory.mktemp("uploads")
    soundfile.write(folder / "a.wav", tone(220.0, seconds=1.0), RATE)
    soundfile.write(folder / "b.wav", tone(330.0, seconds=0.81), RATE)
    soundfile.write(folder / "long.wav", tone(440.0, seconds=5.0), RATE)
    noise = np.diff(np.random.default_rng(0).standard_normal(RATE + 1)) / 8
    soundfile.write(folder / "noise.wav", noise.astype(np.float32), RATE)
    write_silence(folder / "silence.wav")
    write_not_audio(folder / "notes.wav")
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A tiny NSynth-layout corpus: its held-out split (nsynth-test) has one instrument at pitches 48 and 60."""
    return write_tiny_nsynth(tmp_path_factory.mktemp("nsynth"), instruments=3, pitches=(48, 60), seconds=1.0)


def upload(sounds, name, pitch=None):
    return Sound(sounds / name, name, pitch, "typed" if pitch is not None else "")


def test_a_morph_is_the_librarys_morph_as_long_as_the_shorter_sound_with_three_spectrograms(models, sounds):
    result = morph_sounds(models["tiny"], upload(sounds, "a.wav"), upload(sounds, "b.wav"), mix=0.5, temperature=1.0,
                          seed=3, name="tiny")
    rate, pcm = result.audio
    assert rate == RATE and pcm.dtype == np.int16 and pcm.ndim == 1
    assert len(pcm) == -(-round(0.81 * RATE) // HOP) * HOP  # b's codes (the last one padded) decoded
    assert result.pitches == (57, 64)  # found by pYIN
    model = WaveNetAutoencoder.load(models["tiny"])
    a, b = (read_sound(sounds / name, sample_rate=RATE) for name in ("a.wav", "b.wav"))
    expected = morph(model, a, b, [0.5], pitches=(57, 64), temperature=1.0, seed=3)[0]
    assert np.array_equal(pcm, pcm16(expected))
    picture = result.spectrogram
    assert picture.dtype == np.uint8 and picture.shape == (300, 1000, 3)
    assert re.fullmatch(r"model tiny · a a\.wav \(pitch 57, pYIN\) · b b\.wav \(pitch 64, pYIN\) · mix 0\.50 · "
                        rf"{len(pcm) / RATE:.2f} s at 16000 Hz · decoded in [\d.]+ s", result.details)


def test_the_same_seed_morphs_the_same_and_the_mix_matters(models, sounds):
    def morphed(mix, seed):
        return morph_sounds(models["tiny"], upload(sounds, "a.wav", 57), upload(sounds, "b.wav", 64), mix=mix,
                            temperature=1.0, seed=seed).audio[1]

    first = morphed(0.5, 1)
    assert np.array_equal(first, morphed(0.5, 1))
    assert not np.array_equal(first, morphed(0.5, 2)) and not np.array_equal(first, morphed(0.0, 1))


def test_typed_pitches_are_used_and_each_sound_is_cut_at_max_seconds(models, sounds):
    result = morph_sounds(models["tiny"], upload(sounds, "long.wav", 69), upload(sounds, "long.wav", 50), mix=1.0,
                          temperature=0.0, seed=0)
    assert result.pitches == (69, 50) and "(pitch 69, typed)" in result.details and "(pitch 50, typed)" in result.details
    assert len(result.audio[1]) == MAX_SECONDS * RATE


def test_a_model_without_pitch_conditioning_needs_no_pitch(models, sounds):
    result = morph_sounds(models["no-pitch"], upload(sounds, "noise.wav"), upload(sounds, "a.wav"), mix=0.25,
                          temperature=1.0, seed=0)
    assert result.pitches == (None, None) and "(pitch" not in result.details
    assert len(result.audio[1]) == RATE  # noise and a are both 1 s


def bright(picture):
    """Which pixels are painted in the spectrogram's loudest colour."""
    return np.abs(picture.astype(int) - TOP_RGB).sum(axis=2) < 40


def test_the_spectrograms_share_one_scale_and_silence_stays_dark():
    loud, silence = tone(440.0), np.zeros(RATE, np.float32)
    left = bright(spectrogram_image([Panel("tone", loud), Panel("silence", silence)], RATE))
    right = bright(spectrogram_image([Panel("silence", silence), Panel("tone", loud)], RATE))
    quiet = bright(spectrogram_image([Panel("silence", silence), Panel("silence", silence)], RATE))
    colorbar = quiet.sum()  # the colour bar's top: all that is bright when nothing sounds
    width = left.shape[1]
    first, second = slice(0, int(0.4 * width)), slice(int(0.55 * width), int(0.85 * width))  # inside each panel
    assert 0 < colorbar == quiet[:, int(0.85 * width):].sum()
    assert left[:, first].sum() > 50 and left[:, second].sum() == 0
    assert right[:, first].sum() == 0 and right[:, second].sum() > 50
    # a 1 kHz sine is loudest in the mel band around 1 kHz
    power = mel_power(np.sin(2 * np.pi * 1000 * np.arange(RATE) / RATE).astype(np.float32), RATE)
    band = int(power.mean(axis=1).argmax())
    import librosa

    assert abs(librosa.mel_frequencies(n_mels=power.shape[0], fmax=RATE / 2)[band] - 1000) < 50


@pytest.mark.parametrize("a, b, message", [
    ("silence.wav", "b.wav", "sound a (silence.wav): silent (RMS below -70 dBFS): there is nothing to encode"),
    ("a.wav", "notes.wav", "sound b (notes.wav): not a readable audio file"),
    ("noise.wav", "a.wav", "sound a (noise.wav): pYIN finds no pitch in it; type its pitch (a MIDI note, 60 is middle C) "
                           "in 'Pitch a'"),
])
def test_a_silent_non_audio_or_unpitched_upload_is_a_message_without_the_servers_folders(models, sounds, a, b, message):
    handler = NSynthHandler(models)
    with pytest.raises(gr.Error, match=re.escape(message)) as caught:
        handler("tiny", str(sounds / a), None, None, str(sounds / b), None, None, 0.5, 1.0, 0)
    assert str(sounds) not in str(caught.value)


def test_an_unpitched_sound_morphs_once_its_pitch_is_typed(models, sounds):
    audio, picture, details = NSynthHandler(models)("tiny", str(sounds / "noise.wav"), None, 60, str(sounds / "a.wav"),
                                                    None, None, 0.5, 1.0, 0)
    assert audio[0] == RATE and len(audio[1]) == RATE and picture.shape[2] == 3
    assert "a noise.wav (pitch 60, typed) · b a.wav (pitch 57, pYIN)" in details


@pytest.mark.parametrize("change, message", [
    ({"upload_a": None}, "sound a is missing: upload one"),
    ({"mix": 1.5}, "mix must be from 0 to 1, got 1.5"),
    ({"mix": float("nan")}, "mix must be from 0 to 1, got nan"),
    ({"pitch_b": 128}, "pitch b must be a MIDI note from 0 to 127, or left empty, got 128"),
    ({"pitch_a": 60.5}, "pitch a must be a MIDI note from 0 to 127, or left empty, got 60.5"),
    ({"temperature": -0.1}, "temperature must be from 0 to 2, got -0.1"),
    ({"seed": -1}, "seed must be a whole number, 0 or more, got -1"),
    ({"note_b": "../../etc/passwd", "upload_b": None}, "unknown note '../../etc/passwd' for sound b"),
])
def test_values_out_of_range_are_messages_refused_before_the_queue(models, sounds, change, message):
    values = dict(model="tiny", upload_a=str(sounds / "a.wav"), note_a=None, pitch_a=None, upload_b=str(sounds / "b.wav"),
                  note_b=None, pitch_b=None, mix=0.5, temperature=1.0, seed=0) | change
    handler = NSynthHandler(models)
    started = time.perf_counter()
    with pytest.raises(gr.Error, match=re.escape(message)):
        handler(**values)
    assert time.perf_counter() - started < 0.5
    verdicts = handler.validate(**values)
    assert [v["is_valid"] for v in verdicts].count(False) == 1 and any(message in v["message"] for v in verdicts)


def test_only_the_offered_models_load_and_a_missing_or_corrupt_one_is_a_message(models, sounds, tmp_path):
    handler = NSynthHandler(models)
    for name in ("../../etc/passwd", str(models["tiny"]), "music.nsynth:models"):
        with pytest.raises(gr.Error, match="unknown model .*; choose one of: tiny, no-pitch"):
            handler(name, str(sounds / "a.wav"), None, None, str(sounds / "b.wav"), None, None, 0.5, 1.0, 0)
        assert handler.validate(name, "a", None, None, "b", None, None, 0.5, 1.0, 0)[0]["is_valid"] is False
    gone = tmp_path / "gone.safetensors"  # offered when the page was built, deleted since
    corrupt = tmp_path / "corrupt.safetensors"
    corrupt.write_bytes(b"\x00" * 100)
    for name, path, message in (("gone", gone, "autoencoder .*gone.safetensors cannot be read: No such file"),
                                ("corrupt", corrupt, "corrupt")):
        with pytest.raises(gr.Error, match=message):
            NSynthHandler({name: path})(name, str(sounds / "a.wav"), None, None, str(sounds / "b.wav"), None, None,
                                        0.5, 1.0, 0)


def test_without_the_bundled_autoencoder_the_tab_holds_one_line_saying_so(tmp_path, monkeypatch):
    monkeypatch.setattr(nsynth_tab, "BUNDLED", {"nsynth": tmp_path / "autoencoder.safetensors"})  # not installed
    assert nsynth_tab.bundled_models() == {}
    with gr.Blocks() as app:
        tab = build_tab()
    inside = [block for block in app.blocks.values() if block is not tab and block.parent is tab]
    assert tab.label == TAB_LABEL and len(inside) == 1
    assert isinstance(inside[0], gr.Markdown) and inside[0].value == NO_MODELS and "\n" not in NO_MODELS
    assert not app.fns  # no events


def by_id(app, elem_id):
    return next(block for block in app.blocks.values() if block.elem_id == elem_id)


def test_held_out_notes_of_a_corpus_are_offered_and_morph_at_their_labelled_pitch(models, sounds, corpus):
    with gr.Blocks() as app:
        build_tab(models, corpus=corpus)
    note = by_id(app, "nsynth-note-a")
    ids = [value for _, value in note.choices]
    assert note.visible and len(ids) == 2 and all(re.fullmatch(NOTE_RE, i) for i in ids)
    assert [int(i.split("-")[-2]) for i in ids] == [48, 60]
    fn = next(fn for fn in app.fns.values() if fn.api_name == "morph")
    handler = fn.fn.__self__
    audio, _, details = handler("tiny", None, ids[0], None, None, ids[1], None, 0.5, 1.0, 0)
    assert len(audio[1]) == RATE  # both notes are 1 s
    assert f"a {ids[0]} (pitch 48, label) · b {ids[1]} (pitch 60, label)" in details
    # an upload is used when given; a typed pitch beats the label
    _, _, details = handler("tiny", str(sounds / "a.wav"), ids[0], None, None, ids[1], 62, 0.5, 1.0, 0)
    assert f"a a.wav (pitch 57, pYIN) · b {ids[1]} (pitch 62, typed)" in details


def test_without_a_corpus_the_tab_takes_uploads_only_and_a_bad_corpus_is_one_line(models, corpus, tmp_path, monkeypatch):
    assert nsynth_tab.corpus_folder() is None
    with gr.Blocks() as app:
        build_tab(models)
    assert not by_id(app, "nsynth-note-a").visible and not by_id(app, "nsynth-note-b").visible
    with pytest.raises(gr.Error) as caught:
        next(fn for fn in app.fns.values() if fn.api_name == "morph").fn("tiny", None, None, None, None, None, None,
                                                                          0.5, 1.0, 0)
    assert caught.value.message == "sound a is missing: upload one"  # no "or pick a held-out note"
    monkeypatch.setenv(CORPUS_VARIABLE, str(tmp_path))  # no nsynth-test in it
    with gr.Blocks() as app:
        build_tab(models)
    problem = by_id(app, "nsynth-corpus-problem")
    assert problem.value.startswith("The held-out notes cannot be offered: ") and "no nsynth-test folder" in problem.value
    assert not by_id(app, "nsynth-note-a").visible and by_id(app, "nsynth-morph")
    monkeypatch.setenv(CORPUS_VARIABLE, str(corpus))
    assert nsynth_tab.corpus_folder() == corpus


def tab_labels(app):
    return [block.label for block in app.blocks.values() if isinstance(block, gr.Tab)]


def test_the_page_has_the_morph_tab_in_the_speech_queue_group(voice, models, monkeypatch):
    # the bundled autoencoder is not shipped yet: the tiny one stands in for it
    monkeypatch.setattr(nsynth_tab, "BUNDLED", {"nsynth": models["tiny"]})
    app = build_app(voice)
    # every tab of the `tts.demo_tabs` entry points, in their names' order: midi, music, nsynth
    assert tab_labels(app) == ["Speech", midi_tab.TAB_LABEL, music_tab.TAB_LABEL, TAB_LABEL]
    assert [value for _, value in by_id(app, "nsynth-model").choices] == ["nsynth"]
    groups = {fn.api_name: (fn.concurrency_id, fn.concurrency_limit) for fn in app.fns.values() if fn.api_name}
    assert groups["morph"] == groups["synthesize"] == (SYNTHESIS, "default")  # one queue group, the page's limit
    tabs = [c["props"]["label"] for c in app.config["components"] if c["type"] == "tabitem"]
    assert tabs == tab_labels(app)


def test_the_served_tab_morphs_uploads_for_a_client_and_refuses_a_non_audio_one(voice, models, sounds, monkeypatch,
                                                                                tmp_path):
    from gradio_client import Client, handle_file

    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))  # read as the app is built, as `tts demo` does
    monkeypatch.setattr(nsynth_tab, "BUNDLED", {"nsynth": models["tiny"]})
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = build_app(voice)
    serve(app, port=port, block=False)
    try:
        client = Client(f"http://127.0.0.1:{port}", verbose=False)
        audio, picture, details = client.predict("nsynth", handle_file(sounds / "a.wav"), None, None,
                                                 handle_file(sounds / "b.wav"), None, None, 0.5, 1.0, 7,
                                                 api_name="/morph")
        with pytest.raises(Exception, match=re.escape("sound b (notes.wav): not a readable audio file")):
            client.predict("nsynth", handle_file(sounds / "a.wav"), None, None, handle_file(sounds / "notes.wav"),
                           None, None, 0.5, 1.0, 7, api_name="/morph")
        started = time.perf_counter()
        with pytest.raises(Exception, match="400 Bad Request"):  # refused as it arrives, before the queue
            client.predict("nsynth", handle_file(sounds / "a.wav"), None, None, handle_file(sounds / "b.wav"), None,
                           None, 1.5, 1.0, 7, api_name="/morph")
        assert time.perf_counter() - started < 2
    finally:
        app.close()
    info = soundfile.info(audio)
    assert info.samplerate == RATE and info.frames == -(-round(0.81 * RATE) // HOP) * HOP
    assert open(picture, "rb").read(8) == b"\x89PNG\r\n\x1a\n" and details.startswith("model nsynth · a a.wav ")
