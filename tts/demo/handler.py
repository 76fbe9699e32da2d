"""What the demo does with one request: check it, synthesize it with the Voice, and describe the result.

User errors (TTSError) become gr.Error, which Gradio shows as a message without a traceback; any
other exception is a bug and keeps its traceback in the server log.
"""

import time

import gradio as gr
import numpy as np

from tts.demo import defaults
from tts.demo.plots import alignment_image, mel_image
from tts.errors import TTSError, UsageError
from tts.voice import Synthesis, text_warning


def speaker_choices(voice):
    """(label, id) pairs for the speaker dropdown, e.g. ("0 · p225 (F)", "p225")."""
    choices = []
    for index, info in enumerate(voice.files.speaker_info):
        gender = f" ({info['gender']})" if info.get("gender") else ""
        choices.append((f"{index} · {info['id']}{gender}", info["id"]))
    return choices


def check_text(text, max_chars):
    if not text or not text.strip():
        raise UsageError("enter some text to speak")
    if len(text) > max_chars:
        raise UsageError(f"the text has {len(text)} characters; this demo speaks at most {max_chars}")


class DemoHandler:
    def __init__(self, voice, max_chars=defaults.MAX_CHARS):
        self.voice = voice
        self.max_chars = max_chars

    def __call__(self, text, speaker, mix, vocoder, speed, ssml=False):
        """The form's values -> (audio, mel image, alignment image, details text). Text that starts
        with <speak> is SSML even when the box is not ticked, as in `tts synth`.

        A generator: it reports each sentence as it is rendered, and Gradio stops iterating when the
        client goes away, so an abandoned request stops after its current sentence instead of
        holding the queue's slot to the end."""
        started = time.perf_counter()
        chunks = []
        try:
            check_text(text, self.max_chars)
            # A filled-in mix overrides the dropdown; both forms go through the Voice's own checks.
            for chunk in self.voice.stream(text, ssml=bool(ssml) or "auto",
                                           speaker=(mix or "").strip() or speaker, vocoder=vocoder, speed=speed):
                chunks.append(chunk)
                yield gr.skip(), gr.skip(), gr.skip(), f"rendering: {sum(len(c.utterances) for c in chunks)} sentence(s) done"
        except TTSError as error:
            raise gr.Error(str(error), print_exception=False) from None
        result = Synthesis.joined(chunks)
        elapsed = time.perf_counter() - started
        pcm = np.round(result.audio * 32767).astype(np.int16)  # the Voice clips to [-1, 1]
        yield (
            (result.sample_rate, pcm),
            mel_image(result.utterances, self.voice.spec),
            alignment_image(result.utterances, self.voice.spec),
            describe(result, elapsed, self.voice.speakers),
        )

    def validate(self, text, *other_inputs):
        """Gradio's validator: runs as a request arrives, so bad text is refused without waiting in the queue."""
        try:
            check_text(text, self.max_chars)
            verdict = gr.validate(True, "")
        except UsageError as error:
            verdict = gr.validate(False, str(error))
        return [verdict, *(gr.validate(True, "") for _ in other_inputs)]


def describe(result, elapsed, speaker_ids):
    """The speaker, the phonemes per sentence, what was dropped, and the time each stage took."""
    lines = [f"speaker: {' → '.join(dict.fromkeys(_speaker_name(u.speaker, speaker_ids) for u in result.utterances))}"]
    lines += [f"phonemes: {' '.join(p if p != ' ' else '|' for p in u.phonemes)}" for u in result.utterances]
    lines.append(f"report: {text_warning(u.report for u in result.utterances) or 'nothing dropped'}")
    stages = " · ".join(f"{stage} {seconds:.2f} s" for stage, seconds in result.timings.items())
    lines.append(f"timings: {stages} · total {elapsed:.2f} s for {result.seconds:.2f} s of audio "
                 f"(RTF {elapsed / max(result.seconds, 1e-9):.3f})")
    return "\n".join(lines)


def _speaker_name(speaker, speaker_ids):
    """The Voice's canonical form (an index or {index: weight}) as the ids a user knows."""
    if isinstance(speaker, dict):
        return " + ".join(f"{speaker_ids[index]} ×{weight:.2f}" for index, weight in speaker.items())
    return speaker_ids[speaker]
