"""The acoustic model: phonemes, durations and a speaker -> mel frames and frame F0 (FastSpeech 2 style)."""
