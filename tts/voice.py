"""Voice: a directory of trained components and the one object that turns text into audio.

    voice = Voice.load()                          # the bundled default voice (or Voice.load("my_voice/"))
    result = voice.synthesize("Hello there.", speaker="p227", vocoder="griffinlim", speed=1.1)
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

import threading
import time
from dataclasses import dataclass, field

import numpy as np

from tts.errors import TTSError, UsageError
from tts.registry import load_vocoder_class
from tts.speaker_selection import parse_speaker, resolve_speaker
from tts.training.precision import inference_dtype
from tts.voice_files import VoiceFiles, default_voice_dir

SENTENCE_GAP_SECONDS = 0.15  # silence between sentences in one synthesized text
BATCH_SENTENCES = 8  # sentences run through the acoustic model and vocoder together


@dataclass(frozen=True)
class Synthesis:
    audio: np.ndarray  # float32 [samples] in [-1, 1]
    sample_rate: int
    utterances: tuple  # one Utterance per sentence, with mel, f0 and wav filled in
    timings: dict = field(default_factory=dict)  # seconds per stage: frontend, acoustic, vocoder

    @property
    def seconds(self):
        return len(self.audio) / self.sample_rate


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
    def load(cls, path=None):
        """The voice in directory `path` (default: the bundled voice)."""
        # Imported here so that `tts` commands without synthesis never import the frontend.
        from frontends.duration.model import DurationModel
        from frontends.frontend import Frontend
        from frontends.lexicon import Lexicon
        from tts.acoustic.model import AcousticModel

        files = VoiceFiles.read(default_voice_dir() if path is None else path)
        duration_model = DurationModel.load(files.path(files.duration_model))
        acoustic_model = AcousticModel.load(files.path(files.acoustic_model), spec=duration_model.spec)
        _require_speakers(files.speakers, duration_model.config.speakers, "the duration model")
        _require_speakers(files.speakers, acoustic_model.config.speakers, "the acoustic model")
        if tuple(acoustic_model.config.symbols) != tuple(duration_model.config.symbols):
            raise TTSError(f"{files.root}: the duration and acoustic models use different phoneme inventories")
        lexicon = Lexicon.load(files.path(files.lexicon)) if files.lexicon else None
        return cls(files, Frontend(lexicon=lexicon, duration_model=duration_model), acoustic_model)

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
                vocoder = load_vocoder_class(name).load(self.files.path(self.files.vocoders[name]))
                self.spec.require_same(vocoder.spec, what=f"the acoustic model and the {name!r} vocoder")
                if getattr(vocoder, "speakers", None):
                    _require_speakers(self.speakers, vocoder.speakers, f"the {name!r} vocoder")
                self._vocoders[name] = vocoder
            return self._vocoders[name]

    def synthesize(self, text, *, speaker=0, vocoder=None, speed=1.0, pitch_shift=0.0):
        """All of `text` (split into sentences) as one waveform, with its Utterances and timings."""
        chunks = list(self.stream(text, speaker=speaker, vocoder=vocoder, speed=speed, pitch_shift=pitch_shift,
                                  batch_sentences=BATCH_SENTENCES))
        timings = {stage: sum(chunk.timings[stage] for chunk in chunks) for stage in chunks[0].timings}
        utterances = tuple(u for chunk in chunks for u in chunk.utterances)
        return Synthesis(np.concatenate([chunk.audio for chunk in chunks]), self.sample_rate, utterances, timings)

    def stream(self, text, *, speaker=0, vocoder=None, speed=1.0, pitch_shift=0.0, batch_sentences=1,
               chunk_frames=None):
        """Synthesis pieces as soon as each is rendered (`text` may be an iterable of str); their
        audio joined is the whole text's, SENTENCE_GAP_SECONDS of silence opening every sentence
        but the first.

        By default one piece per sentence, carrying its Utterance (wav included).
        batch_sentences > 1 renders that many sentences together: more throughput, later first audio.
        chunk_frames: with a vocoder that streams (WaveNet, Griffin-Lim), pieces of about that
        many frames, for the lowest latency; a sentence's first piece carries its Utterance (with
        mel and f0, without wav), the others none.
        """
        # Every argument is checked before any model runs.
        speaker = self.resolve_speaker(speaker)
        vocoder = self.vocoder(vocoder)
        if not isinstance(speed, (int, float)) or not 0.25 <= speed <= 4:
            raise UsageError(f"speed must be between 0.25 and 4, got {speed!r}")
        if chunk_frames is not None and not hasattr(vocoder, "stream"):
            raise UsageError(f"vocoder {vocoder.name!r} cannot stream within a sentence; leave chunk_frames unset")
        sentences = self.frontend.sentences(text, speaker=speaker, speed=speed)
        gap = np.zeros(int(round(SENTENCE_GAP_SECONDS * self.sample_rate)), dtype=np.float32)
        opening = np.zeros(0, dtype=np.float32)  # silence before the next sentence: none before the first
        while True:
            started = time.perf_counter()
            batch = [u for _, u in zip(range(1 if chunk_frames else batch_sentences), sentences)]
            if not batch:
                return
            timings = {"frontend": time.perf_counter() - started}
            started = time.perf_counter()
            batch = self._acoustic(batch, pitch_shift)
            timings["acoustic"] = time.perf_counter() - started
            if chunk_frames:
                yield from self._pieces(vocoder, batch[0], chunk_frames, opening, timings)
            else:
                yield from self._sentences(vocoder, batch, opening, gap, timings)
            opening = gap

    def _sentences(self, vocoder, batch, opening, gap, timings):
        started = time.perf_counter()
        waves = vocoder(batch)
        timings["vocoder"] = time.perf_counter() - started
        share = {stage: seconds / len(batch) for stage, seconds in timings.items()}
        for index, (utterance, wav) in enumerate(zip(batch, waves)):
            wav = np.clip(np.asarray(wav, dtype=np.float32), -1.0, 1.0)
            audio = np.concatenate([opening if index == 0 else gap, wav])
            yield Synthesis(audio, self.sample_rate, (utterance.with_(wav=wav, sample_rate=self.sample_rate),), share)

    def _pieces(self, vocoder, utterance, chunk_frames, opening, timings):
        carried = (utterance,)
        started = time.perf_counter()
        for piece in vocoder.stream(utterance, chunk_frames=chunk_frames):
            timings["vocoder"] = time.perf_counter() - started
            audio = np.concatenate([opening, np.clip(np.asarray(piece, dtype=np.float32), -1.0, 1.0)])
            yield Synthesis(audio, self.sample_rate, carried, timings)
            carried, opening = (), opening[:0]
            timings = {"frontend": 0.0, "acoustic": 0.0}
            started = time.perf_counter()

    def _acoustic(self, utterances, pitch_shift):
        results = self.acoustic_model.synthesize_batch(
            [u.ids for u in utterances], [u.durations for u in utterances], [u.speaker for u in utterances],
            pitch_shift=pitch_shift, dtype=self.acoustic_dtype,
        )
        return [u.with_(mel=mel, f0=f0) for u, (mel, f0) in zip(utterances, results)]


def _require_speakers(expected, found, what):
    if tuple(found) != tuple(expected):
        raise TTSError(f"{what} was trained for speakers {list(found)}, but the voice's table is {list(expected)}")

