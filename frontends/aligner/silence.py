"""Which frames are too loud to be a pause: the aligner's soft alignment blurs level, and on the
bootstrap corpus it handed the last 50 ms of loud sentence-final vowels to the pause after them.

A frame counts as speech when its mel level is within `below_peak_db` of the utterance's loudest
frame and more than `above_floor_db` over its quietest stretch (the 5th percentile), so a noisy
recording, whose pauses are not far below its speech, keeps its pauses.
"""

import numpy as np

from tts.features import LOG_BASES

BELOW_PEAK_DB = 30.0
ABOVE_FLOOR_DB = 10.0
FLOOR_PERCENTILE = 5


def speech_frames(log_mel, spec, *, below_peak_db=BELOW_PEAK_DB, above_floor_db=ABOVE_FLOOR_DB):
    """[frames] bool from a log-mel [frames, n_mels] under FeatureSpec `spec`."""
    magnitude = np.power(LOG_BASES[spec.log_base], np.asarray(log_mel, dtype=np.float64)).sum(axis=1)
    level = 20 * np.log10(np.maximum(magnitude, 1e-30))
    threshold = max(level.max() - below_peak_db, np.percentile(level, FLOOR_PERCENTILE) + above_floor_db)
    return level > threshold
