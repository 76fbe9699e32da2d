"""SSML -> an SSMLDocument: the text to speak in parts, each with its style, and the pauses between.

    document = parse_ssml('<speak>Hi <break time="300ms"/> <prosody rate="slow">there</prosody></speak>')
    document.parts     -> (Speech("Hi ", Style()), Pause(0.3), Speech("there", Style(speed=0.8)))
    document.warnings  -> ()

Parsing goes through defusedxml with DTDs forbidden, so entity expansion ("billion laughs") and
external entities are refused before anything is read. Markup deeper than MAX_DEPTH is refused too.

Elements map onto the frontend's own pieces: <say-as> and <sub> become words (frontends.ssml.say_as),
<phoneme alphabet="ipa"> the inline [[ ]] phonemes, and <s>, <p>, <break>, <prosody>, <voice> and
<emphasis> start a new part. Unknown elements and bad attribute values are never fatal: their text is
spoken as usual and `warnings` says what was ignored.
"""

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Optional

import defusedxml.ElementTree
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError

from frontends.inventory import VOWELS
from frontends.ipa import STRESS_MARKS, split_ipa
from frontends.ssml import values
from frontends.ssml.say_as import say_as
from tts.errors import UsageError

MAX_DEPTH = 100  # elements nested inside one another; deeper markup is refused, not recursed into
PARAGRAPH_PAUSE_SECONDS = 0.5  # between two <p>; sentences get the Voice's own gap

SPOKEN_THROUGH = frozenset({"speak", "w", "token", "mark", "lang", "audio"})  # content spoken as it is
NOT_SPOKEN = frozenset({"meta", "metadata", "lexicon", "desc"})  # content is data, not speech
# Dictionary IPA writes ASCII g for ɡ; brackets would end the inline [[ ]] early.
_DICTIONARY_LETTERS = re.compile(r"[g\[\]]")
_SSML_START = re.compile(r"\s*(?:<\?xml[\s?]|<!DOCTYPE[\s>]|<speak[\s>/])")


class SSMLError(UsageError):
    """SSML that cannot be read: malformed, unsafe, too deeply nested, or without <speak>."""


@dataclass(frozen=True)
class Style:
    voice: Optional[str] = None  # <voice name>: a speaker index or id, resolved by the Voice
    speed: float = 1.0  # factor on the request's speed
    semitones: float = 0.0  # pitch shift on top of the request's
    pitch_hz: Optional[float] = None  # target median F0 of each sentence, before `semitones`
    volume_db: float = 0.0  # gain; -inf is silent


@dataclass(frozen=True)
class Speech:
    text: str  # plain text (with [[ ]] phonemes) for the frontend
    style: Style = Style()


@dataclass(frozen=True)
class Pause:
    seconds: float


@dataclass(frozen=True)
class SSMLDocument:
    parts: tuple  # Speech and Pause, in reading order
    warnings: tuple  # one line per kind of thing ignored, with a count when repeated


def looks_like_ssml(text):
    """True when `text` starts (after blanks) like an XML document: <speak>, an XML declaration or a
    DOCTYPE (which the parser then refuses)."""
    return isinstance(text, str) and _SSML_START.match(text) is not None


def parse_ssml(text):
    """SSML text -> SSMLDocument; SSMLError (one line, with line and column) when it cannot be read."""
    try:
        root = defusedxml.ElementTree.fromstring(text, forbid_dtd=True)
    except ParseError as error:
        line, column = error.position
        reason = str(error).split(":")[0]
        raise SSMLError(f"malformed SSML at line {line}, column {column + 1}: {reason}") from None
    except DefusedXmlException:
        raise SSMLError("SSML with a DTD or entity declarations is refused (they can expand without bound)") from None
    if _local(root.tag) != "speak":
        raise SSMLError(f"SSML must have <speak> as its root element, not <{_local(root.tag)}>")
    _require_depth(root)
    walker = _Walker()
    walker.element(root, Style())
    return SSMLDocument(tuple(walker.finish()), walker.warning_lines())


def _require_depth(root):
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise SSMLError(f"SSML nests elements more than {MAX_DEPTH} deep; flatten the markup")
        stack.extend((child, depth + 1) for child in element)


def _dictionary_letter(match):
    return "ɡ" if match.group() == "g" else ""


def _stress_on_vowels(symbols):
    """Dictionaries mark stress before a syllable's onset ("təˈmɑːtoʊ"); the inventory carries it
    on the vowel, so a mark on a consonant moves to the next vowel."""
    moved, stress = [], ""
    for symbol in symbols:
        mark = symbol[0] if symbol[0] in STRESS_MARKS else ""
        base = symbol[len(mark):]
        stress = mark or stress
        if base in VOWELS:
            moved.append(stress + base)
            stress = ""
        else:
            moved.append(base)
    return tuple(moved)


def _local(tag):
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


