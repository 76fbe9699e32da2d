"""Command wrappers for the system voices: check they are installed, and synthesize one sentence."""

import shutil
import subprocess

from tts.corpora.bootstrap import festival_timings
from tts.errors import TTSError

# Debian/Ubuntu packages that provide each engine and the festival voices.
PACKAGES = {
    "flite": "flite",
    "festival": "festival",
    "espeak-ng": "espeak-ng",
    "kal_diphone": "festvox-kallpc16k",
    "cmu_us_slt_arctic_hts": "festvox-us-slt-hts",
}


def _missing(what, package):
    return TTSError(f"{what} is not installed; install it with: sudo apt-get install {package}")


def _run(command, *, input=None, timeout=60):
    try:
        return subprocess.run(command, input=input, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise TTSError(f"{command[0]} took over {timeout} s; is the voice engine working?") from None


def check_installed(voices):
    """Raise a one-line TTSError naming the apt package for the first engine or voice that is missing."""
    engines = sorted({v.engine for v in voices})
    for engine in engines:
        if shutil.which(engine) is None:
            raise _missing(engine, PACKAGES[engine])
    names = {engine: [v.name for v in voices if v.engine == engine] for engine in engines}
    if "flite" in names:
        listed = _run(["flite", "-lv"]).stdout.split()
        for name in names["flite"]:
            if name not in listed:
                raise _missing(f"flite voice {name}", "flite")
    if "festival" in names:
        listed = _run(["festival", "--pipe"], input="(print (voice.list))\n").stdout
        for name in names["festival"]:
            if name not in listed.replace("(", " ").replace(")", " ").split():
                raise _missing(f"festival voice {name}", PACKAGES.get(name, "festival"))
    for name in names.get("espeak-ng", []):
        if _run(["espeak-ng", "-q", "-v", name, "a"]).returncode != 0:
            raise _missing(f"espeak-ng voice {name}", "espeak-ng-data")


def synthesize(voice, text, wav_path):
    """Write `voice` reading `text` to `wav_path` (the engine's own rate); festival also returns word
    timings, the other engines None."""
    if voice.engine == "festival":
        return festival_timings.synthesize(voice.name, text, wav_path)
    if voice.engine == "flite":
        done = _run(["flite", "-voice", voice.name, "-t", text, "-o", str(wav_path)])
    elif voice.engine == "espeak-ng":
        done = _run(["espeak-ng", "-v", voice.name, "-w", str(wav_path), "--stdin"], input=text)
    else:
        raise ValueError(f"unknown engine {voice.engine!r}")
    if done.returncode != 0:
        raise TTSError(f"{voice.label} failed on {text!r}: {done.stderr.strip()[-200:]}")
    return None
