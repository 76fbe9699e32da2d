"""The music side of WaveNet: note-level models over MIDI (music.notes), with their corpora and
commands. It composes like Voice does: it imports core types and vocoders.wavenet, and nothing in
tts/, frontends/ or vocoders/ imports it; its commands and demo tab reach `tts` through entry points
(the `tts.commands` and `tts.demo_tabs` groups in pyproject.toml)."""