class _Walker:
    def __init__(self):
        self.parts = []
        self.warnings = Counter()
        self._pending = []  # text of the part being built
        self._style = Style()
        self._paragraphs = 0

    def element(self, element, style):
        tag = _local(element.tag)
        handler = getattr(self, f"_{tag.replace('-', '_')}", None) if tag not in SPOKEN_THROUGH | NOT_SPOKEN else None
        if handler is not None:
            handler(element, style)
        elif tag in NOT_SPOKEN:
            if tag == "lexicon":
                self.warnings["<lexicon> is not loaded: give the voice a lexicon file instead"] += 1
        else:
            if tag not in SPOKEN_THROUGH:
                self.warnings[f"unknown SSML element <{tag}>: its text is spoken"] += 1
            elif tag in ("audio", "lang"):
                self.warnings[f"<{tag}> is not supported: its text is spoken"] += 1
            self.children(element, style)

    def children(self, element, style):
        self.text(element.text, style)
        for child in element:
            self.element(child, style)
            self.text(child.tail, style)

    def text(self, text, style):
        if not text:
            return
        if style != self._style:
            self._flush()
            self._style = style
        self._pending.append(text)

    def boundary(self):
        self._flush()

    def finish(self):
        self._flush()
        return self.parts

    def warning_lines(self):
        return tuple(message if count == 1 else f"{message} (×{count})" for message, count in self.warnings.items())

    def _flush(self):
        text = "".join(self._pending)
        self._pending = []
        last = self.parts[-1] if self.parts else None
        if not any(char.isalnum() for char in text) and isinstance(last, Speech):
            # "<emphasis>goodbye</emphasis>." : the period ends the part before, not a part of its own
            self.parts[-1] = replace(last, text=last.text + text)
        elif text.strip():
            self.parts.append(Speech(text, self._style))

    # One method per element: _<tag>(element, style).

    def _s(self, element, style):
        self.boundary()
        self.children(element, style)
        self.boundary()

    def _p(self, element, style):
        self.boundary()
        if self._paragraphs and any(isinstance(part, Speech) for part in self.parts):
            self.parts.append(Pause(PARAGRAPH_PAUSE_SECONDS))
        self._paragraphs += 1
        self.children(element, style)
        self.boundary()

    def _break(self, element, style):
        try:
            seconds, clamped = values.break_seconds(element.get("time"), element.get("strength"))
        except ValueError as error:
            self.warnings[f"{error}; a medium break is used"] += 1
            seconds, clamped = values.break_seconds()
        if clamped:
            self.warnings[f"breaks longer than {values.MAX_BREAK_SECONDS:g} s are cut to {values.MAX_BREAK_SECONDS:g} s"] += 1
        self.boundary()
        self.parts.append(Pause(seconds))

    def _say_as(self, element, style):
        content = "".join(element.itertext())
        interpret_as = element.get("interpret-as", "")
        try:
            said = say_as(content, interpret_as, element.get("format"))
        except KeyError:
            self.warnings[f"say-as interpret-as={interpret_as!r} is not supported: the text is read as usual"] += 1
            said = content
        except ValueError as error:
            self.warnings[f"say-as {interpret_as}: {error}; the text is read as usual"] += 1
            said = content
        self.text(f" {said} ", style)

    def _sub(self, element, style):
        alias = element.get("alias")
        if alias is None:
            self.warnings["<sub> without alias: its text is spoken"] += 1
            self.children(element, style)
        else:
            self.text(f" {alias} ", style)

    def _phoneme(self, element, style):
        alphabet, ph = element.get("alphabet", "ipa"), element.get("ph", "")
        symbols = _stress_on_vowels(split_ipa(_DICTIONARY_LETTERS.sub(_dictionary_letter, ph)))
        if alphabet != "ipa" or not symbols:
            reason = f"alphabet {alphabet!r} is not supported" if alphabet != "ipa" else "no ph"
            self.warnings[f"<phoneme> with {reason}: its text is spoken"] += 1
            self.children(element, style)
        else:
            self.text(f" [[ {' '.join(symbols)} ]] ", style)

    def _prosody(self, element, style):
        changes = {"rate": values.rate_change, "pitch": values.pitch_change, "volume": values.volume_change}
        for name, parse in changes.items():
            written = element.get(name)
            if written is None:
                continue
            try:
                change = parse(written)
            except ValueError as error:
                self.warnings[f"prosody {error}; ignored"] += 1
                continue
            if name == "rate":
                style = replace(style, speed=change(style.speed))
            elif name == "pitch":
                semitones, hz = change(style.semitones, style.pitch_hz)
                style = replace(style, semitones=semitones, pitch_hz=hz)
            else:
                style = replace(style, volume_db=change(style.volume_db))
        self.children(element, style)

    def _voice(self, element, style):
        name = element.get("name")
        if name is None:
            self.warnings["<voice> without name: the current speaker goes on"] += 1
        self.children(element, style if name is None else replace(style, voice=name.strip()))

    def _emphasis(self, element, style):
        level = element.get("level", "moderate")
        if level not in values.EMPHASIS:
            self.warnings[f"emphasis level {level!r} is not one of {', '.join(values.EMPHASIS)}; moderate is used"] += 1
            level = "moderate"
        speed, semitones = values.EMPHASIS[level]
        self.children(element, replace(style, speed=style.speed * speed, semitones=style.semitones + semitones))
