"""The NSynth-style WaveNet autoencoder (Engel et al. 2017) and its note corpus."""
