"""Voice: a directory of trained components and the one object that turns text into audio.

    voice = Voice.load()                          # the bundled default voice (or Voice.load("my_voice/"))
    result = voice.synthesize("Hello there.", speaker="p227", vocoder="griffinlim", speed=1.1)
    result = voice.synthesize('<speak>Hi <break time="1s"/> there.</speak>', ssml=True)
    result.audio, result.sample_rate, result.utterances, result.timings
    for chunk in voice.stream(long_text, speaker="3:0.7,5:0.3"):  # sentence by sentence
        play(chunk.audio)
    for chunk in voice.stream(text, chunk_frames=32):               # lowest latency: pieces of sentences
        play(chunk.audio)

The directory holds `voice.json` (see tts.voice_files) and the files it names. Components are
paired here: the duration model, the acoustic model and every vocoder must share one FeatureSpec
and one speaker table, or loading fails naming what differs. Vocoders load on first use, so a voice
whose WaveNet is absent or broken still speaks through the others.
"""

import math
import threading
import time
from dataclasses import dataclass, field, replace

import numpy as np

from tts.errors import TTSError, UsageError
from tts.registry import load_vocoder_class, load_with_options
from tts.speaker_selection import parse_speaker, resolve_speaker
from tts.training.precision import inference_dtype
from tts.voice_files import VOICE_FILE, VoiceFiles
from tts.voice_integrity import verify_voice
from tts.voice_plan import Silence, plan_text

SENTENCE_GAP_SECONDS = 0.15  # silence between sentences in one synthesized text
BATCH_SENTENCES = 8  # sentences run through the acoustic model and vocoder together
PITCH_PASSES = 3  # acoustic passes at most to bring a sentence's median F0 to an SSML pitch in Hz
PITCH_TOLERANCE_SEMITONES = 0.1
STAGES = ("frontend", "acoustic", "vocoder")


@dataclass(frozen=True)
class Synthesis:
    audio: np.ndarray  # float32 [samples] in [-1, 1]
    sample_rate: int
    utterances: tuple  # one Utterance per sentence, with mel, f0 and wav filled in
    timings: dict = field(default_factory=dict)  # seconds per stage: frontend, acoustic, vocoder

    @property
    def seconds(self):
        return len(self.audio) / self.sample_rate

    @classmethod
    def joined(cls, chunks):
        """One Synthesis of a stream's chunks (at least one): audio end to end, timings added up."""
        timings = {stage: sum(chunk.timings.get(stage, 0.0) for chunk in chunks) for stage in STAGES}
        utterances = tuple(u for chunk in chunks for u in chunk.utterances)
        return cls(np.concatenate([chunk.audio for chunk in chunks]), chunks[0].sample_rate, utterances, timings)


