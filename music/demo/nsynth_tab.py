"""The "Morph (NSynth)" tab of `tts demo`: two sounds (uploaded, or notes of an NSynth-layout corpus's
held-out split), a mix, an autoencoder, a temperature and a seed; get the morph decoded from their
mixed codes, the spectrograms of a, the morph and b side by side, and a line of details.

    result = morph_sounds("autoencoder.safetensors", Sound("a.wav", "a.wav"), Sound("b.wav", "b.wav"),
                          mix=0.5, temperature=1.0, seed=0)

`morph_sounds` is the whole request without Gradio (what the tests call); `build_tab` puts the form on
the page (the `tts.demo_tabs` contract in tts.registry) as the "Music (notes)" tab does: its one event
joins the page's concurrency group (tts.demo.app.SYNTHESIS), bad values are refused by a validator
before the queue, and the dropdowns offer models and notes by name only, so a request can never make
the server read a file of its choosing; the only files it reads are those it offers and the uploads
Gradio took (capped at the page's upload limit).

The held-out notes are those of CORPUS/nsynth-test (instruments never trained on): CORPUS is the
TTS_NSYNTH_CORPUS environment variable, else data/nsynth (where recipes/nsynth writes it) when it
holds nsynth-test. Without one the tab takes uploads only.
"""

import os
import time
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import numpy as np

from music.demo.request import (
    MAX_TEMPERATURE,
    cached_model,
    installed,
    is_whole,
    pcm16,
    seed_problem,
    temperature_problem,
    upload_error,
)
from music.demo.spectrogram import Panel, spectrogram_image
from music.nsynth.codec import estimate_pitch, morph, read_sound
from music.nsynth.config import PITCHES
from music.nsynth.corpus import read_split, split_folder
from music.nsynth.models import BUNDLED, load_autoencoder
from tts.demo import defaults
from tts.demo.app import SYNTHESIS
from tts.errors import TTSError, UsageError

TAB_LABEL = "Morph (NSynth)"
MAX_SECONDS = 4.0  # of each sound that is encoded: an NSynth note's length (decoding runs sample by sample)
CORPUS_VARIABLE = "TTS_NSYNTH_CORPUS"
DEFAULT_CORPUS = Path("data/nsynth")  # recipes/nsynth's corpus, relative to where `tts demo` runs
HELD_OUT = "test"
NO_MODELS = ("No autoencoder is installed: music/nsynth/models/autoencoder.safetensors is missing "
             "(train one with `tts nsynth train`, or run recipes/nsynth/run.sh).")


@dataclass(frozen=True)
class Sound:
    """One side of a morph: its file, the name it is shown by, and its pitch when known (a corpus
    note's label or a typed one; None: pYIN finds it)."""

    path: Path
    name: str
    pitch: int | None = None
    pitch_from: str = ""  # "typed" or "label"


@dataclass(frozen=True)
class MorphResult:
    audio: tuple  # (sample rate, mono int16 samples)
    spectrogram: np.ndarray  # RGB [height, width, 3]: a, the morph, b
    details: str  # one line
    pitches: tuple  # (a's, b's) MIDI pitches, or (None, None) for a model without pitch conditioning


def bundled_models():
    """{name: weights file} of the bundled autoencoder, when it is installed."""
    return installed(BUNDLED)


def corpus_folder():
    """The NSynth-layout corpus whose held-out notes the tab offers, or None."""
    given = os.environ.get(CORPUS_VARIABLE)
    if given:
        return Path(given)
    return DEFAULT_CORPUS if split_folder(DEFAULT_CORPUS, HELD_OUT).is_dir() else None


def held_out_notes(corpus):
    """{note_str: NoteExample} of corpus/nsynth-test; {} without a corpus. TTSError for a corpus that
    cannot be read."""
    return {} if corpus is None else {note.id: note for note in read_split(corpus, HELD_OUT)}


def mix_problem(mix):
    if not isinstance(mix, (int, float)) or not 0 <= mix <= 1:  # NaN fails too
        return f"mix must be from 0 to 1, got {mix!r}"


def pitch_problem(pitch, label):
    if pitch is not None and (not is_whole(pitch) or not 0 <= pitch < PITCHES):
        return f"pitch {label} must be a MIDI note from 0 to {PITCHES - 1}, or left empty, got {pitch!r}"


