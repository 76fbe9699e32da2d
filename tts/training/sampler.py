"""Deterministic, resumable batches: the batch order and every random draw made while loading
depend only on (seed, epoch, position), never on workers, ranks or interruptions.

Each epoch is a seeded permutation cut into global batches (the incomplete tail is dropped so
every rank gets an equal share); rank r takes the r-th contiguous slice of each global batch.
The position saved in a checkpoint is (epoch, offset of the next global batch in the epoch).

Length bucketing (optional, `lengths` given): each epoch's permutation is cut into pools of
`bucket_batches` global batches, each pool is sorted by length and cut into batches, and the
batches are shuffled (another seeded draw). The epoch's order is still a pure function of
(seed, epoch), so positions and exact resume work unchanged; without `lengths` the order is
the plain permutation, as before.
"""

from dataclasses import dataclass

import torch
from torch.utils.data import Dataset

from tts.errors import TTSError
from tts.training.rng import COLLATE_STREAM, EPOCH_STREAM, SAMPLE_STREAM, derive_seed, seeded_rng


@dataclass(frozen=True)
class BatchRef:
    """One rank's share of one global batch, and where it sits in the epoch."""

    epoch: int
    start: int  # offset of the global batch in the epoch's permutation
    indices: tuple[int, ...]  # dataset indices of this rank's share
    rank: int


class ResumableBatchSampler:
    """Endless BatchRefs for one rank, starting at a saved position."""

    def __init__(self, n_items, batch_size, *, seed, rank, world_size, epoch=0, start=0, lengths=None,
                 bucket_batches=32):
        if batch_size % world_size:
            raise TTSError(f"batch_size {batch_size} does not split evenly over {world_size} processes")
        if n_items < batch_size:
            raise TTSError(f"the dataset has {n_items} items, fewer than one batch of {batch_size}")
        self.n_items = n_items
        self.batch_size = batch_size
        self.seed = seed
        self.rank = rank
        self.share = batch_size // world_size
        self.epoch, self.start = epoch, start
        if lengths is not None and len(lengths) != n_items:
            raise TTSError(f"got {len(lengths)} lengths for {n_items} items")
        if bucket_batches < 1:
            raise TTSError(f"bucket_batches must be at least 1, got {bucket_batches}")
        self.lengths = None if lengths is None else [int(n) for n in lengths]
        self.bucket_batches = bucket_batches

    def __iter__(self):
        epoch, start = self.epoch, self.start
        while True:
            if start + self.batch_size > self.n_items:
                epoch, start = epoch + 1, 0
            order = self._order(epoch)
            while start + self.batch_size <= self.n_items:
                first = start + self.rank * self.share
                yield BatchRef(epoch, start, tuple(order[first : first + self.share]), self.rank)
                start += self.batch_size

    def _order(self, epoch):
        order = self._permutation(epoch)
        return order if self.lengths is None else self._bucketed(order, epoch)

    def _permutation(self, epoch):
        generator = torch.Generator().manual_seed(derive_seed(self.seed, EPOCH_STREAM, epoch))
        return torch.randperm(self.n_items, generator=generator).tolist()

    def _bucketed(self, order, epoch):
        """`order` as shuffled batches of similar lengths, then the items left out of every batch
        (the permutation's random tail, so no length is dropped more often than another)."""
        n_batches = len(order) // self.batch_size
        kept, rest = order[: n_batches * self.batch_size], order[n_batches * self.batch_size :]
        pool = self.bucket_batches * self.batch_size
        ranked = []
        for first in range(0, len(kept), pool):  # a stable sort: ties keep their random order
            ranked += sorted(kept[first : first + pool], key=self.lengths.__getitem__)
        batches = [ranked[b * self.batch_size : (b + 1) * self.batch_size] for b in range(n_batches)]
        generator = torch.Generator().manual_seed(derive_seed(self.seed, EPOCH_STREAM, epoch, 1))
        return [item for b in torch.randperm(n_batches, generator=generator).tolist() for item in batches[b]] + rest


def position_after(ref, batch_size):
    """The sampler position to save once `ref`'s batch has been trained on."""
    return {"epoch": ref.epoch, "start": ref.start + batch_size}


class SeededBatches(Dataset):
    """Turns a BatchRef into (ref, collated batch), each sample loaded under its own seed.

    Seeding per sample (and per batch for collate) makes random crops and augmentation the same
    whether loading runs in the main process or in any worker, and after a resume.
    """

    def __init__(self, dataset, collate, seed):
        self.dataset = dataset
        self.collate = collate
        self.seed = seed

    def __getitem__(self, ref):
        samples = []
        for index in ref.indices:
            with seeded_rng(derive_seed(self.seed, SAMPLE_STREAM, ref.epoch, index)):
                samples.append(self.dataset[index])
        with seeded_rng(derive_seed(self.seed, COLLATE_STREAM, ref.epoch, ref.start, ref.rank)):
            return ref, self.collate(samples)


def keep_as_is(item):
    """DataLoader collate for items that SeededBatches already collated."""
    return item
