"""A filter fed a waveform in chunks: `feed(chunk)` returns the output that chunk completes,
`finish()` the rest, so that the whole output has as many samples as were fed. Post-filters built
this way (tts.mel_match, tts.pitch_comb) stream behind a vocoder and give the same output in one pass."""

import numpy as np


class ChunkedFilter:
    """What a subclass's `feed` and `finish` give, as a stream or all at once."""

    def stream(self, chunks):
        """Yields the output of waveform chunks as each completes it, then the rest."""
        for chunk in chunks:
            yield self.feed(chunk)
        yield self.finish()

    def whole(self, wav):
        """The output of all of `wav` at once."""
        return np.concatenate(list(self.stream([wav])))
