"""A tiny NSynth-layout corpus written with numpy in well under a second, no fluidsynth: for the tests
of the corpus reader and of the autoencoder.

Every note is a harmonic tone at its labelled pitch, so pitch is real; every instrument has a
timbre of its own (spectral tilt, odd harmonics or all, fast or slow decay), so timbre is real too.
"""

import librosa
import numpy as np
import soundfile

from music.nsynth.corpus import SPLITS, NoteExample, note_str, split_folder, write_examples
from music.nsynth.families import FAMILIES, Instrument

TINY_PITCHES = (48, 55, 60, 67, 72)
VELOCITY = 100
TABLE = 2048  # samples of one period of an instrument's wave


def write_tiny_nsynth(root, *, instruments=6, pitches=TINY_PITCHES, seconds=4.0, sample_rate=16000):
    """Write root/nsynth-{train,valid,test}/ (examples.json, audio/*.wav, 16-bit) and return root.

    instruments: how many (3 or more). Instruments 3j, 3j+1 and 3j+2 share family FAMILIES[j % 11]
    (source synthetic) and go to train, valid and test, so every split has every family and the
    held-out instruments never occur in train. Each plays every pitch at velocity 100 for `seconds`
    at `sample_rate` (examples.json says that rate), note-off at three quarters of the note.
    Qualities follow the construction: bright (tilt <= 1), dark (tilt >= 2), fast_decay.
    """
    if instruments < 3:
        raise ValueError(f"write_tiny_nsynth needs 3 or more instruments (one per split), got {instruments}")
    written = {split: [] for split in SPLITS}
    numbers = {}
    for index in range(instruments):
        inst = Instrument(program=index, name=f"tone {index}", family=FAMILIES[index // 3 % len(FAMILIES)],
                          source="synthetic", number=index // 3 // len(FAMILIES) * 3 + index % 3, lowest=0, highest=127)
        numbers[inst.id] = index
        split = SPLITS[index % 3]
        folder = split_folder(root, split) / "audio"
        folder.mkdir(parents=True, exist_ok=True)
        tilt, odd_only, decay = 0.5 + 0.5 * (index % 5), index % 2 == 1, (0.3, 3.0)[index // 2 % 2]
        qualities = tuple(name for name, present in
                          (("bright", tilt <= 1), ("dark", tilt >= 2), ("fast_decay", decay > 1)) if present)
        for pitch in pitches:
            audio = _tone(pitch, tilt=tilt, odd_only=odd_only, decay=decay, seconds=seconds, sample_rate=sample_rate)
            name = note_str(inst.id, pitch, VELOCITY)
            example = NoteExample(id=name, path=folder / f"{name}.wav", pitch=pitch, velocity=VELOCITY,
                                  instrument=inst.id, family=inst.family, source=inst.source, qualities=qualities)
            soundfile.write(example.path, audio, sample_rate, subtype="PCM_16")
            written[split].append(example)
    first = 0
    for split in SPLITS:
        first = write_examples(split_folder(root, split), written[split], instrument_numbers=numbers,
                               first_note=first, sample_rate=sample_rate)
    return root


def _tone(pitch, *, tilt, odd_only, decay, seconds, sample_rate):
    """One note: a period of harmonics below Nyquist (amplitude h ** -tilt) read from a table, under a
    10 ms attack, an exponential decay and a 0.1 s release after the note-off."""
    f0 = librosa.midi_to_hz(pitch)
    harmonics = np.arange(1, int(sample_rate / 2 / f0) + 1)
    harmonics = harmonics[harmonics % 2 == 1] if odd_only else harmonics
    amplitudes = harmonics.astype(float) ** -tilt
    cycle = np.linspace(0, 2 * np.pi, TABLE, endpoint=False)
    table = (amplitudes[:, None] * np.sin(harmonics[:, None] * cycle)).sum(axis=0) / amplitudes.sum()
    t = np.arange(round(seconds * sample_rate)) / sample_rate
    wave = np.interp((t * f0 % 1) * TABLE, np.arange(TABLE + 1), np.append(table, table[0]))
    off = 0.75 * seconds
    envelope = np.minimum(t / 0.01, 1) * np.exp(-decay * t) * np.where(t < off, 1, np.exp(-(t - off) / 0.1 * 5))
    return (0.5 * VELOCITY / 127 * wave * envelope).astype(np.float32)
