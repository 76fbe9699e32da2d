"""The duration model: frames per phoneme from phonemes and speaker, trained on the aligner's durations.

    tts train duration --durations data/vctk.durations.jsonl --manifest data/vctk.jsonl --out exp/duration
    DurationModel.load("exp/duration/duration.safetensors").predict(ids, "p225", speed=1.0)
"""
