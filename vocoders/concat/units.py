"""Half-phone units: phoneme tokens + durations (+ F0 frames) -> half-phones with context.

The same cutting serves the database (tokens and durations from the aligner, F0 from the audio)
and the targets (tokens, durations and F0 of the utterance to speak), so the two always agree.

Tokens become phones first: stress marks come off into a stress level, the pause tokens
(, . ? !) and word separators of at least `pause_frames` frames become "pau" (consecutive pauses
merge), and shorter separators, which the aligner keeps at a frame where words run together, give
their samples to the phones on either side. Each phone then splits at its middle into a left half
(type "X.L", outer neighbour: the phone before) and a right half ("X.R", the phone after), so
selection can join units at phone middles, where the spectrum is steadiest.
"""

from dataclasses import dataclass

import numpy as np
import scipy.fft

from tts.mel import mel_numpy
from tts.pitch import frame_f0
from vocoders.concat.phonetics import PAUSE

STRESS_MARKS = {"ˈ": 1, "ˌ": 2}  # primary, secondary (frontends/ipa.py attaches them before the vowel)
PAUSE_TOKENS = (",", ".", "?", "!")
WORD_SEPARATOR = " "
HALVES = ("L", "R")


@dataclass(frozen=True)
class Phone:
    name: str  # stress stripped; "pau" for pauses
    stress: int
    start: int  # samples
    end: int


@dataclass(frozen=True)
class HalfPhones:
    """Columns of n half-phones in utterance order."""

    phone: tuple  # [n] phone names
    half: np.ndarray  # [n] int8: 0 left, 1 right
    stress: np.ndarray  # [n] int8
    prev: tuple  # [n] the phone before the half's phone ("pau" at the edges)
    next: tuple  # [n] the phone after it
    start: np.ndarray  # [n] int64 samples
    end: np.ndarray  # [n] int64 samples
    f0: np.ndarray  # [n] float32 mean Hz over the voiced frames, 0 when mostly unvoiced

    def __len__(self):
        return len(self.phone)

    @property
    def types(self):
        return [f"{phone}.{HALVES[half]}" for phone, half in zip(self.phone, self.half)]

    @property
    def outer(self):
        """The neighbour on the side of each half that is a phone boundary."""
        return [p if h == 0 else n for p, n, h in zip(self.prev, self.next, self.half)]


def phones(tokens, durations, *, hop_length, pause_frames):
    """[Phone] of a token sequence whose durations are frames of `hop_length` samples."""
    bounds = np.concatenate([[0], np.cumsum(np.asarray(durations, dtype=np.int64))]) * hop_length
    result, carry = [], None  # carry: where the next phone starts when a short separator gave it samples
    for index, token in enumerate(tokens):
        start, end = int(bounds[index]), int(bounds[index + 1])
        is_pause = token in PAUSE_TOKENS or (token == WORD_SEPARATOR and end - start >= pause_frames * hop_length)
        if token == WORD_SEPARATOR and not is_pause:
            middle = (start + end) // 2
            if result and result[-1].name != PAUSE:
                result[-1] = Phone(result[-1].name, result[-1].stress, result[-1].start, middle)
                carry = middle
            else:
                carry = start
            continue
        if carry is not None:
            start, carry = carry, None
        if end <= start:  # a token given no frames is not spoken
            continue
        if is_pause:
            if result and result[-1].name == PAUSE:
                result[-1] = Phone(PAUSE, 0, result[-1].start, end)
            else:
                result.append(Phone(PAUSE, 0, start, end))
            continue
        stress = STRESS_MARKS.get(token[:1], 0)
        result.append(Phone(token[1:] if stress else token, stress, start, end))
    if carry is not None and result:  # a trailing short separator joins the last phone
        last = result[-1]
        result[-1] = Phone(last.name, last.stress, last.start, int(bounds[-1]))
    return result


