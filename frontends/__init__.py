"""Frontends: text -> Utterances with phonemes, ids and durations, the first stage of the flow.

    frontend.py   Frontend, the one composition of the pieces below that the Voice and the CLI use
    normalize/    text normalization: numbers, dates, money, units, abbreviations... spelled out
    sentences.py  long text split into sentence chunks, lazily
    tokens.py     normalized text -> words, inline [[phonemes]] and pause tokens
    g2p.py        grapheme-to-phoneme over espeak.py (espeak-ng) and lexicon.py (the user's words)
    ipa.py        IPA strings -> phoneme symbols
    inventory.py  the versioned phoneme inventory: symbol <-> id
    ssml/         the SSML subset, read into parts the Voice renders
    aligner/      the aligner: per-phoneme durations for a corpus (monotonic alignment search)
    duration/     the duration model: frames per phoneme at synthesis time

Like every stage, frontends import only core types from tts/ (tests/test_architecture.py).
"""
