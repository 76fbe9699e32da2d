"""System programs the toolkit calls, and the start-up check that names how to install them."""

import shutil
from dataclasses import dataclass

from tts.errors import TTSError


@dataclass(frozen=True)
class SystemTool:
    command: str
    apt_package: str
    purpose: str


TOOLS = (
    SystemTool("espeak-ng", "espeak-ng", "grapheme-to-phoneme conversion (phonemizer backend)"),
    SystemTool("flite", "flite", "bootstrap corpora: flite voices"),
    SystemTool("festival", "festival festvox-kallpc16k festvox-us-slt-hts", "bootstrap corpora: festival voices"),
    SystemTool("sox", "sox", "audio conversion in recipes"),
    SystemTool("fluidsynth", "fluidsynth fluid-soundfont-gm", "music: renders MIDI with the General MIDI soundfont"),
)


def install_hint(tool):
    return f"sudo apt-get install {tool.apt_package}"


def require(command):
    """Return the path of `command`, or raise a one-line error with the command that installs it."""
    tool = next((t for t in TOOLS if t.command == command), None)
    path = shutil.which(command)
    if path is None:
        hint = install_hint(tool) if tool else f"install {command}"
        raise TTSError(f"{command} not found on PATH; install it with: {hint}")
    return path


def survey():
    """[(tool, path or None)] for every system program the toolkit knows."""
    return [(tool, shutil.which(tool.command)) for tool in TOOLS]