class Voice:
    def __init__(self, files: VoiceFiles, frontend, acoustic_model):
        self.files = files
        self.frontend = frontend
        self.acoustic_model = acoustic_model
        self.spec = acoustic_model.spec
        self.acoustic_dtype = inference_dtype(next(acoustic_model.parameters()).device)
        self._vocoders = {}
        self._vocoder_lock = threading.Lock()  # threads asking for the same vocoder load it once

    @classmethod
    def load(cls, path=None, *, date_order="month-first"):
        """The voice in directory `path` (None or "default": the bundled voice). date_order: how numeric dates
        read, "month-first" (12/05/2026 is December fifth) or "day-first" (the twelfth of May)."""
        # Imported here so that `tts` commands without synthesis never import the frontend.
        from frontends.duration.model import DurationModel
        from frontends.frontend import Frontend
        from frontends.lexicon import Lexicon
        from tts.acoustic.model import AcousticModel

        files = VoiceFiles.read(path)
        verify_voice(files)  # checksums and finite weights, before any model is built
        duration_model = DurationModel.load(files.path(files.duration_model))
        acoustic_model = AcousticModel.load(files.path(files.acoustic_model), spec=duration_model.spec)
        _require_speakers(files.speakers, duration_model.config.speakers, "the duration model")
        _require_speakers(files.speakers, acoustic_model.config.speakers, "the acoustic model")
        if tuple(acoustic_model.config.symbols) != tuple(duration_model.config.symbols):
            raise TTSError(f"{files.root}: the duration and acoustic models use different phoneme inventories")
        lexicon = Lexicon.load(files.path(files.lexicon)) if files.lexicon else None
        frontend = Frontend(lexicon=lexicon, duration_model=duration_model, date_order=date_order)
        return cls(files, frontend, acoustic_model)

    @property
    def name(self):
        return self.files.name

    @property
    def speakers(self):
        """Speaker ids in index order."""
        return self.files.speakers

    @property
    def vocoder_names(self):
        return tuple(self.files.vocoders)

    @property
    def default_vocoder(self):
        return self.files.default_vocoder

    @property
    def sample_rate(self):
        return self.spec.sample_rate

    def resolve_speaker(self, speaker):
        """The canonical index or {index: weight} of "3", "p227", "3:0.7,5:0.3", 3 or {3: 0.7, 5: 0.3}."""
        if isinstance(speaker, str):
            speaker = parse_speaker(speaker)
        return resolve_speaker(speaker, self.speakers)

    def vocoder(self, name=None):
        """The named vocoder (default: the voice's), loaded once and checked against the voice."""
        name = name or self.default_vocoder
        if name not in self.files.vocoders:
            raise UsageError(f"this voice has no vocoder {name!r}; it has: {', '.join(self.vocoder_names)}")
        with self._vocoder_lock:
            if name not in self._vocoders:
                vocoder = load_vocoder(name, self.files)
                self.spec.require_same(vocoder.spec, what=f"the acoustic model and the {name!r} vocoder")
                if getattr(vocoder, "speakers", None):
                    _require_speakers(self.speakers, vocoder.speakers, f"the {name!r} vocoder")
                self._vocoders[name] = vocoder
            return self._vocoders[name]

    def synthesize(self, text, *, ssml=False, speaker=0, vocoder=None, speed=1.0, pitch_shift=0.0):
        """All of `text` (split into sentences) as one waveform, with its Utterances and timings."""
        return Synthesis.joined(list(self.stream(text, ssml=ssml, speaker=speaker, vocoder=vocoder, speed=speed,
                                                 pitch_shift=pitch_shift, batch_sentences=BATCH_SENTENCES)))

    def stream(self, text, *, ssml=False, speaker=0, vocoder=None, speed=1.0, pitch_shift=0.0, batch_sentences=1,
               chunk_frames=None):
        """Synthesis pieces as soon as each is rendered (`text` may be an iterable of str); their
        audio joined is the whole text's, SENTENCE_GAP_SECONDS of silence opening every sentence
        but the first.

        ssml: read `text` as SSML (frontends.ssml): <break> replaces the gap at its place, and what
        the markup ignored is listed in the first Utterance's report["warnings"]. "auto": SSML when
        the text starts like an XML document (<speak>), as the CLI, the demo and the server read it.
        By default one piece per sentence, carrying its Utterance (wav included).
        batch_sentences > 1 renders that many sentences together: more throughput, later first audio.
        chunk_frames: with a vocoder that streams (WaveNet, Griffin-Lim), pieces of about that
        many frames, for the lowest latency; a sentence's first piece carries its Utterance (with
        mel and f0, without wav), the others none.

        Every argument (the SSML included) is checked here, before any model runs; "nothing to
        speak" comes with the first piece.
        """
        speaker = self.resolve_speaker(speaker)
        vocoder = self.vocoder(vocoder)
        if chunk_frames is not None and not hasattr(vocoder, "stream"):
            raise UsageError(f"vocoder {vocoder.name!r} cannot stream within a sentence; leave chunk_frames unset")
        plan = plan_text(text, ssml=ssml, speaker=speaker, speed=speed, pitch_shift=pitch_shift,
                         resolve_speaker=self.resolve_speaker)
        return self._render(plan, vocoder, 1 if chunk_frames else batch_sentences, chunk_frames)

    def _render(self, plan, vocoder, batch_sentences, chunk_frames):
        warnings = list(plan.warnings)
        pause = None  # seconds of silence asked for since the last sentence (SSML <break>)
        spoken = False
        for part in plan.parts:
            if isinstance(part, Silence):
                pause = (pause or 0.0) + part.seconds
                continue
            opening = self._silence(pause) if pause is not None else self._silence(SENTENCE_GAP_SECONDS if spoken else 0)
            said = False
            try:
                for chunk in self._speak(part, vocoder, batch_sentences, chunk_frames, opening):
                    if warnings and chunk.utterances:
                        chunk = _with_warnings(chunk, warnings)
                        warnings = []
                    spoken = said = True
                    pause = None
                    yield chunk
            except UsageError:
                if said or len(plan.parts) == 1:
                    raise
                # an SSML part with no words (stray punctuation between tags) says nothing
        if pause:
            yield Synthesis(self._silence(pause), self.sample_rate, ())
        elif not spoken:
            raise UsageError("nothing to speak: the text has no words after normalization")

    def _speak(self, part, vocoder, batch_sentences, chunk_frames, opening):
        sentences = self.frontend.sentences(part.text, speaker=part.speaker, speed=part.speed)
        gap = self._silence(SENTENCE_GAP_SECONDS)
        while True:
            started = time.perf_counter()
            batch = [u for _, u in zip(range(batch_sentences), sentences)]
            if not batch:
                return
            timings = {"frontend": time.perf_counter() - started}
            started = time.perf_counter()
            batch = self._acoustic(batch, part)
            timings["acoustic"] = time.perf_counter() - started
            if chunk_frames:
                yield from self._pieces(vocoder, batch[0], chunk_frames, opening, part.gain, timings)
            else:
                yield from self._sentences(vocoder, batch, opening, gap, part.gain, timings)
            opening = gap

    def _sentences(self, vocoder, batch, opening, gap, gain, timings):
        started = time.perf_counter()
        waves = vocoder(batch)
        timings["vocoder"] = time.perf_counter() - started
        share = {stage: seconds / len(batch) for stage, seconds in timings.items()}
        for index, (utterance, wav) in enumerate(zip(batch, waves)):
            wav = _clipped(_finite(wav, vocoder), gain)
            audio = np.concatenate([opening if index == 0 else gap, wav])
            yield Synthesis(audio, self.sample_rate, (utterance.with_(wav=wav, sample_rate=self.sample_rate),), share)

    def _pieces(self, vocoder, utterance, chunk_frames, opening, gain, timings):
        carried = (utterance,)
        started = time.perf_counter()
        for piece in vocoder.stream(utterance, chunk_frames=chunk_frames):
            timings["vocoder"] = time.perf_counter() - started
            yield Synthesis(np.concatenate([opening, _clipped(_finite(piece, vocoder), gain)]), self.sample_rate,
                            carried, timings)
            carried, opening = (), opening[:0]
            timings = {"frontend": 0.0, "acoustic": 0.0}
            started = time.perf_counter()

    def _acoustic(self, utterances, part):
        """Mels and F0 for one batch; with a target pitch in Hz, more passes move each sentence's
        median F0 there (the pitch shift is in semitones, so it needs a pass's median first)."""
        results = self.acoustic_model.synthesize_batch(
            [u.ids for u in utterances], [u.durations for u in utterances], [u.speaker for u in utterances],
            pitch_shift=0.0 if part.pitch_hz else part.pitch_shift, dtype=self.acoustic_dtype,
        )
        if part.pitch_hz:
            results = [self._at_pitch(u, result, part) for u, result in zip(utterances, results)]
        for mel, _ in results:
            if not np.isfinite(mel).all():
                raise TTSError("the acoustic model produced NaN or infinite values; its weights may be corrupt "
                               "(`tts doctor --voice DIR` checks them); nothing was written")
        return [u.with_(mel=mel, f0=f0) for u, (mel, f0) in zip(utterances, results)]

    def _at_pitch(self, utterance, result, part):
        mel, f0 = result
        shift = 0.0
        for _ in range(PITCH_PASSES):  # the voiced frames can move with the shift: correct again
            voiced = f0[f0 > 0]
            if not len(voiced):
                break
            error = 12.0 * math.log2(part.pitch_hz / float(np.median(voiced)))
            if abs(error) < PITCH_TOLERANCE_SEMITONES:
                break
            shift += error
            mel, f0 = self._one_sentence(utterance, shift)
        return self._one_sentence(utterance, shift + part.pitch_shift) if part.pitch_shift else (mel, f0)

    def _one_sentence(self, utterance, pitch_shift):
        [result] = self.acoustic_model.synthesize_batch(
            [utterance.ids], [utterance.durations], [utterance.speaker], pitch_shift=pitch_shift, dtype=self.acoustic_dtype,
        )
        return result

    def _silence(self, seconds):
        return np.zeros(int(round(seconds * self.sample_rate)), dtype=np.float32)


