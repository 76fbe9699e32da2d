"""An NSynth-layout note corpus rendered from the General MIDI soundfont with fluidsynth, for when the
real dataset (30 GB, not reachable here) is not at hand: `tts nsynth bootstrap`.

Each chosen GM program is one instrument (music.nsynth.families) and one fluidsynth run over a MIDI
file of all its notes, each in its own 4-second slot: note on at the slot's start, note off at 3 s
(NSynth's note-off), then a second of release; an all-sound-off at the slot's end keeps a long tail
from bleeding into the next note. The render is cut into the slots. Reverb and chorus sends are
zero, so the soundfont's samples come out as dry as it holds them.

A note outside the range a player of the real instrument covers is never rendered; one that renders
(near) silent is skipped; both are counted. Whole instruments are held out, as in NSynth: per family,
`held_out_per_family` to valid and as many to test (the autoencoder's figures are measured on test),
always leaving one or more to train.

Qualities come from the audio where it can tell them honestly, from the instrument where it cannot,
and stay off otherwise (multiphonic, nonlinear_env, reverb, tempo-synced: nothing here makes them):
- fast_decay: the envelope (50 ms RMS) has fallen 40 dB below its peak by the note-off at 3 s;
- long_release: the last 250 ms are still within 45 dB of the peak;
- percussive: a noisy onset: the spectral flatness of the 50 ms after the onset is 0.03 or more and
  three times that of the steady part (0.2-0.5 s), as with a harpsichord's pluck or a steel string;
- bright / dark: the spectral centroid of the first 2.5 s, in harmonics of the labelled pitch: 6 or
  more is bright (upper harmonics dominate), 2 or less dark (mostly the fundamental);
- distortion: the overdriven and distortion guitars and the charang lead (families.DISTORTED).
The thresholds were set from the envelopes and spectra of the default instruments at C3, C4 and C5:
marimba and celesta decay fast, a piano does not; church organ, choir and synth strings ring on.
"""

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import librosa
import mido
import numpy as np
import soundfile

from music.nsynth.corpus import (
    NOTE_OFF_SECONDS,
    NOTE_SECONDS,
    SAMPLE_RATE,
    SPLITS,
    NoteExample,
    note_str,
    split_folder,
    write_examples,
)
from music.nsynth.families import DISTORTED, INSTRUMENTS, instrument
from music.render import render_midi
from tts.atomic import current_umask
from tts.audio import load
from tts.errors import TTSError

# every GM program of an NSynth family (94): per family one to valid, one to test, the rest (72) to
# train, so the autoencoder hears as many timbres as the soundfont holds
DEFAULT_PROGRAMS = tuple(sorted(INSTRUMENTS))
DEFAULT_PITCHES = tuple(range(36, 85, 2))
DEFAULT_VELOCITIES = (100,)
HELD_OUT_PER_FAMILY = 1
# --small: two families of three instruments (one each to train, valid, test), five pitches: 28 notes
SMALL_PROGRAMS = (0, 4, 6, 40, 41, 42)
SMALL_PITCHES = tuple(range(48, 73, 6))

TICKS_PER_BEAT = 480
BEAT_SECONDS = 0.5  # tempo 120
SILENT_PEAK = 1e-3  # -60 dBFS: a note quieter than this at its loudest rendered as (near) silence


@dataclass(frozen=True)
class Summary:
    notes: dict  # split: notes written
    instruments: dict  # split: [instrument_str]
    families: tuple  # those with notes
    skipped: dict  # why: notes
    seconds: float

    def lines(self):
        rows = [f"{split}: {self.notes[split]} notes of {len(self.instruments[split])} instruments" for split in SPLITS]
        rows.append(f"families ({len(self.families)}): {', '.join(self.families)}")
        rows.append("skipped: " + (", ".join(f"{n} {why}" for why, n in self.skipped.items() if n) or "none"))
        return rows + [f"rendered in {self.seconds:.0f} s"]


