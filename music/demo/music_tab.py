"""The "Music (audio)" tab of `tts demo`: a few seconds of music drawn sample by sample from the
raw-audio music WaveNet or its LSTM baseline (music.raw), on an instrument of the model's, at a
temperature and a seed, optionally continuing an uploaded prime; get the audio, its spectrogram and a
line of details.

    for progress in stream_music("wavenet.safetensors", seconds=4, instrument="piano", temperature=1.0, seed=0):
        ...  # (samples done, samples in all) after each chunk, then the MusicPiece
    piece = generate_music("wavenet.safetensors", seconds=4, instrument="piano", temperature=1.0, seed=0)

`generate_music` is the whole request without Gradio (what the tests call); `build_tab` puts the form
on the page (the `tts.demo_tabs` contract in tts.registry) as the "Music (notes)" tab does: its event
joins the page's concurrency group (tts.demo.app.SYNTHESIS), bad values are refused by a validator
before the queue, and the dropdown offers models by name only, so a request can never make the server
load a file of its choosing. Generation is long (up to 20 s of audio at 16 kHz, one sample at a time),
so the request reports each chunk, as the "Speech" tab reports each sentence: Gradio stops iterating
when the client goes away, and an abandoned request frees its slot after its current chunk.
"""

import time
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import numpy as np

from music.demo.request import (
    MAX_TEMPERATURE,
    cached_model,
    installed,
    pcm16,
    seed_problem,
    temperature_problem,
    upload_error,
)
from music.demo.spectrogram import Panel, spectrogram_image
from music.raw.corpus import SAMPLE_RATE
from music.raw.generate import generate, load_prime
from music.raw.models import BUNDLED, instruments_of, load_music_model
from tts.demo import defaults
from tts.demo.app import SYNTHESIS
from tts.errors import TTSError, UsageError

TAB_LABEL = "Music (audio)"
MIN_SECONDS = 1.0
MAX_SECONDS = 20.0
DEFAULT_SECONDS = 4.0
NO_MODELS = ("No music model is installed: music/raw/models/ holds neither wavenet.safetensors nor "
             "lstm.safetensors (train one with `tts music train`, or run recipes/music/run.sh).")


@dataclass(frozen=True)
class MusicPiece:
    audio: tuple  # (SAMPLE_RATE, mono int16 samples): the prime as the model heard it, then the new music
    spectrogram: np.ndarray  # RGB [height, width, 3], a dashed line where the prime ends
    details: str  # one line
    primed: int  # samples of prime at its start


def bundled_models():
    """{name: weights file} of the bundled music models that are installed."""
    return installed(BUNDLED)


def seconds_problem(seconds):
    if not isinstance(seconds, (int, float)) or not MIN_SECONDS <= seconds <= MAX_SECONDS:  # NaN fails too
        return f"seconds must be from {MIN_SECONDS:g} to {MAX_SECONDS:g}, got {seconds!r}"


def instruments(model_path):
    """The instruments of the model in `model_path` (() for none); TTSError when it cannot be loaded."""
    return tuple(instruments_of(cached_model(load_music_model, model_path, what="music model")))


def stream_music(model_path, *, seconds, instrument=None, temperature=1.0, seed=0, prime=None, name=None):
    """Generate `seconds` of music with the model in `model_path` (instrument None: its first, or none
    for a model without instruments), after the audio file `prime` when given. Yields (samples done,
    samples in all) after each chunk, then the MusicPiece. TTSError (UsageError for the request's
    values) on anything the user can fix, before the first chunk."""
    for problem in (seconds_problem(seconds), temperature_problem(temperature), seed_problem(seed)):
        if problem:
            raise UsageError(problem)
    name = name or Path(model_path).stem
    model = cached_model(load_music_model, model_path, what="music model")
    heard, dropped = np.zeros(0, np.float32), 0
    if prime:
        try:
            heard, dropped = load_prime(prime, model)
        except TTSError as error:
            raise upload_error(error, prime, f"the prime ({Path(prime).name})") from None
    samples = round(seconds * SAMPLE_RATE)
    total = len(heard) + samples
    started = time.perf_counter()
    chunks, done = [], 0
    for chunk in generate(model, samples=samples, prime=heard if len(heard) else None, instrument=instrument or None,
                          temperature=float(temperature), seed=int(seed)):
        chunks.append(chunk)
        done += len(chunk)
        yield done, total
    generated = time.perf_counter() - started
    wav = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    names = instruments_of(model)
    played = f" · instrument {instrument or names[0]}" if names else ""
    primed = ""
    if len(heard):
        kept = f" (its last {len(heard) / SAMPLE_RATE:.3f} s: what the model can hear)" if dropped else ""
        primed = f" · prime {Path(prime).name}{kept}"
    details = (f"model {name}{played}{primed} · {seconds:g} s of new music at {SAMPLE_RATE} Hz · seed {int(seed)} · "
               f"generated in {generated:.2f} s ({generated / (samples / SAMPLE_RATE):.2f} s per second of audio)")
    picture = spectrogram_image([Panel(name, wav, mark=len(heard) / SAMPLE_RATE if len(heard) else None)],
                                SAMPLE_RATE)
    yield MusicPiece((SAMPLE_RATE, pcm16(wav)), picture, details, len(heard))


