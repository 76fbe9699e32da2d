"""The demo page (gr.Blocks) and how it is served.

Safe by default (limits in tts.demo.defaults): bound to 127.0.0.1, no share link, one bounded
queue whose concurrency limit covers every way of starting a synthesis, text length capped, uploads
capped (only extension tabs take files), the files it writes deleted after CACHE_SECONDS (tts.demo.cache_sweeper),
and a request whose client went away stopped after its current sentence. Gradio serves only its own
assets and the files it wrote for this app (its cache folder); nothing else on disk is reachable
because no allowed_paths are given.

The page has tabs: "Speech" (the Voice's form), then one per extension in the entry-point group
`tts.demo_tabs` (tts.registry.DEMO_TABS; music/ adds "Music (notes)" this way, so tts never imports
it). The tab contract: the entry point names `build_tab()`, called with no arguments inside the page's
gr.Blocks; it creates one gr.Tab and its events, and every event that computes runs in the page's
concurrency group (`concurrency_id=SYNTHESIS`, concurrency_limit left to the queue's default), so
`serve`'s queue size and concurrency bound the whole page, not one tab. An extension that fails to
import or to build is reported (PluginWarning), and the rest of the page still serves.
"""

import warnings

import gradio as gr

from tts import registry
from tts.demo import defaults
from tts.demo.cache_sweeper import start_sweeping
from tts.demo.handler import DemoHandler, speaker_choices
from tts.errors import TTSError

SYNTHESIS = "synthesis"  # the concurrency group of every event that computes: buttons, examples, extension tabs


def build_app(voice, *, max_chars=defaults.MAX_CHARS):
    # No telemetry: the demo works offline and reports to no one.
    with gr.Blocks(title=f"tts · {voice.name}", analytics_enabled=False) as app, gr.Tabs():
        with gr.Tab("Speech", elem_id="speech"):
            add_speech_form(voice, max_chars)
        add_extension_tabs()
    return app


def add_speech_form(voice, max_chars):
    """The Voice's form, its outputs and examples, in the Blocks being built."""
    handler = DemoHandler(voice, max_chars=max_chars)
    choices = speaker_choices(voice)
    gr.Markdown(f"## Text to speech · voice {voice.name!r}\n{voice.files.description}")
    with gr.Row():
        with gr.Column():
            text = gr.Textbox(label=f"Text (at most {max_chars} characters)", lines=4, max_length=max_chars,
                              placeholder="Type something to say.", elem_id="text")
            speaker = gr.Dropdown(choices, value=choices[0][1], label="Speaker", elem_id="speaker")
            mix = gr.Textbox(label="Speaker mix", placeholder="0:0.7,1:0.3", elem_id="mix",
                             info="index or id : weight, comma-separated; overrides the speaker when filled")
            vocoder = gr.Dropdown(list(voice.vocoder_names), value=voice.default_vocoder, label="Vocoder",
                                  elem_id="vocoder")
            speed = gr.Slider(0.5, 2.0, value=1.0, step=0.05, label="Speed", elem_id="speed")
            ssml = gr.Checkbox(False, label="SSML", elem_id="ssml",
                               info="read the text as SSML markup (automatic when it starts with <speak>)")
            button = gr.Button("Synthesize", variant="primary", elem_id="synthesize")
        with gr.Column():
            audio = gr.Audio(label="Audio", type="numpy", format="wav", interactive=False, buttons=["download"],
                             elem_id="audio")
            details = gr.Textbox(label="Phonemes, report and timings", lines=4, interactive=False,
                                 elem_id="details")
    pictures = dict(interactive=False, format="png", buttons=["download", "fullscreen"])
    mel = gr.Image(label="Mel spectrogram", elem_id="mel", **pictures)
    alignment = gr.Image(label="F0 and phoneme durations", elem_id="alignment", **pictures)
    inputs = [text, speaker, mix, vocoder, speed, ssml]
    outputs = [audio, mel, alignment, details]
    synthesize = handler.__call__  # the bound method: Gradio sees a generator function, not an object
    button.click(synthesize, inputs, outputs, validator=handler.validate, concurrency_id=SYNTHESIS,
                 api_name="synthesize")
    rows = example_rows(voice, max_chars)
    if rows:
        examples = gr.Examples(rows, inputs, cache_examples=False)
        # Clicking an example fills the form, then synthesizes in the same queue group as the button.
        examples.load_input_event.then(synthesize, inputs, outputs, concurrency_id=SYNTHESIS,
                                       api_visibility="private")


def add_extension_tabs():
    """Build each `tts.demo_tabs` extension's tab in the Blocks being built; a broken one is
    reported and skipped."""
    for name, build_tab in registry.load_extensions(registry.DEMO_TABS, what="demo tab").items():
        try:
            build_tab()
        except Exception as error:  # someone else's code must not take the page down
            warnings.warn(f"demo tab {name!r} failed to build: {error}", registry.PluginWarning, stacklevel=2)


def example_rows(voice, max_chars):
    """Rows of (text, speaker, mix, vocoder, speed, ssml) that this voice can speak within the length limit."""
    first, last = voice.speakers[0], voice.speakers[-1]
    rows = [
        ["Hello! This is a text to speech demo.", first, "", voice.default_vocoder, 1.0, False],
        ["Dr. Smith paid $1.50 at 3:30 p.m. on Jan. 5th, 2024.", last, "", voice.default_vocoder, 1.0, False],
        ["The quick brown fox jumps over the lazy dog.", first, "", voice.default_vocoder, 1.4, False],
        ["Emoji are not spoken 😀, and the report says so.", first, "", voice.default_vocoder, 1.0, False],
        [f'<speak>Wait <break time="700ms"/> <prosody rate="slow" pitch="+3st">for it</prosody>, '
         f'<voice name="{last}">said another voice.</voice></speak>', first, "", voice.default_vocoder, 1.0, True],
    ]
    if last != first:
        rows.append(["Two speakers, blended into one voice.", first, f"{first}:0.5,{last}:0.5", voice.default_vocoder, 1.0,
                     False])
    return [row for row in rows if len(row[0]) <= max_chars]


def serve(app, *, host=defaults.HOST, port=defaults.PORT, queue_size=defaults.QUEUE_SIZE,
          concurrency=defaults.CONCURRENCY, cache_seconds=defaults.CACHE_SECONDS, block=True):
    """Start the server; with block=False return once it listens (stop it with app.close()).
    Files in the app's cache folder (GRADIO_TEMP_DIR) are deleted `cache_seconds` after they were written."""
    app.queue(max_size=queue_size, default_concurrency_limit=concurrency)
    try:
        app.launch(server_name=host, server_port=port, share=False, max_file_size=defaults.MAX_UPLOAD,
                   prevent_thread_lock=True)
    except OSError:  # Gradio's "Cannot find empty port", whose advice (an environment variable) does not apply here
        raise TTSError(f"cannot listen on {host}:{port}: the port is taken or the address is not this machine's; "
                       "choose another --port or --host") from None
    start_sweeping(app, app.GRADIO_CACHE, cache_seconds)
    if block:
        app.block_thread()
