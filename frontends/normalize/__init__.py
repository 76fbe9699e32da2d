"""English text normalization: text in, the words a speaker would say out, and a report of anything
that could not be spoken. See normalizer.py for the order of the passes."""

from frontends.normalize.normalizer import NormalizedText, check_date_order, normalize
from frontends.normalize.punctuation import KEPT_PUNCTUATION
from frontends.normalize.report import Report

__all__ = ["KEPT_PUNCTUATION", "NormalizedText", "Report", "check_date_order", "normalize"]
