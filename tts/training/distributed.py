"""Which process this is under torchrun, and the few collectives the loop needs.

Started by torchrun (RANK / WORLD_SIZE / LOCAL_RANK set) the loop joins a process group: gloo
on CPU, nccl on CUDA. Started plainly it is rank 0 of 1 and no collective communicates.
"""

import contextlib
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist

from tts.errors import TTSError


@dataclass(frozen=True)
class DistributedContext:
    rank: int
    world_size: int
    local_rank: int
    device: torch.device

    @property
    def is_main(self):
        return self.rank == 0

    @property
    def is_distributed(self):
        return self.world_size > 1

    def any(self, flag):
        """True on every rank when `flag` is true on at least one."""
        if not self.is_distributed:
            return bool(flag)
        value = torch.tensor([float(bool(flag))], device=self.device)
        dist.all_reduce(value, op=dist.ReduceOp.MAX)
        return bool(value.item())

    def gather(self, obj):
        """Every rank's `obj`, in rank order, on every rank."""
        if not self.is_distributed:
            return [obj]
        gathered = [None] * self.world_size
        dist.all_gather_object(gathered, obj)
        return gathered

    def barrier(self):
        if self.is_distributed:
            dist.barrier()


def is_main_process():
    """True for rank 0 under torchrun and for a plain run: the one process that writes files.
    Readable before the process group exists, so a run's set-up can ask too."""
    return int(os.environ.get("RANK", "0")) == 0


@contextlib.contextmanager
def distributed_session(device_choice):
    """Yield this process's DistributedContext, joining (and finally leaving) torchrun's group."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    device = _pick_device(device_choice, local_rank)
    context = DistributedContext(rank, world_size, local_rank, device)
    if not context.is_distributed:
        yield context
        return
    dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    try:
        yield context
    finally:
        dist.destroy_process_group()


def _pick_device(choice, local_rank):
    use_cuda = choice == "cuda" or (choice == "auto" and torch.cuda.is_available())
    if not use_cuda:
        return torch.device("cpu")
    if not torch.cuda.is_available():
        raise TTSError(
            "device 'cuda' was asked for but no CUDA device is available; use device 'auto' or 'cpu'"
        )
    torch.cuda.set_device(local_rank)  # nccl collectives and all_gather_object use the current device
    return torch.device("cuda", local_rank)