def bootstrap_nsynth(out_dir, *, programs=None, pitches=DEFAULT_PITCHES, velocities=DEFAULT_VELOCITIES,
                     held_out_per_family=HELD_OUT_PER_FAMILY, progress=True):
    """Render an NSynth-layout corpus into `out_dir` (absent or empty), all or nothing; returns its Summary.
    programs: GM programs (default DEFAULT_PROGRAMS), each of an NSynth family."""
    from tqdm import tqdm

    started = time.perf_counter()
    out = Path(out_dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise TTSError(f"{out} already exists and is not empty; choose another --out")
    instruments = _instruments(DEFAULT_PROGRAMS if programs is None else programs)
    notes = _notes(pitches, velocities)
    splits = held_out_splits(instruments, held_out_per_family)
    skipped = {"outside the instrument's range": 0, "silent": 0}
    written = {split: [] for split in SPLITS}
    staging = _staging(out)
    try:
        with tempfile.TemporaryDirectory(prefix="nsynth-render-") as work:
            for inst in tqdm(instruments, desc="rendering instruments", unit="instrument", disable=not progress):
                split = splits[inst.id]
                written[split] += _render_instrument(inst, notes, split_folder(staging, split), Path(work), skipped)
        numbers = {inst.id: inst.program for inst in instruments}
        first = 0
        for split in SPLITS:
            split_folder(staging, split).mkdir(exist_ok=True)
            first = write_examples(split_folder(staging, split), written[split], instrument_numbers=numbers,
                                   first_note=first)
        if out.is_dir():
            out.rmdir()  # empty, checked above
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Summary(
        notes={split: len(written[split]) for split in SPLITS},
        instruments={split: sorted({e.instrument for e in written[split]}) for split in SPLITS},
        families=tuple(sorted({e.family for split in SPLITS for e in written[split]})),
        skipped=skipped, seconds=time.perf_counter() - started,
    )


def held_out_splits(instruments, per_family):
    """{instrument_str: split}. Per family, in program order, `per_family` instruments go to valid and
    as many to test, alternating, spread evenly over the family; the first always trains, and a
    family too small to keep one instrument in train holds out fewer (one of 1 or 2: none)."""
    if per_family < 0:
        raise TTSError(f"held_out_per_family must be >= 0, got {per_family}")
    families = {}
    for inst in sorted(instruments, key=lambda i: i.program):
        families.setdefault(inst.family, []).append(inst)
    splits = {}
    for members in families.values():
        held = min(per_family, (len(members) - 1) // 2)
        slots = {(i + 1) * len(members) // (2 * held + 1): SPLITS[1 + i % 2] for i in range(2 * held)}
        splits.update({inst.id: slots.get(index, "train") for index, inst in enumerate(members)})
    return splits


def qualities(audio, *, pitch, distorted=False, sample_rate=SAMPLE_RATE):
    """The NSynth qualities a rendered note shows (see the module's docstring for how each is told)."""
    envelope = _envelope_db(audio, sample_rate=sample_rate)
    peak = envelope.max()
    per_second = len(envelope) / (len(audio) / sample_rate)

    def level(start, end):  # dB below the peak over [start, end) seconds
        return envelope[int(start * per_second):int(end * per_second)].mean() - peak

    onset = int(np.argmax(np.abs(audio) >= 0.01 * np.abs(audio).max()))
    attack = _flatness(audio[onset:onset + int(0.05 * sample_rate)])
    steady = _flatness(audio[int(0.2 * sample_rate):int(0.5 * sample_rate)])
    harmonics = _centroid(audio[:int(2.5 * sample_rate)], sample_rate=sample_rate) / librosa.midi_to_hz(pitch)
    found = {
        "bright": harmonics >= 6, "dark": harmonics <= 2, "distortion": distorted,
        "fast_decay": level(NOTE_OFF_SECONDS - 0.2, NOTE_OFF_SECONDS) <= -40,
        "long_release": level(NOTE_SECONDS - 0.25, NOTE_SECONDS) >= -45,
        "percussive": attack >= 0.03 and attack >= 3 * steady,
    }
    return tuple(name for name, present in found.items() if present)


def _instruments(programs):
    chosen = []
    for program in dict.fromkeys(programs):
        inst = instrument(program)
        if inst is None:
            raise TTSError(f"GM program {program} has no NSynth family (synth pads, effects, percussion and sound "
                           "effects have none); see music/nsynth/families.py")
        chosen.append(inst)
    if not chosen:
        raise TTSError("no programs to render; give one or more General MIDI programs")
    return chosen


def _notes(pitches, velocities):
    if not pitches or not all(0 <= p <= 127 for p in pitches):
        raise TTSError(f"pitches must be MIDI notes 0-127, got {list(pitches)}")
    if not velocities or not all(1 <= v <= 127 for v in velocities):
        raise TTSError(f"velocities must be 1-127 (0 is a note-off), got {list(velocities)}")
    return [(p, v) for p in sorted(set(pitches)) for v in sorted(set(velocities))]


def _staging(out):
    """A hidden folder beside `out` (same file system, so the final rename is atomic)."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    except OSError as error:
        raise TTSError(f"cannot write beside {out}: {error.strerror}") from None
    staging.chmod(0o777 & ~current_umask())  # mkdtemp makes 0700; the corpus root gets a folder's usual mode
    return staging


def _render_instrument(inst, notes, folder, work, skipped):
    """The NoteExamples of `inst` playing `notes`, their wavs written to folder/audio/; counts the
    notes it skips into `skipped`."""
    playable = [(pitch, velocity) for pitch, velocity in notes if inst.lowest <= pitch <= inst.highest]
    skipped["outside the instrument's range"] += len(notes) - len(playable)
    if not playable:
        return []
    (folder / "audio").mkdir(parents=True, exist_ok=True)
    examples = []
    for (pitch, velocity), audio in zip(playable, _render(inst.program, playable, work)):
        if np.abs(audio).max() < SILENT_PEAK:
            skipped["silent"] += 1
            continue
        name = note_str(inst.id, pitch, velocity)
        examples.append(NoteExample(
            id=name, path=folder / "audio" / f"{name}.wav", pitch=pitch, velocity=velocity, instrument=inst.id,
            family=inst.family, source=inst.source,
            qualities=qualities(audio, pitch=pitch, distorted=inst.program in DISTORTED),
        ))
        soundfile.write(examples[-1].path, audio, SAMPLE_RATE, subtype="PCM_16")
    return examples


def _render(program, notes, work):
    """[float32 mono audio of NOTE_SECONDS at SAMPLE_RATE] of `notes` [(pitch, velocity)] on `program`."""
    slot = round(NOTE_SECONDS / BEAT_SECONDS * TICKS_PER_BEAT)
    held = round(NOTE_OFF_SECONDS / BEAT_SECONDS * TICKS_PER_BEAT)
    track = mido.MidiTrack([
        mido.MetaMessage("set_tempo", tempo=round(BEAT_SECONDS * 1e6)),
        mido.Message("program_change", program=program),
        mido.Message("control_change", control=91, value=0),  # reverb send
        mido.Message("control_change", control=93, value=0),  # chorus send
    ])
    for pitch, velocity in notes:
        track.append(mido.Message("note_on", note=pitch, velocity=velocity))
        track.append(mido.Message("note_off", note=pitch, time=held))
        track.append(mido.Message("control_change", control=120, value=0, time=slot - held))  # all sound off
    midi = mido.MidiFile(ticks_per_beat=TICKS_PER_BEAT)
    midi.tracks.append(track)
    midi.save(str(work / f"{program}.mid"))
    audio, _ = load(render_midi(work / f"{program}.mid", work / f"{program}.wav", sample_rate=SAMPLE_RATE), mono=True)
    length = round(NOTE_SECONDS * SAMPLE_RATE)
    audio = np.pad(audio, (0, max(length * len(notes) - len(audio), 0)))
    return [audio[i * length:(i + 1) * length] for i in range(len(notes))]


def _envelope_db(audio, *, sample_rate, hop_seconds=0.01, window_hops=5):
    """RMS level in dB every 10 ms, over 50 ms windows."""
    hop = round(hop_seconds * sample_rate)
    power = np.square(audio[:len(audio) // hop * hop].astype(np.float64)).reshape(-1, hop).mean(axis=1)
    smooth = np.convolve(power, np.ones(window_hops) / window_hops, mode="same")
    return 10 * np.log10(smooth + 1e-12)


def _frames_spectrum(audio, n_fft):
    frames = [audio[i:i + n_fft] for i in range(0, len(audio) - n_fft + 1, n_fft // 2)]
    return np.abs(np.fft.rfft(np.asarray(frames) * np.hanning(n_fft), axis=1))


def _flatness(audio, n_fft=512):
    """Mean spectral flatness (geometric over arithmetic mean of the power): 1 for noise, ~0 for tones."""
    power = _frames_spectrum(audio, n_fft) ** 2 + 1e-10
    return float(np.mean(np.exp(np.log(power).mean(axis=1)) / power.mean(axis=1)))


def _centroid(audio, *, sample_rate, n_fft=2048):
    """Spectral centroid in Hz of the mean magnitude spectrum."""
    spectrum = _frames_spectrum(audio, n_fft).mean(axis=0)
    return float((np.fft.rfftfreq(n_fft, 1 / sample_rate) * spectrum).sum() / (spectrum.sum() + 1e-12))
