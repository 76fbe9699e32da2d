"""The concatenative vocoder: phonemes + durations + F0 + speaker -> units of one speaker's recordings.

`needs` names all four, as the unit-selection contract: the durations and F0 are the prosody the
units are chosen (and, with TD-PSOLA, bent) to meet. `render` called directly on an utterance
without F0 still works: the F0 terms of the target cost are skipped and no F0 is imposed.
The speaker is an index into the voice's speaker table (which the database keeps), or an
{index: weight} mix, of which the heaviest speaker speaks (units cannot be mixed); only speakers
whose units are in the database can speak.
"""

import warnings

import numpy as np

from tts.errors import TTSError
from vocoders.base import Vocoder
from vocoders.concat.database import load_database
from vocoders.concat.join import concatenate
from vocoders.concat.psola import td_psola
from vocoders.concat.select import select_units
from vocoders.concat.units import half_phones


class BackoffWarning(UserWarning):
    """Some target unit types were missing from the database and stood in for by others."""


class ConcatVocoder(Vocoder):
    name = "concat"
    needs = ("phonemes", "durations", "f0", "speaker")

    def __init__(self, database, config=None):
        super().__init__(database.spec)
        self.speakers = tuple(database.speakers)
        self.database = database
        self.config = config or database.synthesis

    @classmethod
    def load(cls, path):
        """From a unit database directory written by `tts build-units`."""
        return cls(load_database(path))

    def render(self, utterances):
        return [self.synthesize(utterance)[0] for utterance in utterances]

    def synthesize(self, utterance):
        """(float32 waveform, Selection) of one utterance; missing unit types are warned about."""
        spec, database, config = self.spec, self.database, self.config
        speaker = self.speaker_index(utterance.speaker)
        durations = np.asarray(utterance.durations, dtype=np.int64)
        if durations.shape != (len(utterance.phonemes),) or (durations < 0).any():
            raise TTSError(
                f"{len(utterance.phonemes)} phonemes need as many durations of >= 0 frames, got shape "
                f"{durations.shape}" + (f" with minimum {durations.min()}" if durations.size else "")
            )
        n_samples = int(durations.sum()) * spec.hop_length
        targets = half_phones(
            utterance.phonemes, durations, utterance.f0, hop_length=spec.hop_length, pause_frames=database.config.pause_frames
        )
        selection = select_units(database, targets, speaker, config, use_f0=utterance.f0 is not None)
        if selection.backoffs:
            warnings.warn(
                f"concat: unit types missing from the database, backed off: {', '.join(map(str, selection.backoffs))}",
                BackoffWarning,
                stacklevel=2,
            )
        if not len(selection.units):  # nothing but short separators: silence of the asked length
            return np.zeros(n_samples, dtype=np.float32), selection
        units = database.units
        pieces = [(int(units["utterance"][u]), int(units["start"][u]), int(units["end"][u])) for u in selection.units]
        sources = {key: database.wav(key) for key, _, _ in pieces}
        joined = concatenate(pieces, sources, fade=self._samples(config.fade_ms), search=self._samples(config.search_ms))
        if not config.psola_duration:
            return joined.wav, selection
        target_f0 = None
        if config.psola_f0 and utterance.f0 is not None:
            target_f0 = np.repeat(np.asarray(utterance.f0, dtype=np.float64), spec.hop_length)
            target_f0 = np.pad(target_f0, (0, max(0, n_samples - len(target_f0))))[:n_samples]
        wav = td_psola(
            joined.wav,
            self._source_f0(pieces, joined),
            source_bounds=joined.starts,
            target_bounds=np.append(targets.start, targets.end[-1]),
            sample_rate=spec.sample_rate,
            unvoiced_period=spec.hop_length // 2,
            target_f0=target_f0,
        )
        return wav, selection

    def speaker_index(self, speaker):
        """The database speaker an utterance's `speaker` names; a clear error listing them otherwise."""
        if isinstance(speaker, dict) and speaker:
            speaker = max(speaker, key=speaker.get)
        speakers, with_units = self.database.speakers, self.database.speakers_with_units
        if isinstance(speaker, (int, np.integer)) and not isinstance(speaker, bool) and speaker in with_units:
            return int(speaker)
        valid = ", ".join(f"{index} ({speakers[index]})" for index in with_units)
        raise TTSError(f"speaker {speaker!r} has no units in the unit database; speakers with units: {valid}")

    def _source_f0(self, pieces, joined):
        """[samples] F0 of the concatenation, read from each piece's recording at frame rate."""
        hop = self.spec.hop_length
        f0 = np.zeros(len(joined.wav))
        for (key, _, end), source, start, stop in zip(pieces, joined.sources, joined.starts[:-1], joined.starts[1:]):
            frames = self.database.frame_f0(key)
            f0[start:stop] = frames[np.clip(np.arange(source, end) // hop, 0, len(frames) - 1)]
        return f0

    def _samples(self, ms):
        return int(round(ms * self.spec.sample_rate / 1000))