def half_phones(tokens, durations, f0=None, *, hop_length, pause_frames):
    """HalfPhones of a token sequence; `f0` ([frames] Hz, 0 unvoiced) gives their mean F0, else 0."""
    cut = phones(tokens, durations, hop_length=hop_length, pause_frames=pause_frames)
    names = [p.name for p in cut]
    before, after = [PAUSE] + names[:-1], names[1:] + [PAUSE]
    columns = {key: [] for key in ("phone", "half", "stress", "prev", "next", "start", "end")}
    for phone, prev, next_ in zip(cut, before, after):
        middle = (phone.start + phone.end) // 2
        for half, (start, end) in enumerate(((phone.start, middle), (middle, phone.end))):
            for key, value in zip(columns, (phone.name, half, phone.stress, prev, next_, start, end)):
                columns[key].append(value)
    start, end = np.asarray(columns["start"], dtype=np.int64), np.asarray(columns["end"], dtype=np.int64)
    return HalfPhones(
        phone=tuple(columns["phone"]),
        half=np.asarray(columns["half"], dtype=np.int8),
        stress=np.asarray(columns["stress"], dtype=np.int8),
        prev=tuple(columns["prev"]),
        next=tuple(columns["next"]),
        start=start,
        end=end,
        f0=mean_f0(f0, start, end, hop_length=hop_length),
    )


def mean_f0(f0, start, end, *, hop_length):
    """[n] float32: mean F0 over the voiced frames each sample range covers; 0 where under half are voiced."""
    out = np.zeros(len(start), dtype=np.float32)
    if f0 is None:
        return out
    f0 = np.asarray(f0, dtype=np.float64)
    for i, (a, b) in enumerate(zip(start, end)):
        frames = f0[a // hop_length : max(a // hop_length + 1, -(-b // hop_length))]
        voiced = frames[frames > 0]
        if len(voiced) * 2 >= len(frames) > 0:
            out[i] = voiced.mean()
    return out


@dataclass(frozen=True)
class MeasuredUnits:
    """The half-phones of one recording with what selection compares at their boundaries.

    `first` is the frame where a unit starts, `after` the frame where it ends, which is the first
    frame of the unit that followed it in the recording: so joining a unit to its own successor
    compares a frame with itself and costs nothing.
    """

    halves: HalfPhones
    f0_frames: np.ndarray  # [frames] float32 Hz of the whole recording
    mfcc_first: np.ndarray  # [n, n_mfcc] float32
    mfcc_after: np.ndarray
    energy_first: np.ndarray  # [n] float32 dB
    energy_after: np.ndarray
    f0_first: np.ndarray  # [n] float32 Hz, 0 unvoiced
    f0_after: np.ndarray


def measure_units(wav, tokens, durations, *, spec, config):
    """MeasuredUnits of a recording ([n_frames * hop] samples at spec.sample_rate) and its alignment."""
    log_mel = mel_numpy(wav, spec)  # [frames, n_mels]
    n_frames = len(log_mel)
    f0 = frame_f0(wav, spec, f0_floor=config.f0_floor, f0_ceil=config.f0_ceil)  # one value per mel frame
    halves = half_phones(tokens, durations, f0, hop_length=spec.hop_length, pause_frames=config.pause_frames)
    mfcc = scipy.fft.dct(log_mel, type=2, norm="ortho", axis=1)[:, 1 : config.n_mfcc + 1]
    frames = wav[: n_frames * spec.hop_length].reshape(n_frames, spec.hop_length).astype(np.float64)
    energy = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-10)
    first = np.clip(halves.start // spec.hop_length, 0, n_frames - 1)
    after = np.clip(halves.end // spec.hop_length, 0, n_frames - 1)
    return MeasuredUnits(
        halves=halves,
        f0_frames=f0,
        mfcc_first=mfcc[first].astype(np.float32),
        mfcc_after=mfcc[after].astype(np.float32),
        energy_first=energy[first].astype(np.float32),
        energy_after=energy[after].astype(np.float32),
        f0_first=f0[first],
        f0_after=f0[after],
    )
