"""Phonetic features of the English phone set, and a distance between phones built on them.

The phones are those of the en-us espeak inventory (frontends/inventory.py) with stress stripped;
this stage may not import frontends, so the table stands on its own. Consonants carry (place,
manner, voicing), vowels (height, backness, rounding, kind); the distance is 1 between classes and
the share of differing features within one, so "ɡ" is nearer to "k" (voicing) than to "s".
"""

import functools

PAUSE = "pau"

CONSONANTS = {
    "p": ("bilabial", "stop", False), "b": ("bilabial", "stop", True),
    "t": ("alveolar", "stop", False), "d": ("alveolar", "stop", True),
    "k": ("velar", "stop", False), "ɡ": ("velar", "stop", True),
    "ʔ": ("glottal", "stop", False), "ɾ": ("alveolar", "tap", True),
    "m": ("bilabial", "nasal", True), "n": ("alveolar", "nasal", True),
    "ŋ": ("velar", "nasal", True), "n̩": ("alveolar", "nasal", True),
    "f": ("labiodental", "fricative", False), "v": ("labiodental", "fricative", True),
    "θ": ("dental", "fricative", False), "ð": ("dental", "fricative", True),
    "s": ("alveolar", "fricative", False), "z": ("alveolar", "fricative", True),
    "ʃ": ("postalveolar", "fricative", False), "ʒ": ("postalveolar", "fricative", True),
    "h": ("glottal", "fricative", False), "x": ("velar", "fricative", False),
    "tʃ": ("postalveolar", "affricate", False), "dʒ": ("postalveolar", "affricate", True),
    "l": ("alveolar", "lateral", True), "ɬ": ("alveolar", "lateral", False),
    "ɹ": ("alveolar", "approximant", True), "r": ("alveolar", "trill", True),
    "j": ("palatal", "approximant", True), "w": ("labiovelar", "approximant", True),
}

VOWELS = {
    "i": ("high", "front", False, "plain"), "iː": ("high", "front", False, "plain"),
    "ɪ": ("nearhigh", "front", False, "plain"), "ᵻ": ("nearhigh", "central", False, "plain"),
    "ɛ": ("mid", "front", False, "plain"), "æ": ("low", "front", False, "plain"),
    "ɐ": ("low", "central", False, "plain"), "ə": ("mid", "central", False, "plain"),
    "ɚ": ("mid", "central", False, "rhotic"), "ɜː": ("mid", "central", False, "plain"),
    "ʌ": ("mid", "back", False, "plain"), "ɑː": ("low", "back", False, "plain"),
    "ɔ": ("mid", "back", True, "plain"), "ɔː": ("mid", "back", True, "plain"),
    "oː": ("mid", "back", True, "plain"), "ʊ": ("nearhigh", "back", True, "plain"),
    "u": ("high", "back", True, "plain"), "uː": ("high", "back", True, "plain"),
    "ɑ̃": ("low", "back", False, "plain"),
    "aɪ": ("low", "front", False, "diphthong"), "eɪ": ("mid", "front", False, "diphthong"),
    "oʊ": ("mid", "back", True, "diphthong"), "aʊ": ("low", "central", False, "diphthong"),
    "ɔɪ": ("mid", "back", True, "diphthong"), "iə": ("high", "front", False, "diphthong"),
    "aɪə": ("low", "front", False, "diphthong"), "aɪɚ": ("low", "front", False, "rhotic"),
    "ɑːɹ": ("low", "back", False, "rhotic"), "ɔːɹ": ("mid", "back", True, "rhotic"),
    "oːɹ": ("mid", "back", True, "rhotic"), "ɪɹ": ("nearhigh", "front", False, "rhotic"),
    "ɛɹ": ("mid", "front", False, "rhotic"), "ʊɹ": ("nearhigh", "back", True, "rhotic"),
    "əl": ("mid", "central", False, "syllabic"),
}


def phone_class(phone):
    """"pause", "consonant", "vowel", or None for a phone outside the table."""
    if phone == PAUSE:
        return "pause"
    if phone in CONSONANTS:
        return "consonant"
    if phone in VOWELS:
        return "vowel"
    return None


@functools.lru_cache(maxsize=None)
def distance(a, b):
    """0 for the same phone, 1 across classes or for a phone outside the table, else the share of differing features."""
    if a == b:
        return 0.0
    kind = phone_class(a)
    if kind is None or kind != phone_class(b) or kind == "pause":
        return 1.0
    table = CONSONANTS if kind == "consonant" else VOWELS
    features_a, features_b = table[a], table[b]
    return sum(x != y for x, y in zip(features_a, features_b)) / len(features_a)
