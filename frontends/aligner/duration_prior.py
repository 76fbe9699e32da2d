"""Phoneme length priors learned from a first alignment, for the duration-informed search
(segmental.py): per speaker and phoneme, the mean and spread of log frames.

    prior = DurationPrior.fit(speakers, phoneme_lists, duration_lists, optional_lists)
    mean, std = prior.for_tokens("p229", phonemes)
"""

from dataclasses import dataclass

import numpy as np

MIN_COUNT = 5  # a phoneme a speaker says fewer times gets that speaker's all-phoneme figures
MIN_STD = 0.2  # log frames: no prior narrower than about +-20 %, however regular the first pass was


@dataclass(frozen=True)
class DurationPrior:
    stats: dict  # (speaker, phoneme) -> (mean, std) of log frames; (speaker, None) over all phonemes

    @classmethod
    def fit(cls, speakers, phoneme_lists, duration_lists, optional_lists):
        """From aligned utterances: the frames of every phoneme (optional tokens left out)."""
        logs = {}
        for speaker, phonemes, durations, optional in zip(speakers, phoneme_lists, duration_lists, optional_lists):
            for phoneme, frames, skip in zip(phonemes, durations, optional):
                if not skip and frames > 0:
                    for key in ((speaker, phoneme), (speaker, None)):
                        logs.setdefault(key, []).append(np.log(frames))
        stats = {
            key: (float(np.mean(values)), max(float(np.std(values)), MIN_STD))
            for key, values in logs.items()
            if len(values) >= MIN_COUNT or key[1] is None
        }
        return cls(stats)

    def for_tokens(self, speaker, phonemes):
        """(mean, std) arrays [tokens] of log frames for one utterance's tokens; a phoneme without
        figures of its own gets the speaker's, and an unknown speaker 1 frame, std 1."""
        fallback = self.stats.get((speaker, None), (0.0, 1.0))
        figures = np.array([self.stats.get((speaker, phoneme), fallback) for phoneme in phonemes]).reshape(-1, 2)
        return figures[:, 0], figures[:, 1]
