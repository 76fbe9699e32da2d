import os
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from voice_fixtures import build_tiny_voice

# The test plugin (entry point `tiny-sine`) is never pip-installed, so users never see it. Its folder
# holds the package and a committed dist-info, so putting the folder on the path is enough for real
# entry-point discovery: on sys.path for this process, on PYTHONPATH for the `tts` subprocesses.
TEST_PLUGIN_PATH = str(Path(__file__).resolve().parent / "plugins" / "tiny_vocoder")
if TEST_PLUGIN_PATH not in sys.path:
    sys.path.insert(0, TEST_PLUGIN_PATH)
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [TEST_PLUGIN_PATH, os.environ.get("PYTHONPATH")]))


@pytest.fixture(scope="session")
def voice_dir(tmp_path_factory):
    """A tiny untrained voice directory, built once; tests must not change it."""
    return build_tiny_voice(tmp_path_factory.mktemp("voice"))


@pytest.fixture(scope="session")
def voice(voice_dir):
    from tts.voice import Voice

    return Voice.load(voice_dir)


@pytest.fixture
def rng():
    """A seeded generator so every randomized test is reproducible."""
    return np.random.default_rng(1234)


@pytest.fixture(scope="module")
def one_torch_thread():
    """For modules of tiny tensors: a second OpenMP thread only adds waits on a busy machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
