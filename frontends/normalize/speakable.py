"""The last filter: only letters, spaces and kept punctuation reach the G2P.

Whatever an earlier pass could not verbalize (a stray "*", "|", "μ", a leftover digit) is dropped
here and reported, so nothing vanishes silently.
"""

import re
from functools import partial

from frontends.normalize.punctuation import KEPT_PUNCTUATION
from frontends.normalize.unicode import LATIN_LETTERS, replace_unspeakable

_UNSPEAKABLE_RUN = re.compile(f"[^A-Za-z{LATIN_LETTERS} {re.escape(KEPT_PUNCTUATION)}]+")
_LETTER = re.compile(f"[A-Za-z{LATIN_LETTERS}]")


def drop_unspeakable(text, report):
    return _UNSPEAKABLE_RUN.sub(partial(replace_unspeakable, report), text)


def has_words(text):
    return _LETTER.search(text) is not None
