"""Split IPA strings into phoneme symbols.

Scheme (the one the inventory is built on):
- A stress mark (ˈ primary, ˌ secondary) is ATTACHED to the symbol that follows it: "ˈæ", "ˌoʊ".
  Stress then costs no extra sequence position, so every symbol the aligner sees is a sound.
- The length mark ː, other modifier letters (ʰ) and combining diacritics (syllabic n̩, nasal ɑ̃)
  attach to the symbol before them.
- Multi-character phonemes that espeak-ng prints as one phone stay one symbol: affricates tʃ dʒ,
  diphthongs aɪ eɪ oʊ aʊ ɔɪ iə, r-coloured vowels ɑːɹ ɔːɹ oːɹ ɪɹ ɛɹ ʊɹ aɪɚ, syllabic əl, and aɪə.

The G2P asks espeak-ng to separate its phones and runs each phone through `split_ipa`, so the
segmentation is espeak's own; the greedy longest match here only decides inside one phone (espeak
occasionally prints a doubled vowel such as "ææ" as one phone). On an unseparated IPA string it is
an approximation: "əl" is always read as syllabic l.
"""

import unicodedata

PRIMARY_STRESS = "ˈ"
SECONDARY_STRESS = "ˌ"
STRESS_MARKS = (PRIMARY_STRESS, SECONDARY_STRESS)

# Phones espeak-ng (en-us) prints with more than one base character; longest first for greedy matching.
MULTI_CHAR_PHONES = tuple(sorted(
    ("tʃ", "dʒ", "aɪ", "eɪ", "oʊ", "aʊ", "ɔɪ", "iə", "əl", "aɪə", "aɪɚ",
     "ɑːɹ", "ɔːɹ", "oːɹ", "ɪɹ", "ɛɹ", "ʊɹ"),
    key=len, reverse=True,
))


def _is_modifier(char):
    # ː, aspiration ʰ and other modifier letters (Lm), and combining diacritics (syllabic, nasal).
    return char not in STRESS_MARKS and (unicodedata.category(char) == "Lm" or unicodedata.combining(char) != 0)


def split_ipa(ipa):
    """IPA string -> tuple of phoneme symbols, stress attached to the following symbol.

    Whitespace is ignored; a stress mark with nothing after it, or a modifier with nothing before
    it, is dropped.
    """
    symbols = []
    stress = ""
    i = 0
    while i < len(ipa):
        char = ipa[i]
        if char in STRESS_MARKS:
            stress = char
            i += 1
            continue
        if char.isspace() or _is_modifier(char):
            i += 1  # a modifier here has no base symbol: the branch below absorbs every attached one
            continue
        unit = next((m for m in MULTI_CHAR_PHONES if ipa.startswith(m, i)), char)
        i += len(unit)
        while i < len(ipa) and _is_modifier(ipa[i]):
            unit += ipa[i]
            i += 1
        symbols.append(stress + unit)
        stress = ""
    return tuple(symbols)


def attach_stress(tokens):
    """Merge stand-alone stress marks into the token after them: ("ˈ", "oʊ") -> ("ˈoʊ",).

    Used for user-written phonemes (lexicon, inline [[ ]]), which are otherwise kept verbatim.
    """
    merged = []
    stress = ""
    for token in tokens:
        if token in STRESS_MARKS:
            stress = token
            continue
        merged.append(stress + token)
        stress = ""
    return tuple(merged)
