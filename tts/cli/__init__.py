"""The `tts` command: thin argparse shells over the library."""