def text_warning(reports):
    """One line naming everything the frontend dropped or skipped in a text, from its sentences'
    Utterance reports (repeats merged); empty when nothing was. What `tts synth` and the demo show."""
    from frontends.frontend import combined_report, warning_line  # lazily, as in Voice.load

    return warning_line(combined_report(reports))


def _finite(wav, vocoder):
    wav = np.asarray(wav, dtype=np.float32)
    if not np.isfinite(wav).all():
        raise TTSError(f"vocoder {vocoder.name!r} produced NaN or infinite samples; its weights may be corrupt "
                       "(`tts doctor --voice DIR` checks them); nothing was written")
    return wav


def _clipped(wav, gain):
    return np.clip(np.asarray(wav, dtype=np.float32) * np.float32(gain), -1.0, 1.0)


def _with_warnings(chunk, warnings):
    first, *rest = chunk.utterances
    report = {**first.report, "warnings": [*first.report.get("warnings", ()), *warnings]}
    return replace(chunk, utterances=(first.with_(report=report), *rest))


def load_vocoder(name, files):
    """The voice's vocoder `name`, its `load` given the voice.json's vocoder_options for it; options
    its `load` does not take are an error naming them, before anything loads."""
    cls, path = load_vocoder_class(name), files.path(files.vocoders[name])
    return load_with_options(cls, path, files.vocoder_options.get(name, {}),
                             where=f"{files.root / VOICE_FILE}: vocoder_options of {name!r}")


def _require_speakers(expected, found, what):
    if tuple(found) != tuple(expected):
        raise TTSError(f"{what} was trained for speakers {list(found)}, but the voice's table is {list(expected)}")

