"""The music commands, added to `tts` through the `tts.commands` entry points (pyproject.toml).
Their modules import only argparse helpers at load time: `tts` imports them on every start."""
