"""Acronyms: spelled letter by letter ("FBI" -> "F B I") or read as a word ("NASA").

The rule, for a run of two or more capitals:
  1. a small list decides first (SAID_AS_WORDS: "JSON", "GIF", ...; SPELLED: "UCLA", ...);
  2. in shouted text (the word before or after is all capitals too), common short words stay words
     ("THIS IS IT", "THE FBI"), while "IT department" and "US army" are spelled;
  3. two or three letters are spelled ("CIA", "USB");
  4. four or more read as a word when pronounceable: a vowel, no run of three consonants or vowels,
     and any two-consonant cluster at the start or the end is one English allows ("NASA", "NATO",
     "AIDS", "CERN"); otherwise spelled ("HTML", "NCAA", "OECD", "IEEE").
Dotted forms "U.S." and "a.m." are always spelled. Spelled letters are capitals separated by spaces,
so a letter "A" differs from the article "a"; plurals and possessives go on the last letter
("CDs" -> "C D's", "FBI's" -> "F B I's").
"""

import re

from frontends.normalize.context import ends_sentence, word_after, word_before

SAID_AS_WORDS = frozenset(
    "JSON GIF JPEG PIN SIM RAM ROM DOS ZIP ISO CAPTCHA SWAT NIMBY POTUS SCOTUS YOLO ASCII".split()
)
SPELLED = frozenset("UCLA USDA".split())
SAID_AS = {"OK": "okay"}
COMMON_WORDS = frozenset(
    "AN AND ARE AS AT BE BUT BY CAN DO FOR GO HE HER HIM HIS IF IN IS IT ITS ME MY NO NOT OF ON "
    "OR OUR OUT SO THE TO UP US WAS WE WHO YES YOU ALL ANY HAS HAD GET GOT NEW NOW ONE TWO TOO WHY HOW".split()
)
VOWELS = frozenset("AEIOUY")
ONSETS = frozenset("BL BR CH CL CR DR FL FR GL GR KN PH PL PR SC SH SK SL SM SN SP ST SW TH TR TW WH WR".split())
CODAS = frozenset(
    "CH CK CT DS FF FT GS KS LD LF LK LL LM LP LS LT MP MS ND NG NK NN NS NT PS PT RB RD RK RL RM RN RP RS RT "
    "SH SK SP SS ST TH TS".split()
)

_CAPITALS = re.compile(r"(?<![A-Za-z0-9])(?P<letters>[A-Z]{2,})(?P<suffix>'s|s)?(?![A-Za-z0-9])")
_DOTTED = re.compile(r"(?<![A-Za-z0-9.])(?P<letters>(?:[A-Za-z]\.){2,})(?![A-Za-z0-9])")
_CONSONANT_RUNS = re.compile(r"[^AEIOUY]+")
_VOWEL_RUNS = re.compile(r"[AEIOUY]+")
_LETTER_DIGIT = re.compile(r"(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])")


def split_letters_from_digits(text):
    """"MP3" -> "MP 3", "B2B" -> "B 2 B", so each part is read on its own."""
    return _LETTER_DIGIT.sub(" ", text)


def expand_acronyms(text):
    text = _DOTTED.sub(_say_dotted, text)
    return _CAPITALS.sub(_say_capitals, text)


def spell(letters):
    return " ".join(letters.upper())


def is_pronounceable(letters):
    """True when a run of capitals reads as a word (see the module docstring, rule 4)."""
    if len(letters) < 4 or not VOWELS.intersection(letters):
        return False
    if any(len(run) > 2 for run in _VOWEL_RUNS.findall(letters)):
        return False
    runs = _CONSONANT_RUNS.findall(letters)
    if any(len(run) > 2 for run in runs):
        return False
    starts_with_cluster = letters[0] not in VOWELS and len(runs[0]) == 2 and runs[0] not in ONSETS
    ends_with_cluster = letters[-1] not in VOWELS and len(runs[-1]) == 2 and runs[-1] not in CODAS
    return not (starts_with_cluster or ends_with_cluster)


def _say_capitals(match):
    letters, suffix = match.group("letters"), match.group("suffix") or ""
    if letters in SAID_AS:
        return SAID_AS[letters] + suffix
    if _reads_as_word(letters, match):
        return match.group()
    return spell(letters) + ("'s" if suffix else "")


def _reads_as_word(letters, match):
    if letters in SAID_AS_WORDS or letters in SPELLED:
        return letters in SAID_AS_WORDS
    if letters in COMMON_WORDS and _is_shouted(match):
        return True
    return is_pronounceable(letters)


def _is_shouted(match):
    """True when the word before or after is also all capitals: the text is shouted."""
    neighbours = word_before(match.string, match.start()), word_after(match.string, match.end())
    return any(len(word) > 1 and word.isupper() for word in neighbours)


def _say_dotted(match):
    letters = match.group("letters").replace(".", "")
    keeps_period = ends_sentence(match.string, match.end())
    return spell(letters) + ("." if keeps_period else "")
