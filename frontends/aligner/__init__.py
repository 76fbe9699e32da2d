"""The aligner: per-phoneme durations in frames for a corpus, learned from its transcribed audio.

    tts train aligner --manifest data/vctk.jsonl --out exp/aligner
    tts align --manifest data/vctk.jsonl --checkpoint exp/aligner      # -> data/vctk.durations.jsonl

model.py (encoders and soft alignment), prior.py, losses.py (forward-sum), mas.py (hard durations),
segmental.py and duration_prior.py (the later searches with phoneme length priors), data.py and
transcribe.py (what is aligned), task.py (training), align.py (inference), evaluate.py
(word-boundary error against reference timings); the durations file is tts/durations.py.
"""
