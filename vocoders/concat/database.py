"""The unit database: every half-phone of a speaker's training utterances, measured, with its audio.

A directory of three files, each written atomically, the JSON last so that it names a complete set:

    units.json          format, FeatureSpec, unit and synthesis settings, speakers, utterance ids,
                        phone names, held-out ids, unit and sample counts
    units.safetensors   one array per unit column (utterance, start, end, phone, half, stress, prev,
                        next, f0, boundary MFCC / F0 / energy), each utterance's speaker, the
                        utterances' frame F0 back to back, and where each one's audio and F0 start
    audio.flac          every utterance back to back, 16-bit at the spec's sample rate

Units are kept in corpus order, so unit i + 1 of the same utterance is the one that followed unit i
in the recording: selection uses that to favour stretches of natural speech. Units are looked up
through an index by (speaker, unit type) built when the database is loaded.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import safetensors
import safetensors.numpy
import soundfile

from tts import audio as audio_io
from tts.atomic import atomic_path, write_text_atomic
from tts.config import config_from_dict, config_to_dict
from tts.errors import CorruptCheckpointError, TTSError
from tts.feature_cache import INT16_SCALE, cached_audio, load_cached_audio
from tts.features import FeatureSpec
from vocoders.concat.config import SynthesisConfig, UnitConfig
from vocoders.concat.units import HALVES, measure_units

FORMAT = 1
META_FILE, ARRAYS_FILE, AUDIO_FILE = "units.json", "units.safetensors", "audio.flac"


@dataclass(frozen=True)
class AlignedUtterance:
    """One training utterance: its audio and the aligner's tokens and frames (of the database's spec)."""

    id: str
    speaker: str
    path: Path
    phonemes: tuple
    durations: np.ndarray


@dataclass
class UnitDatabase:
    spec: FeatureSpec
    config: UnitConfig
    synthesis: SynthesisConfig  # the defaults the vocoder synthesizes with
    speakers: tuple  # speaker ids; utterance_speaker indexes them
    utterances: tuple  # utterance ids
    utterance_speaker: np.ndarray  # [n_utterances] int64
    phones: tuple  # phone names; the phone, prev and next columns index them
    units: dict  # column -> [n_units, ...] array
    audio: np.ndarray  # [samples] int16, the utterances back to back
    audio_offsets: np.ndarray  # [n_utterances + 1] int64
    f0: np.ndarray  # [frames] float32 Hz, the utterances' frame F0 back to back
    f0_offsets: np.ndarray  # [n_utterances + 1] int64
    held_out: tuple = ()  # ids of the utterances kept out of the database
    index: dict = field(init=False, repr=False)  # (speaker, type) -> unit ids

    def __post_init__(self):
        speaker = self.utterance_speaker[self.units["utterance"]]
        key = (speaker * len(self.phones) + self.units["phone"].astype(np.int64)) * len(HALVES) + self.units["half"]
        order = np.argsort(key, kind="stable")  # stable: each type's units stay in corpus order
        keys, starts = np.unique(key[order], return_index=True)
        stops = np.append(starts[1:], len(order))
        self.index = {}
        for value, start, stop in zip(keys.tolist(), starts, stops):
            rest, half = divmod(value, len(HALVES))
            speaker_index, phone = divmod(rest, len(self.phones))
            self.index[(speaker_index, f"{self.phones[phone]}.{HALVES[half]}")] = order[start:stop]

    def __len__(self):
        return len(self.units["utterance"])

    def units_of(self, speaker, unit_type):
        """Unit ids of one type for one speaker, in corpus order; empty if the speaker has none."""
        return self.index.get((speaker, unit_type), np.zeros(0, dtype=np.int64))

    @property
    def speakers_with_units(self):
        """Indices of the speakers that have units."""
        return sorted({speaker for speaker, _ in self.index})

    def type_counts(self, speaker):
        """{unit type: number of units} of one speaker."""
        return {unit_type: len(ids) for (owner, unit_type), ids in self.index.items() if owner == speaker}

    def wav(self, utterance):
        """float32 [samples] of one utterance."""
        start, stop = self.audio_offsets[utterance], self.audio_offsets[utterance + 1]
        return self.audio[start:stop].astype(np.float32) / INT16_SCALE

    def frame_f0(self, utterance):
        return self.f0[self.f0_offsets[utterance] : self.f0_offsets[utterance + 1]]

    def save(self, directory):
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        with atomic_path(directory / AUDIO_FILE) as tmp:
            soundfile.write(str(tmp), self.audio, self.spec.sample_rate, subtype="PCM_16", format="FLAC")
        arrays = {f"unit.{name}": np.ascontiguousarray(column) for name, column in self.units.items()}
        arrays.update(
            utterance_speaker=self.utterance_speaker, audio_offsets=self.audio_offsets, f0=self.f0, f0_offsets=self.f0_offsets
        )
        with atomic_path(directory / ARRAYS_FILE) as tmp:
            safetensors.numpy.save_file(arrays, str(tmp))
        meta = {
            "format": FORMAT,
            "spec": self.spec.to_dict(),
            "units": config_to_dict(self.config),
            "synthesis": config_to_dict(self.synthesis),
            "speakers": list(self.speakers),
            "utterances": list(self.utterances),
            "phones": list(self.phones),
            "held_out": list(self.held_out),
            "n_units": len(self),
            "n_samples": len(self.audio),
        }
        write_text_atomic(directory / META_FILE, json.dumps(meta, ensure_ascii=False, indent=1) + "\n")


def build_database(
    utterances, *, spec, speakers=None, config=UnitConfig(), synthesis=SynthesisConfig(), audio_cache=None, held_out=()
):
    """A UnitDatabase of `utterances` (AlignedUtterances) and {id: reason} for those left out.

    `speakers` is the voice's speaker table (ids in index order; default: the utterances' speakers,
    sorted), so an utterance's speaker index means the same here as everywhere else in the voice,
    even when the units come from only some of them.

    Audio is read at the spec's rate, through `audio_cache` (a tts.feature_cache audio folder) when
    given, so the samples are those the aligner saw. An utterance whose audio is more than a frame
    longer or shorter than its durations is left out: its units would be cut in the wrong places.
    """
    speakers = tuple(speakers or sorted({u.speaker for u in utterances}))
    strangers = sorted({u.speaker for u in utterances} - set(speakers))
    if strangers:
        raise TTSError(f"speakers {strangers} are not in the speaker table {list(speakers)}")
    kept, skipped, measured, clips, owners = [], {}, [], [], []
    for utterance in utterances:
        wav = _read_audio(utterance, spec.sample_rate, audio_cache)
        n_frames = int(np.sum(utterance.durations))
        if abs(spec.n_frames(len(wav)) - n_frames) > 1:
            skipped[utterance.id] = f"audio has {spec.n_frames(len(wav))} frames, durations {n_frames}"
            continue
        wav = np.pad(wav, (0, max(0, n_frames * spec.hop_length - len(wav))))[: n_frames * spec.hop_length]
        measured.append(measure_units(wav, utterance.phonemes, utterance.durations, spec=spec, config=config))
        clips.append(np.clip(np.round(wav * INT16_SCALE), -INT16_SCALE, INT16_SCALE - 1).astype(np.int16))
        owners.append(speakers.index(utterance.speaker))
        kept.append(utterance.id)
    if not kept:
        raise TTSError("no utterance to build units from" + (f" ({len(skipped)} left out)" if skipped else ""))
    phones = tuple(sorted({p for m in measured for p in m.halves.phone + m.halves.prev + m.halves.next}))
    units = _unit_columns(measured, phones)
    database = UnitDatabase(
        spec=spec,
        config=config,
        synthesis=synthesis,
        speakers=speakers,
        utterances=tuple(kept),
        utterance_speaker=np.asarray(owners, dtype=np.int64),
        phones=phones,
        units=units,
        audio=np.concatenate(clips),
        audio_offsets=_offsets(clips),
        f0=np.concatenate([m.f0_frames for m in measured]),
        f0_offsets=_offsets([m.f0_frames for m in measured]),
        held_out=tuple(held_out),
    )
    return database, skipped


def _unit_columns(measured, phones):
    code = {phone: index for index, phone in enumerate(phones)}
    halves = [m.halves for m in measured]

    def joined(name):
        return np.concatenate([getattr(m, name) for m in measured])

    def coded(name):
        return np.asarray([code[p] for h in halves for p in getattr(h, name)], dtype=np.int16)

    units = {
        "utterance": np.concatenate([np.full(len(h), i, dtype=np.int32) for i, h in enumerate(halves)]),
        "start": np.concatenate([h.start for h in halves]),
        "end": np.concatenate([h.end for h in halves]),
        "phone": coded("phone"),
        "prev": coded("prev"),
        "next": coded("next"),
        "half": np.concatenate([h.half for h in halves]),
        "stress": np.concatenate([h.stress for h in halves]),
        "f0": np.concatenate([h.f0 for h in halves]),
    }
    for name in ("energy_first", "energy_after", "f0_first", "f0_after"):
        units[name] = joined(name)
    # every coefficient divided by its corpus std, so each counts alike in the join cost
    mfcc_first, mfcc_after = joined("mfcc_first"), joined("mfcc_after")
    scale = np.maximum(np.concatenate([mfcc_first, mfcc_after]).std(axis=0), 1e-6)
    units["mfcc_first"], units["mfcc_after"] = mfcc_first / scale, mfcc_after / scale
    return units


def _read_audio(utterance, sample_rate, audio_cache):
    if audio_cache is None:
        return audio_io.load(utterance.path, sample_rate=sample_rate)[0]
    cached = Path(audio_cache) / f"{utterance.id}.npy"
    cached_audio(utterance.path, cached, sample_rate)
    return load_cached_audio(cached)


def _offsets(arrays):
    return np.concatenate([[0], np.cumsum([len(a) for a in arrays])]).astype(np.int64)


def load_database(directory):
    """A UnitDatabase from a directory written by `save`; a clear error for anything else."""
    directory = Path(directory)
    meta_path = directory / META_FILE
    if not meta_path.is_file():
        raise TTSError(f"{directory}: not a unit database (no {META_FILE}); build one with `tts build-units`")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise CorruptCheckpointError(f"{meta_path}: unit database format {meta.get('format')!r}, expected {FORMAT}")
        arrays = safetensors.numpy.load_file(str(directory / ARRAYS_FILE))
        audio, rate = soundfile.read(str(directory / AUDIO_FILE), dtype="int16")
        spec = FeatureSpec.from_dict(meta["spec"])
        units = {name[len("unit."):]: array for name, array in arrays.items() if name.startswith("unit.")}
        database = UnitDatabase(
            spec=spec,
            config=config_from_dict(UnitConfig, meta["units"]),
            synthesis=config_from_dict(SynthesisConfig, meta["synthesis"]),
            speakers=tuple(meta["speakers"]),
            utterances=tuple(meta["utterances"]),
            utterance_speaker=arrays["utterance_speaker"],
            phones=tuple(meta["phones"]),
            units=units,
            audio=audio,
            audio_offsets=arrays["audio_offsets"],
            f0=arrays["f0"],
            f0_offsets=arrays["f0_offsets"],
            held_out=tuple(meta["held_out"]),
        )
    except (OSError, ValueError, KeyError, TypeError, safetensors.SafetensorError, soundfile.LibsndfileError) as error:
        raise CorruptCheckpointError(f"{directory}: corrupt unit database ({type(error).__name__}: {error})") from None
    if rate != spec.sample_rate or len(audio) != meta["n_samples"] or len(database) != meta["n_units"]:
        raise CorruptCheckpointError(
            f"{directory}: corrupt unit database ({len(audio)} samples at {rate} Hz and {len(database)} units; "
            f"{META_FILE} says {meta['n_samples']} at {spec.sample_rate} Hz and {meta['n_units']})"
        )
    return database
