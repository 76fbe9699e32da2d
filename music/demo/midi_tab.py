"""The "Music (notes)" tab of `tts demo`: pick a note model, a length, a temperature and a seed;
get the composition rendered by fluidsynth, its piano roll, its MIDI file and a line of details.

    piece = compose_piece("run/note-wavenet.safetensors", bars=8, temperature=1.0, seed=0, out_dir=folder)

`compose_piece` is the whole request without Gradio (what the tests call); `build_tab` puts the form
on the page (the `tts.demo_tabs` contract in tts.registry): its one event joins the page's
concurrency group (tts.demo.app.SYNTHESIS), so the page's bounded queue and concurrency limit cover
composing as they cover speaking. The dropdown offers only the models given to it, by name, so a
request can never make the server load a file of its choosing.
"""

import functools
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import numpy as np
import soundfile
from gradio.utils import get_upload_folder

from music.demo.piano_roll import piano_roll_image
from music.demo.request import MAX_TEMPERATURE, is_whole, seed_problem, temperature_problem
from music.notes.compose import compose
from music.notes.events import write_midi
from music.notes.models import BUNDLED, load_note_model
from music.notes.tokens import decode
from music.render import render_midi
from tts.demo.app import SYNTHESIS
from tts.errors import TTSError, UsageError

TAB_LABEL = "Music (notes)"
MAX_BARS = 32
DEFAULT_BARS = 8
TEMPO = 90  # quarter notes per minute, as `tts midi compose`
PROGRAM = 0  # General MIDI piano
NO_MODELS = ("No note model is installed: music/notes/models/ holds neither wavenet.safetensors nor "
             "lstm.safetensors (train one with `tts midi train`).")


@dataclass(frozen=True)
class Composition:
    audio: tuple  # (sample rate, mono int16 samples): the fluidsynth rendering
    piano_roll: np.ndarray  # RGB [height, width, 3]
    midi: Path
    details: str  # one line
    events: tuple  # what was composed (music.notes.events.Event)


def bundled_models():
    """{name: weights file} of the bundled note models that exist."""
    return {name: path for name, path in BUNDLED.items() if Path(path).is_file()}


def bars_problem(bars):
    if not is_whole(bars) or not 1 <= bars <= MAX_BARS:
        return f"bars must be a whole number from 1 to {MAX_BARS}, got {bars!r}"


CHECKS = (bars_problem, temperature_problem, seed_problem)  # one per value of check_request, in its order


def check_request(bars, temperature, seed):
    """(bars, temperature, seed) as int, float, int; a UsageError naming the first value out of range."""
    for check, value in zip(CHECKS, (bars, temperature, seed)):
        problem = check(value)
        if problem:
            raise UsageError(problem)
    return int(bars), float(temperature), int(seed)


def compose_piece(model_path, *, bars, temperature, seed, out_dir, name=None, tempo=TEMPO, program=PROGRAM):
    """Compose `bars` bars with the note model in `model_path`, write the MIDI file into `out_dir`,
    render it and draw it. TTSError (UsageError for the request's values) on anything the user can fix."""
    bars, temperature, seed = check_request(bars, temperature, seed)
    name = name or Path(model_path).stem
    model = _model(str(model_path))
    started = time.perf_counter()
    ids = compose(model, bars=bars, temperature=temperature, seed=seed)
    composed = time.perf_counter() - started
    events = decode(ids)
    out_dir = Path(out_dir)
    midi = write_midi(events, out_dir / f"{name}-{bars}-bars-seed-{seed}.mid", tempo=tempo, program=program)
    started = time.perf_counter()
    wav = render_midi(midi, out_dir / f"{midi.stem}.wav")
    rate, pcm = _mono(wav)
    wav.unlink()  # the page serves the samples; Gradio writes its own copy
    rendered = time.perf_counter() - started
    quarters = sum(event.quarters for event in events)
    details = (f"model {name} · {len(events)} events · {len(ids)} tokens · {round(quarters, 2):g} quarter notes at {tempo} bpm"
               f" · composed in {composed:.2f} s · rendered in {rendered:.2f} s")
    return Composition((rate, pcm), piano_roll_image(events), midi, details, tuple(events))


