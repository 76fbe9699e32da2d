"""Candidate sentences from a small template grammar (words.txt), deterministic for a seed.

No corpus text can be downloaded here, so prompts are generated: templates with slots filled from
hand-written word lists. Numbers and years are written as digits in `text` and spelled out in
`normalized`, like LJSpeech's two transcript columns; the voices always read `normalized`.
"""

import random
import re
from dataclasses import dataclass
from importlib import resources

from num2words import num2words

from tts.errors import TTSError
from tts.texts import read_texts

# The IEEE "Harvard" sentences are reserved for evaluation (`tts eval texts --texts harvard`), so any
# candidate that matches one (ignoring case and punctuation) is dropped.
RESERVED = tuple(read_texts("harvard"))

_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Sentence:
    text: str  # as written (digits allowed)
    normalized: str  # as spoken


def canonical(text):
    """Lower-case words only, for comparing sentences regardless of punctuation and spacing."""
    return " ".join(re.findall(r"[a-z']+", text.lower()))


_RESERVED = frozenset(canonical(s) for s in RESERVED)


def is_reserved(text):
    return canonical(text) in _RESERVED


def load_grammar():
    """Sections of words.txt as {slot: [entries]}; templates are one per line, the rest comma-separated."""
    source = resources.files(__package__).joinpath("words.txt").read_text(encoding="utf-8")
    sections, name = {}, None
    for line in source.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            name = line[1:-1]
            sections[name] = []
        elif name == "template":
            sections[name].append(line)
        else:
            sections[name].extend(entry.strip() for entry in line.split(",") if entry.strip())
    return sections


def plural(noun):
    if re.search(r"(s|x|z|ch|sh)$", noun):
        return noun + "es"
    if re.search(r"[^aeiou]y$", noun):
        return noun[:-1] + "ies"
    return noun + "s"


class Grammar:
    """Fills templates; every slot draws independently from one seeded random.Random."""

    def __init__(self, sections):
        self.sections = sections

    def _fill(self, slot, rng):
        """(written, spoken) for one slot."""
        words = self.sections
        if slot == "number":
            n = rng.randint(2, 999)
            return str(n), num2words(n)
        if slot == "year":
            n = rng.randint(1801, 1999)
            return str(n), num2words(n, to="year")
        if slot in ("verb", "verbed", "ivverb", "ivverbed"):
            base, past = rng.choice(words[slot.removesuffix("ed")]).split("/")
            word = past if slot.endswith("ed") else base
            return word, word
        if slot == "nouns":
            word = plural(rng.choice(words["noun"]))
            return word, word
        word = rng.choice(words[slot])
        return word, word

    def sentence(self, rng):
        template = rng.choice(self.sections["template"])
        written, spoken, last = [], [], 0
        for match in _SLOT.finditer(template):
            literal = template[last : match.start()]
            text, said = self._fill(match.group(1), rng)
            written.append(literal + text)
            spoken.append(literal + said)
            last = match.end()
        written.append(template[last:])
        spoken.append(template[last:])
        return Sentence(_tidy("".join(written)), _tidy("".join(spoken)))


def _tidy(text):
    """'a' before a vowel letter becomes 'an' (words.txt avoids the exceptions); capitalize."""
    text = re.sub(r"\b([Aa]) (?=[aeiouAEIOU])", r"\1n ", text)
    return text[0].upper() + text[1:]


def generate(count, *, seed=0):
    """`count` distinct candidate sentences, none of them reserved, in a seed-determined order."""
    grammar = Grammar(load_grammar())
    rng = random.Random(seed)
    seen, out = set(), []
    for _ in range(count * 20):  # the grammar has billions of fillings; duplicates are rare
        sentence = grammar.sentence(rng)
        key = canonical(sentence.normalized)
        if key in seen or is_reserved(sentence.text) or is_reserved(sentence.normalized):
            continue
        seen.add(key)
        out.append(sentence)
        if len(out) == count:
            return out
    raise TTSError(f"the sentence grammar gave only {len(out)} distinct sentences of the {count} asked; ask for fewer")