def morph_sounds(model_path, a, b, *, mix, temperature, seed, name=None):
    """Morph Sound a into Sound b by `mix` (0: a, 1: b) with the autoencoder in `model_path`. Each
    sound is read at the model's rate, mono, leveled, its first MAX_SECONDS. TTSError (UsageError for
    the request's values) on anything the user can fix."""
    for problem in (mix_problem(mix), temperature_problem(temperature), seed_problem(seed),
                    pitch_problem(a.pitch, "a"), pitch_problem(b.pitch, "b")):
        if problem:
            raise UsageError(problem)
    name = name or Path(model_path).stem
    model = cached_model(load_autoencoder, model_path, what="autoencoder")
    rate = model.config.sample_rate
    wavs = [_read(sound, label, rate) for sound, label in ((a, "a"), (b, "b"))]
    pitches, told = (None, None), ("", "")
    if model.config.pitch_conditioning:
        pitches, told = zip(*(_pitch(sound, label, wav, rate) for sound, label, wav in zip((a, b), "ab", wavs)))
    started = time.perf_counter()
    wav = morph(model, *wavs, [float(mix)], pitches=tuple(pitches), temperature=float(temperature), seed=int(seed))[0]
    decoded = time.perf_counter() - started
    picture = spectrogram_image([Panel(f"a: {a.name}", wavs[0]), Panel(f"morph, mix {mix:.2f}", wav),
                                 Panel(f"b: {b.name}", wavs[1])], rate)
    details = (f"model {name} · a {a.name}{told[0]} · b {b.name}{told[1]} · mix {mix:.2f} · "
               f"{len(wav) / rate:.2f} s at {rate} Hz · decoded in {decoded:.2f} s")
    return MorphResult((rate, pcm16(wav)), picture, details, tuple(pitches))


class NSynthHandler:
    """The tab's request: the dropdowns' names -> weights file and note files, the uploads as Gradio
    stored them, then morph_sounds. An upload is used when given, else the picked note."""

    def __init__(self, models, notes=None):
        self.models = dict(models)
        self.notes = dict(notes or {})

    def __call__(self, model, upload_a, note_a, pitch_a, upload_b, note_b, pitch_b, mix, temperature, seed):
        try:
            if model not in self.models:
                raise UsageError(f"unknown model {model!r}; choose one of: {', '.join(self.models)}")
            a = self.sound("a", upload_a, note_a, pitch_a)
            b = self.sound("b", upload_b, note_b, pitch_b)
            result = morph_sounds(self.models[model], a, b, mix=mix, temperature=temperature, seed=seed, name=model)
        except TTSError as error:
            raise gr.Error(str(error), print_exception=False) from None
        return result.audio, result.spectrogram, result.details

    def sound(self, label, upload, note, pitch):
        """The Sound that side `label` of the form gives."""
        problem = self.source_problem(label, upload, note) or pitch_problem(pitch, label)
        if problem:
            raise UsageError(problem)
        typed = None if pitch is None else int(pitch)
        if upload:
            return Sound(Path(upload), Path(upload).name, typed, "typed" if typed is not None else "")
        example = self.notes[note]
        if typed is not None:
            return Sound(example.path, note, typed, "typed")
        return Sound(example.path, note, example.pitch, "label")

    def source_problem(self, label, upload, note):
        if upload:
            return None
        if note:
            return None if note in self.notes else f"unknown note {note!r} for sound {label}; pick one from the list"
        held_out = " or pick a held-out note" if self.notes else ""
        return f"sound {label} is missing: upload one{held_out}"

    def validate(self, model, upload_a, note_a, pitch_a, upload_b, note_b, pitch_b, mix, temperature, seed):
        """Gradio's validator: bad values are refused as the request arrives, before it waits in the queue."""
        known = model in self.models
        problems = [
            "" if known else f"unknown model {model!r}",
            self.source_problem("a", upload_a, note_a), None, pitch_problem(pitch_a, "a"),
            self.source_problem("b", upload_b, note_b), None, pitch_problem(pitch_b, "b"),
            mix_problem(mix), temperature_problem(temperature), seed_problem(seed),
        ]
        return [gr.validate(not problem, problem or "") for problem in problems]


