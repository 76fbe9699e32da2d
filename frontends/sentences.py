"""Split long text into sentence chunks for synthesis, lazily and with a hard cap on chunk length.

    for chunk in split_sentences(open("book.txt")):   # a str, or any iterable of str pieces
        voice.synthesize(chunk)

A sentence ends at . ! ? or … (with any closing quotes/brackets) followed by whitespace, or at a
blank line; a semicolon is a pause inside the sentence, not an end. A period does not end a sentence
after a title ("Dr.", "Mr."), a Latin abbreviation ("e.g.", "i.e.", "vs."), or a single-letter
initial ("J. R. R."); after "etc.", "Inc.", "a.m.", "ext." and the like it does only when the next
word starts with a capital ("ext. 42" stays one sentence). "3.14" never splits (no space after the
dot). A chunk never exceeds `max_chars`: a longer sentence is cut at its last comma-like pause in the
second half of the window, else at its last space, else (one giant token) exactly at the cap.

Memory is bounded by `max_chars` plus the size of one input piece.
"""

import re

DEFAULT_MAX_CHARS = 400

NEVER_SENTENCE_END = frozenset(
    "mr mrs ms mx dr prof st sr jr rev gen col lt sgt capt hon fr mt ft "
    "e.g i.e cf vs viz al approx no nos fig figs vol pp ch sec eq".split()
)
SENTENCE_END_IF_CAPITAL_FOLLOWS = frozenset(
    "etc inc ltd co corp bros a.m p.m u.s u.k jan feb aug sept oct nov dec ext".split()
)

_BOUNDARY = re.compile(r"(?P<punct>[.!?…]+)[\"')\]}”’»]*(?=\s|$)|\n[ \t]*\n")
_WORD_BEFORE = re.compile(r"[\w.]+$")
_NEXT_VISIBLE = re.compile(r"\s*(\S)")
_SOFT_CUT = re.compile(r"[,;:—–]\s")


def split_sentences(text, *, max_chars=DEFAULT_MAX_CHARS):
    """Yield stripped, non-empty chunks of at most `max_chars` characters."""
    if max_chars < 1:
        raise ValueError(f"max_chars must be positive, got {max_chars}")
    pieces = (text,) if isinstance(text, str) else text
    buffer = ""
    for piece in pieces:
        buffer += piece
        consumed = yield from _emit(buffer, max_chars, final=False)
        buffer = buffer[consumed:]
    yield from _emit(buffer, max_chars, final=True)


def _emit(buffer, max_chars, *, final):
    """Yield the complete chunks in `buffer`; return how many characters were used up."""
    start = 0
    for match in _BOUNDARY.finditer(buffer):
        next_visible = _NEXT_VISIBLE.match(buffer, match.end())
        if next_visible is None and not final:
            break  # undecidable until more text arrives ("3." may become "3.5", "etc." needs the next word)
        if match.group("punct") and not _ends_sentence(buffer, match, next_visible):
            continue
        start = yield from _emit_capped(buffer, start, match.end(), max_chars)
    if final:
        return (yield from _emit_capped(buffer, start, len(buffer), max_chars))
    # No sentence end in sight: cut at the cap now, measured from the first visible character as
    # _emit_capped does, so streamed pieces split exactly like the whole text.
    while len(buffer) - (start := _skip_space(buffer, start, len(buffer))) > max_chars:
        start = yield from _emit_capped(buffer, start, _cut(buffer, start, max_chars), max_chars)
    return start


def _emit_capped(buffer, start, end, max_chars):
    """Yield buffer[start:end] in pieces of at most max_chars; return end."""
    while True:
        start = _skip_space(buffer, start, end)
        if start >= end:
            return end
        cut = end if end - start <= max_chars else _cut(buffer, start, max_chars)
        chunk = buffer[start:cut].strip()
        if chunk:
            yield chunk
        start = cut


def _skip_space(buffer, start, end):
    while start < end and buffer[start].isspace():
        start += 1
    return start


def _cut(buffer, start, max_chars):
    window = buffer[start:start + max_chars + 1]  # +1: a space right at the cap is a clean cut
    soft = [m.end() - 1 for m in _SOFT_CUT.finditer(window) if m.end() - 1 > max_chars // 2]
    if soft:
        return start + soft[-1]
    space = max((i for i, char in enumerate(window) if char.isspace()), default=0)
    return start + (space if space > 0 else min(max_chars, len(window)))


def _ends_sentence(buffer, match, next_visible):
    if match.group("punct") != ".":
        return True
    word = _WORD_BEFORE.search(buffer, max(0, match.start() - 20), match.start())
    if word is None:
        return True
    token = word.group().lower().strip(".")
    if token in NEVER_SENTENCE_END or (len(token) == 1 and token.isalpha()):
        return False
    if token in SENTENCE_END_IF_CAPITAL_FOLLOWS:
        return next_visible is None or next_visible.group(1).isupper()
    return True
