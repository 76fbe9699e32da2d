"""A WaveNet on raw music audio: its corpus (rendered chorales or a folder of audio), the model, a baseline, generation."""
