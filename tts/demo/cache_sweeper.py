"""Keeps Gradio's cache folder bounded: every request leaves a wav and two pictures there, and
Gradio's own delete_cache does not track the files its outputs write, so they would pile up.

The sweeper deletes what is older than `seconds`, checking as often, while the app runs. It is
meant for a folder the demo owns (`tts demo` gives Gradio a private one), never a shared one.
"""

import contextlib
import threading
import time
from pathlib import Path


def sweep(folder, seconds, *, now=None):
    """Delete files under `folder` older than `seconds`, then the folders they leave empty."""
    folder = Path(folder)
    cutoff = (time.time() if now is None else now) - seconds
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(FileNotFoundError, OSError):
            if path.is_file() and path.lstat().st_mtime < cutoff:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def start_sweeping(app, folder, seconds):
    """A daemon thread that sweeps `folder` every `seconds` until the app is closed."""

    def loop():
        while True:
            time.sleep(seconds)
            if not getattr(app, "is_running", False):
                return
            sweep(folder, seconds)

    thread = threading.Thread(target=loop, name="demo-cache-sweeper", daemon=True)
    thread.start()
    return thread
