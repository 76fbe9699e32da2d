"""The WaveNet vocoder: model, output distributions, training task and the compiled incremental kernel."""