def build_tab(models=None, *, corpus=None):
    """The tab, inside the page's gr.Blocks. `models`: {name: weights file} offered in the dropdown;
    by default the bundled autoencoder when installed. With none, the tab holds one line saying so.
    `corpus`: an NSynth-layout folder whose held-out notes are offered (default: corpus_folder())."""
    models = bundled_models() if models is None else dict(models)
    with gr.Tab(TAB_LABEL, elem_id="nsynth") as tab:
        if not models:
            gr.Markdown(NO_MODELS, elem_id="nsynth-none")
            return tab
        corpus = corpus_folder() if corpus is None else Path(corpus)
        try:
            notes = held_out_notes(corpus)
        except TTSError as error:  # the tab still morphs uploads
            notes = {}
            gr.Markdown(f"The held-out notes cannot be offered: {error}", elem_id="nsynth-corpus-problem")
        where = f", or pick notes of {corpus}/nsynth-{HELD_OUT} (instruments never trained on)" if notes else ""
        gr.Markdown(f"Morph between two sounds with an NSynth-style WaveNet autoencoder: their codes are mixed, "
                    f"(1 - mix) a + mix b, and decoded. Upload two sounds (at most {defaults.MAX_UPLOAD} each; the "
                    f"first {MAX_SECONDS:g} s are used){where}. An upload is used when given.")
        handler = NSynthHandler(models, notes)
        with gr.Row():
            with gr.Column():
                model = gr.Dropdown(list(models), value=next(iter(models)), label="Model", elem_id="nsynth-model")
                sides = [_sound_inputs(label, notes) for label in ("a", "b")]
                mix = gr.Slider(0.0, 1.0, value=0.5, step=0.05, label="Mix", info="0 is sound a, 1 is sound b",
                                elem_id="nsynth-mix")
                temperature = gr.Slider(0.0, MAX_TEMPERATURE, value=1.0, step=0.05, label="Temperature",
                                        info="0 takes the most likely sample every time", elem_id="nsynth-temperature")
                seed = gr.Number(0, precision=0, minimum=0, label="Seed", elem_id="nsynth-seed")
                button = gr.Button("Morph", variant="primary", elem_id="nsynth-morph")
            with gr.Column():
                audio = gr.Audio(label="Morph", type="numpy", format="wav", interactive=False, buttons=["download"],
                                 elem_id="nsynth-audio")
                details = gr.Textbox(label="Details", lines=2, interactive=False, elem_id="nsynth-details")
        spectrogram = gr.Image(label="Spectrograms: a, the morph, b", interactive=False, format="png",
                               buttons=["download", "fullscreen"], elem_id="nsynth-spectrogram")
        morph_request = handler.__call__  # the bound method: Gradio inspects a function, not an object
        inputs = [model, *sides[0], *sides[1], mix, temperature, seed]
        button.click(morph_request, inputs, [audio, spectrogram, details], validator=handler.validate,
                     concurrency_id=SYNTHESIS, api_name="morph")
    return tab


def _sound_inputs(label, notes):
    """One sound's inputs: an upload, a held-out note (shown only with a corpus) and a pitch."""
    upload = gr.Audio(label=f"Sound {label}", sources=["upload"], type="filepath", elem_id=f"nsynth-upload-{label}")
    note = gr.Dropdown(list(notes), value=None, label=f"or a held-out note as sound {label}", filterable=True,
                       visible=bool(notes), elem_id=f"nsynth-note-{label}")
    pitch = gr.Number(None, precision=0, minimum=0, maximum=PITCHES - 1, label=f"Pitch {label} (MIDI note)",
                      info="empty: a held-out note's label, else found by pYIN", elem_id=f"nsynth-pitch-{label}")
    return upload, note, pitch


def _read(sound, label, rate):
    """Sound `label`'s first MAX_SECONDS at `rate`, mono, leveled; its errors told by its name."""
    try:
        wav = read_sound(sound.path, sample_rate=rate)
    except TTSError as error:
        raise upload_error(error, sound.path, f"sound {label} ({sound.name})") from None
    return wav[: round(MAX_SECONDS * rate)]


def _pitch(sound, label, wav, rate):
    """(the pitch sound `label` is decoded at, how it was found, for the details)."""
    if sound.pitch is not None:
        return sound.pitch, f" (pitch {sound.pitch}, {sound.pitch_from})"
    pitch = estimate_pitch(wav, rate)
    if pitch is None:
        raise TTSError(f"sound {label} ({sound.name}): pYIN finds no pitch in it; type its pitch (a MIDI note, "
                       f"60 is middle C) in 'Pitch {label}'")
    return pitch, f" (pitch {pitch}, pYIN)"
