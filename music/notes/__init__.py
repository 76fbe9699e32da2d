"""Note-level music: scores as event sequences (events.py), tokens (tokens.py), a corpus with a
held-out split by piece (corpus.py), a note-level WaveNet and an LSTM of equal size (wavenet.py,
lstm.py), trained by the shared loop (task.py), composing (compose.py) and judged by held-out
likelihood and musical statistics (statistics.py, comparison.py)."""
