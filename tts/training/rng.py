"""Random number state of python, numpy and torch: derive seeds, capture, restore, scope.

The captured state holds only tensors, ints, tuples and None, so it round-trips through
`torch.load(..., weights_only=True)`.
"""

import contextlib
import random

import numpy as np
import torch

# Independent random streams derived from the run's seed (see derive_seed).
EPOCH_STREAM, SAMPLE_STREAM, COLLATE_STREAM, TRAINING_STREAM = range(4)


def derive_seed(*parts):
    """A 32-bit seed mixing non-negative ints; distinct tuples give independent streams."""
    return int(np.random.SeedSequence(list(parts)).generate_state(1)[0])


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # CPU and every CUDA device


def capture_rng():
    return {
        "python": random.getstate(),
        "numpy": _numpy_state(),
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
    }


def restore_rng(state):
    random.setstate(state["python"])
    _set_numpy_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if state["cuda"]:
        torch.cuda.set_rng_state_all(state["cuda"])


@contextlib.contextmanager
def seeded_rng(seed):
    """Seed python, numpy and torch's CPU generator inside the block; restore them after.

    Restoring matters when data loading runs in the main process (num_workers=0): the training
    stream of random numbers (dropout) must not depend on what the data pipeline drew.
    """
    saved = {"python": random.getstate(), "numpy": _numpy_state(), "torch": torch.get_rng_state()}
    random.seed(seed)
    np.random.seed(seed)
    torch.default_generator.manual_seed(seed)  # CPU only: CUDA streams belong to the training step
    try:
        yield
    finally:
        random.setstate(saved["python"])
        _set_numpy_state(saved["numpy"])
        torch.set_rng_state(saved["torch"])


def _numpy_state():
    name, key, pos, has_gauss, gauss = np.random.get_state()
    return (name, torch.from_numpy(key.astype(np.int64)), int(pos), int(has_gauss), float(gauss))


def _set_numpy_state(state):
    name, key, pos, has_gauss, gauss = state
    np.random.set_state((name, key.numpy().astype(np.uint32), pos, has_gauss, gauss))
