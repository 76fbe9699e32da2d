"""The acoustic model: phonemes, durations and a speaker -> mel frames and frame F0 (FastSpeech 2 style).

It is a stage, like frontends/ and vocoders/, but it stays here in tts/acoustic rather than becoming a
top-level folder: the top level is fixed by the product card (frontends, tts, vocoders, music, recipes,
bench, tests), and DESIGN.md places the acoustic model in tts/. Its own import rule keeps it a stage
all the same: it imports core types only, never frontends, vocoders or a composer such as Voice, and
core never imports it (tests/test_architecture.py).
"""
