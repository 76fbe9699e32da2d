"""The server's limits and its admission control: so many syntheses at once, so many waiting, the
rest turned away at once with 503 and Retry-After rather than queued without bound."""

import asyncio
from dataclasses import asdict, dataclass

HOST = "127.0.0.1"  # local only: reaching it from elsewhere is a deliberate --host
PORT = 5002  # the Coqui server's port, so its clients find this one


@dataclass(frozen=True)
class ServerLimits:
    max_chars: int = 5000  # characters of text (SSML markup included) per request
    max_concurrent: int = 2  # syntheses at once; each already uses every core it is given
    max_queue: int = 16  # requests waiting for a synthesis slot; past it, 503
    timeout_s: float = 120.0  # synthesis time per request; past it the response is cut off
    max_body_bytes: int = 65536  # request body; past it, 413
    retry_after_s: int = 2  # what a 503 tells the client to wait

    def as_dict(self):
        return asdict(self)


class ServerBusy(Exception):
    """Every slot is taken and the queue is full."""


class Admission:
    """Counts running and waiting syntheses; used from the event loop's thread only."""

    def __init__(self, limits):
        self.limits = limits
        self.active = 0
        self.queued = 0
        self._slots = asyncio.Semaphore(limits.max_concurrent)

    async def enter(self):
        """A Slot once one is free; ServerBusy at once when the queue is full."""
        if self._slots.locked() and self.queued >= self.limits.max_queue:
            raise ServerBusy()
        self.queued += 1
        try:
            await self._slots.acquire()
        finally:
            self.queued -= 1
        self.active += 1
        return Slot(self)

    def _leave(self):
        self.active -= 1
        self._slots.release()


class Slot:
    """One running synthesis; release() is safe to call more than once."""

    def __init__(self, admission):
        self._admission = admission
        self._held = True

    def release(self):
        if self._held:
            self._held = False
            self._admission._leave()