class MidiHandler:
    """The tab's request: the dropdown's name -> its weights file, then compose_piece into a fresh
    folder of Gradio's cache (which `tts demo` keeps private and sweeps)."""

    def __init__(self, models):
        self.models = dict(models)

    def __call__(self, model, bars, temperature, seed):
        try:
            if model not in self.models:
                raise UsageError(f"unknown model {model!r}; choose one of: {', '.join(self.models)}")
            out_dir = _request_folder()
            piece = compose_piece(self.models[model], bars=bars, temperature=temperature, seed=seed, out_dir=out_dir,
                                  name=model)
        except TTSError as error:
            raise gr.Error(str(error), print_exception=False) from None
        return piece.audio, piece.piano_roll, str(piece.midi), piece.details

    def validate(self, model, bars, temperature, seed):
        """Gradio's validator: bad values are refused as the request arrives, before it waits in the queue."""
        known = model in self.models
        verdicts = [gr.validate(known, "" if known else f"unknown model {model!r}")]
        for check, value in zip(CHECKS, (bars, temperature, seed)):
            problem = check(value)
            verdicts.append(gr.validate(not problem, problem or ""))
        return verdicts


def build_tab(models=None):
    """The tab, inside the page's gr.Blocks. `models`: {name: weights file} offered in the dropdown;
    by default the bundled models that exist. With none, the tab holds one line saying so."""
    models = bundled_models() if models is None else dict(models)
    with gr.Tab(TAB_LABEL, elem_id="midi") as tab:
        if not models:
            gr.Markdown(NO_MODELS, elem_id="midi-none")
            return tab
        gr.Markdown("Compose with a note-level model trained on Bach chorales (4/4 bars, "
                    f"{TEMPO} quarter notes a minute) and hear it on fluidsynth's General MIDI piano.")
        handler = MidiHandler(models)
        with gr.Row():
            with gr.Column():
                model = gr.Dropdown(list(models), value=next(iter(models)), label="Model", elem_id="midi-model")
                bars = gr.Slider(1, MAX_BARS, value=DEFAULT_BARS, step=1, precision=0, label="Bars",
                                 elem_id="midi-bars")
                temperature = gr.Slider(0.0, MAX_TEMPERATURE, value=1.0, step=0.05, label="Temperature",
                                        info="0 takes the most likely token every time", elem_id="midi-temperature")
                seed = gr.Number(0, precision=0, minimum=0, label="Seed", elem_id="midi-seed")
                button = gr.Button("Compose", variant="primary", elem_id="midi-compose")
            with gr.Column():
                audio = gr.Audio(label="Audio", type="numpy", format="wav", interactive=False, buttons=["download"],
                                 elem_id="midi-audio")
                midi = gr.File(label="MIDI file", interactive=False, elem_id="midi-file")
                details = gr.Textbox(label="Details", lines=1, interactive=False, elem_id="midi-details")
        roll = gr.Image(label="Piano roll", interactive=False, format="png", buttons=["download", "fullscreen"],
                        elem_id="midi-roll")
        compose_request = handler.__call__  # the bound method: Gradio inspects a function, not an object
        button.click(compose_request, [model, bars, temperature, seed], [audio, roll, midi, details],
                     validator=handler.validate, concurrency_id=SYNTHESIS, api_name="compose")
    return tab


@functools.lru_cache(maxsize=4)
def _loaded(path, mtime_ns, size):
    return load_note_model(path)


def _model(path):
    """The note model in `path`, loaded once per version of the file."""
    try:
        stat = Path(path).stat()
    except OSError as error:
        raise TTSError(f"note model {path} cannot be read: {error.strerror}") from None
    return _loaded(path, stat.st_mtime_ns, stat.st_size)


def _request_folder():
    """A new folder in Gradio's cache for one request's files."""
    cache = Path(get_upload_folder())
    cache.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="midi-", dir=cache))


def _mono(wav):
    samples, rate = soundfile.read(str(wav), dtype="int16", always_2d=True)
    return rate, np.round(samples.mean(axis=1)).astype(np.int16)
