"""The `tts demo` page's music tabs (`tts.demo_tabs` entry points): "Music (notes)" composes with a
note model, "Music (audio)" generates with the raw-audio music WaveNet, "Morph (NSynth)" morphs two
sounds with the autoencoder."""
