"""Sanitizing: any str in, plain text out, never an exception.

What happens to each kind of character:
- Control characters (NUL, ESC, DEL, C1) and terminal escape sequences ("\\x1b[31m") become a space
  and are recorded as *dropped* (see controls.py). Invisible formatting marks (BOM, zero-width space,
  ZWNJ, soft hyphen, bidi marks and embeddings) and lone surrogates are removed without a trace in
  the text and recorded as *sanitized*. Tabs, CR/LF and other whitespace become single spaces.
- NFKC folds compatibility forms (full-width digits, ligatures, "…", "™", "℃"); superscript ² ³ and
  vulgar fractions are rewritten first so that "m²" and "1½" keep their meaning.
- Curly quotes, guillemets and the odd hyphens and minus signs become ASCII.
- Latin letters (with diacritics: café, naïve), ASCII and the symbols a later pass speaks are kept.
  Everything else (emoji, other scripts, stray marks) is *dropped* and reported as whole clusters:
  a ZWJ family emoji, a flag or a letter with its combining marks counts once.
"""

import re
import unicodedata
from functools import partial

from frontends.normalize.controls import drop_controls

LATIN_LETTERS = "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
# Non-ASCII symbols that some pass verbalizes (money, units, maths); left over, they are dropped later.
SPEAKABLE_SYMBOLS = "£€¥₹¢°′×÷±§¶©®≤≥≠≈‰μ–—"

SPACE, INVISIBLE, VISIBLE = "space", "invisible", "visible"
ZERO_WIDTH_JOINER = "\u200d"

_FOREIGN_RUN = re.compile(f"[^\x00-\x7f{LATIN_LETTERS}{SPEAKABLE_SYMBOLS}]+")
_BEFORE_NFKC = re.compile("[²³º¼½¾⅐-⅞]")
_WHITESPACE = re.compile(r"\s+")

_KEEP_MEANING = {"²": "^2", "³": "^3", "º": "°"}  # NFKC would make "m²" into "m2" and "5ºC" into "5oC"
_TO_ASCII = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛ʼ‹›", "'"),
        **dict.fromkeys("“”„‟«»", '"'),
        **dict.fromkeys("‐‑‒−", "-"),
        "―": "—",
        "⁄": "/",
        "∕": "/",
    }
)
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_COMBINING_CATEGORIES = frozenset({"Mn", "Mc", "Me"})


def sanitize(text, report):
    """The cleaned text, whitespace collapsed; removed and dropped characters go to `report`."""
    text = drop_controls(text, report)
    if not text.isascii():
        if _BEFORE_NFKC.search(text):
            text = _BEFORE_NFKC.sub(_keep_meaning, text)
        text = unicodedata.normalize("NFKC", text).translate(_TO_ASCII)
        text = _FOREIGN_RUN.sub(partial(replace_unspeakable, report), text)
    return _WHITESPACE.sub(" ", text).strip()


def replace_unspeakable(report, match):
    """Report every cluster of the matched run; a dropped one leaves a space so words do not merge."""
    pieces = []
    for cluster, kind in split_clusters(match.group()):
        if kind == INVISIBLE:
            report.sanitize(cluster)
        else:
            pieces.append(" ")
            if kind == VISIBLE:
                report.drop(cluster)
    return "".join(pieces)


def split_clusters(run):
    """Yield (cluster, kind) pairs: a visible character with whatever extends it (combining marks,
    variation selectors, skin tones, emoji tags, ZWJ + the next character, a second flag letter)."""
    i, n = 0, len(run)
    while i < n:
        kind = _kind(run[i])
        if kind != VISIBLE:
            yield run[i], kind
            i += 1
            continue
        j = i + 1
        if _is_regional_indicator(run[i]) and j < n and _is_regional_indicator(run[j]):
            j += 1
        while j < n:
            if _extends_cluster(run[j]):
                j += 1
            elif run[j] == ZERO_WIDTH_JOINER and j + 1 < n and _kind(run[j + 1]) == VISIBLE:
                j += 2
            else:
                break
        yield run[i:j], VISIBLE
        i = j


def _kind(char):
    if char.isspace():
        return SPACE
    if unicodedata.category(char) in _INVISIBLE_CATEGORIES or _is_variation_selector(char):
        return INVISIBLE
    return VISIBLE


def _extends_cluster(char):
    code = ord(char)
    return (
        unicodedata.category(char) in _COMBINING_CATEGORIES
        or 0x1F3FB <= code <= 0x1F3FF  # skin tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tag characters (subdivision flags)
    )


def _is_variation_selector(char):
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def _is_regional_indicator(char):
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _keep_meaning(match):
    char = match.group()
    if char in _KEEP_MEANING:
        return _KEEP_MEANING[char]
    return " " + unicodedata.normalize("NFKC", char).replace("⁄", "/") + " "  # "1½" -> "1 1/2 "