def generate_music(model_path, **request):
    """stream_music's MusicPiece (its keyword arguments, the same)."""
    *_, piece = stream_music(model_path, **request)
    return piece


class MusicHandler:
    """The tab's request: the dropdown's name -> its weights file, the prime as Gradio stored it, then
    stream_music, reporting its progress in the details box."""

    def __init__(self, models):
        self.models = dict(models)
        self.instruments = {}  # name: instruments, of the models that load (others fail when asked to generate)
        for name, path in self.models.items():
            try:
                self.instruments[name] = instruments(path)
            except TTSError:
                pass

    def __call__(self, model, instrument, seconds, temperature, seed, prime):
        """A generator: (skip, skip, progress) after each chunk, then (audio, spectrogram, details)."""
        try:
            problem = self.model_problem(model) or self.instrument_problem(model, instrument)
            if problem:
                raise UsageError(problem)
            for item in stream_music(self.models[model], seconds=seconds, instrument=instrument, temperature=temperature,
                                     seed=seed, prime=prime, name=model):
                if isinstance(item, MusicPiece):
                    yield item.audio, item.spectrogram, item.details
                else:
                    done, total = item
                    yield gr.skip(), gr.skip(), f"generating: {done / SAMPLE_RATE:.1f} of {total / SAMPLE_RATE:.1f} s"
        except TTSError as error:
            raise gr.Error(str(error), print_exception=False) from None

    def model_problem(self, model):
        if model not in self.models:
            return f"unknown model {model!r}; choose one of: {', '.join(self.models)}"

    def instrument_problem(self, model, instrument):
        if model not in self.instruments:
            return None  # the model did not load: generating says why
        names = self.instruments[model]
        if not names and instrument:
            return f"model {model} plays no chosen instrument; leave the instrument empty"
        if names and instrument and instrument not in names:
            return f"unknown instrument {instrument!r} for model {model}; its instruments: {', '.join(names)}"

    def instrument_choices(self, model):
        """The instrument dropdown's update for `model`: its instruments, the first chosen; empty and
        fixed for a model without."""
        names = list(self.instruments.get(model, ()))
        return gr.update(choices=names, value=names[0] if names else None, interactive=bool(names))

    def validate(self, model, instrument, seconds, temperature, seed, prime):
        """Gradio's validator: bad values are refused as the request arrives, before it waits in the queue."""
        known = model in self.models
        problems = [
            "" if known else f"unknown model {model!r}",
            self.instrument_problem(model, instrument) if known else None,
            seconds_problem(seconds), temperature_problem(temperature), seed_problem(seed), None,
        ]
        return [gr.validate(not problem, problem or "") for problem in problems]


def build_tab(models=None):
    """The tab, inside the page's gr.Blocks. `models`: {name: weights file} offered in the dropdown;
    by default the bundled models that are installed. With none, the tab holds one line saying so."""
    models = bundled_models() if models is None else dict(models)
    with gr.Tab(TAB_LABEL, elem_id="music") as tab:
        if not models:
            gr.Markdown(NO_MODELS, elem_id="music-none")
            return tab
        gr.Markdown("New music drawn one sample at a time (16 kHz) from a WaveNet trained on rendered Bach chorales, "
                    "or from its LSTM baseline. Upload a prime to have it continued (at most "
                    f"{defaults.MAX_UPLOAD}; only its end that the model can hear is used).")
        handler = MusicHandler(models)
        names = list(handler.instruments.get(next(iter(models)), ()))
        with gr.Row():
            with gr.Column():
                model = gr.Dropdown(list(models), value=next(iter(models)), label="Model", elem_id="music-model")
                instrument = gr.Dropdown(names, value=names[0] if names else None, interactive=bool(names),
                                         label="Instrument", elem_id="music-instrument")
                seconds = gr.Slider(MIN_SECONDS, MAX_SECONDS, value=DEFAULT_SECONDS, step=0.5, label="Seconds",
                                    elem_id="music-seconds")
                temperature = gr.Slider(0.0, MAX_TEMPERATURE, value=1.0, step=0.05, label="Temperature",
                                        info="0 takes the most likely sample every time", elem_id="music-temperature")
                seed = gr.Number(0, precision=0, minimum=0, label="Seed", elem_id="music-seed")
                prime = gr.Audio(label="Prime (optional)", sources=["upload"], type="filepath", elem_id="music-prime")
                button = gr.Button("Generate", variant="primary", elem_id="music-generate")
            with gr.Column():
                audio = gr.Audio(label="Audio", type="numpy", format="wav", interactive=False, buttons=["download"],
                                 elem_id="music-audio")
                details = gr.Textbox(label="Details", lines=2, interactive=False, elem_id="music-details")
        spectrogram = gr.Image(label="Spectrogram (dashed: where the prime ends)", interactive=False, format="png",
                               buttons=["download", "fullscreen"], elem_id="music-spectrogram")
        # a look-up in a table made as the page was built: it computes nothing, so it skips the queue
        model.change(handler.instrument_choices, model, instrument, queue=False, api_visibility="private")
        generate_request = handler.__call__  # the bound method: Gradio sees a generator function, not an object
        button.click(generate_request, [model, instrument, seconds, temperature, seed, prime],
                     [audio, spectrogram, details], validator=handler.validate, concurrency_id=SYNTHESIS,
                     api_name="generate")
    return tab
