"""Control characters and terminal escape sequences: text pasted from a terminal or a log.

Each C0/C1 control character (NUL, ESC, DEL, ...) and each whole escape sequence becomes one space,
so the words either side stay apart ("Hello\\x00world" -> "Hello world"), and is reported as
dropped, like an emoji: "\\x1b[31m" is one entry, never "[31m" read as "thirty-one meters".
Sequences: CSI ("\\x1b[31m", "\\x9b2J"); the string commands OSC, DCS, SOS, PM and APC
("\\x1b]0;title\\x07"), ended by BEL or ST within MAX_STRING_COMMAND characters; the short forms
"\\x1b(B", "\\x1b7", "\\x1b=". A lone ESC is a control character like any other, and so is the ESC
of a string command with no terminator: what follows it is text, read rather than silently lost.
Tab, line feed, vertical tab, form feed, carriage return and NEL are layout: whitespace, not reported.
"""

import re
from functools import partial

_CSI = r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
MAX_STRING_COMMAND = 4096  # a title or a hyperlink's address; bounds the look for a terminator
_STRING_COMMAND = (
    rf"(?:\x1b[]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x00-\x1f\x7f-\x9f]{{0,{MAX_STRING_COMMAND}}}(?:\x07|\x1b\\|\x9c)"
)
_SHORT_ESCAPE = r"\x1b(?:[!-/][0-~]|[78=>\\])"
_CONTROL = r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]"  # \t \n \v \f \r and NEL (\x85) are whitespace

_CONTROLS = re.compile(f"{_CSI}|{_STRING_COMMAND}|{_SHORT_ESCAPE}|{_CONTROL}")


def drop_controls(text, report):
    """`text` with every control character and escape sequence replaced by a space and reported."""
    return _CONTROLS.sub(partial(_drop, report), text)


def _drop(report, match):
    report.drop(match.group())
    return " "
