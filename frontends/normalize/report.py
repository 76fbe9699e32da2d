"""What normalization could not speak, so nothing vanishes silently.

- `dropped`: visible characters the frontend cannot speak (emoji, other scripts, stray symbols), as
  user-perceived characters: a ZWJ family emoji or a flag counts once, not as its code points; and
  control characters, a terminal escape sequence ("\\x1b[31m") counting once.
- `sanitized`: invisible characters removed on purpose (BOM, zero-width and bidi marks, soft hyphens,
  lone surrogates); the caller decides whether to mention them.
- `warnings`: anything else the caller should know ("nothing left to speak").
"""

import unicodedata
from collections import Counter
from dataclasses import dataclass, field

# The warning line names this many distinct characters, then says how many more there were.
MAX_NAMED = 10
# Characters that cannot be shown on their own: combining marks, and lone surrogates (not encodable).
_NOT_SHOWN_ALONE = frozenset({"Mn", "Mc", "Me", "Cs"})


@dataclass(frozen=True)
class Report:
    dropped: dict = field(default_factory=dict)  # cluster -> count, in order of first appearance
    sanitized: dict = field(default_factory=dict)  # character -> count
    warnings: tuple = ()

    @property
    def dropped_count(self):
        return sum(self.dropped.values())

    @property
    def sanitized_count(self):
        return sum(self.sanitized.values())

    def count_of(self, char):
        """How many times `char` (one code point) was dropped or sanitized, inside clusters too."""
        in_dropped = sum(cluster.count(char) * n for cluster, n in self.dropped.items())
        return in_dropped + self.sanitized.get(char, 0)

    def warning_line(self):
        """One line naming the dropped characters with counts, e.g. "dropped 3 characters: '😀' ×2,
        '中' ×1"; empty when nothing was dropped."""
        if not self.dropped:
            return ""
        return f"dropped {_characters(self.dropped_count)}: {_listing(self.dropped)}"

    def sanitized_line(self):
        """Like `warning_line`, for the invisible characters that were removed."""
        if not self.sanitized:
            return ""
        return f"removed {_characters(self.sanitized_count, 'invisible ')}: {_listing(self.sanitized)}"

    def as_dict(self):
        """Plain data for `Utterance.report`."""
        return {"dropped": dict(self.dropped), "sanitized": dict(self.sanitized), "warnings": list(self.warnings)}


class ReportBuilder:
    """Collects one `normalize` call's findings; every call makes its own."""

    def __init__(self):
        self._dropped = Counter()
        self._sanitized = Counter()
        self._warnings = []

    def drop(self, cluster):
        self._dropped[cluster] += 1

    def sanitize(self, char):
        self._sanitized[char] += 1

    def warn(self, message):
        self._warnings.append(message)

    def build(self):
        return Report(dict(self._dropped), dict(self._sanitized), tuple(self._warnings))


def describe(cluster):
    """A printable, encodable name: the character itself in quotes (a ZWJ emoji sequence as one),
    control characters escaped ('\\x1b[31m'), or U+XXXX NAME when it is invisible, combining or not
    valid text (a lone surrogate)."""
    first = cluster[0]
    if unicodedata.category(first) == "Cc":
        return ascii(cluster)
    if first.isprintable() and unicodedata.category(first) not in _NOT_SHOWN_ALONE:
        return f"'{cluster}'" if "'" not in cluster else f'"{cluster}"'
    return " ".join(_code_point(char) for char in cluster)


def _code_point(char):
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}".rstrip()


def _characters(count, kind=""):
    return f"{count} {kind}character{'' if count == 1 else 's'}"


def _listing(counts):
    most_first = sorted(counts.items(), key=lambda item: -item[1])  # stable: ties keep first-seen order
    named = ", ".join(f"{describe(cluster)} ×{n}" for cluster, n in most_first[:MAX_NAMED])
    rest = len(most_first) - MAX_NAMED
    return named + (f" and {rest} more" if rest > 0 else "")
