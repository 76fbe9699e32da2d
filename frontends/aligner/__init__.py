"""The aligner: per-phoneme durations in frames for a corpus, learned from its transcribed audio.

    tts train aligner --manifest data/vctk.jsonl --out exp/aligner
    tts align --manifest data/vctk.jsonl --checkpoint exp/aligner      # -> data/vctk.durations.jsonl

model.py (encoders and soft alignment), prior.py, losses.py (forward-sum), mas.py (hard durations),
data.py and transcribe.py (what is aligned), task.py (training), align.py (inference),
durations.py (the file), evaluate.py (word-boundary error against reference timings).
"""
