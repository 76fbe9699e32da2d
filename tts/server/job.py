"""A synthesis running on its own thread, handing its chunks to the event loop as they are rendered.

Torch and numba release the GIL, so the loop keeps answering other requests meanwhile. The queue
between them is bounded, so a slow client holds back the renderer instead of filling memory; a
cancelled job (client gone, time up) stops after the chunk it is rendering.
"""

import asyncio
import concurrent.futures
import threading

BUFFERED_CHUNKS = 4
POLL_SECONDS = 0.1

END = object()  # the last item of every job that finished


class SynthesisJob:
    def __init__(self, chunks, loop):
        self._chunks = chunks  # the Voice's stream: an iterator of Synthesis
        self._loop = loop
        self._queue = asyncio.Queue(maxsize=BUFFERED_CHUNKS)
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tts-synthesis", daemon=True)
        self._thread.start()

    async def next(self, timeout):
        """The next Synthesis, END, or the exception the stream raised; TimeoutError after `timeout` s."""
        return await asyncio.wait_for(self._queue.get(), timeout)

    def cancel(self):
        self._cancelled.set()

    def _run(self):
        try:
            for chunk in self._chunks:
                if self._cancelled.is_set() or not self._put(chunk):
                    return
            self._put(END)
        except Exception as error:  # noqa: BLE001 - handed to the request, which answers with it
            self._put(error)
        finally:
            close = getattr(self._chunks, "close", None)
            if close is not None:
                close()

    def _put(self, item):
        """Wait for room in the queue; False when the job was cancelled meanwhile."""
        try:
            future = asyncio.run_coroutine_threadsafe(self._queue.put(item), self._loop)
        except RuntimeError:  # the server is shutting down: its loop is closed
            return False
        while True:
            try:
                future.result(timeout=POLL_SECONDS)
                return True
            except concurrent.futures.TimeoutError:
                if self._cancelled.is_set():
                    future.cancel()
                    return False
