"""The normalizer that word error rates are scored with: the frontend's, so that "$5" in a text and
"five dollars" in a transcript count as the same words (tts.metrics.intelligibility takes it as an
argument, since core metrics import no stage)."""

from frontends.normalize import normalize


def spoken_text(text):
    """`text` with numbers, dates, money and symbols spelled out as the voice would say them."""
    return normalize(text).text
