import numpy as np
import pytest
import torch

from voice_fixtures import build_tiny_voice


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
