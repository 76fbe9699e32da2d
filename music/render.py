"""MIDI to audio with fluidsynth and the General MIDI soundfont Debian ships (fluid-soundfont-gm,
FluidR3: sampled instruments), both installed by `make setup`."""

import subprocess
from pathlib import Path

import soundfile

from tts.atomic import atomic_path
from tts.errors import TTSError
from tts.system_tools import require

SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
SAMPLE_RATE = 22050
RENDER_TIMEOUT = 300  # seconds; a 16-bar piece takes about one


def render_midi(midi_path, wav_path, *, sample_rate=SAMPLE_RATE, soundfont=SOUNDFONT):
    """Render a MIDI file to a 16-bit wav (stereo, as fluidsynth writes it), atomically; returns its path."""
    fluidsynth = require("fluidsynth")
    if not Path(soundfont).is_file():
        raise TTSError(f"soundfont {soundfont} not found; install it with: sudo apt-get install fluid-soundfont-gm")
    with atomic_path(wav_path) as tmp:
        command = [fluidsynth, "-ni", "-q", "-g", "0.6", "-T", "wav", "-F", str(tmp), "-r", str(sample_rate),
                   str(soundfont), str(midi_path)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=RENDER_TIMEOUT)
        if done.returncode != 0 or not soundfile.info(str(tmp)).frames:
            raise TTSError(f"fluidsynth could not render {midi_path}: {done.stderr.strip()[:200] or 'no audio'}")
    return Path(wav_path)
