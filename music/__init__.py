"""The music side of WaveNet: note-level models over MIDI (music.notes), the NSynth-style WaveNet
autoencoder of single notes (music.nsynth), and a WaveNet on raw music audio (music.raw), with their
corpora and commands. It composes like Voice does: it imports core types and vocoders.wavenet, and
nothing in tts/, frontends/ or vocoders/ imports it; its commands and demo tabs reach `tts` through
entry points (the `tts.commands` and `tts.demo_tabs` groups in pyproject.toml)."""
