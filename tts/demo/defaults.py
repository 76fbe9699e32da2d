"""The demo's limits and where it listens; the command line's defaults are these."""

HOST = "127.0.0.1"  # local only: reaching it from elsewhere is a deliberate --host
PORT = 7860
MAX_CHARS = 500  # longest text accepted; longer is refused before it waits in the queue
QUEUE_SIZE = 32  # requests waiting beyond this are refused with "queue full"
CONCURRENCY = 1  # syntheses at once: one already uses every core
MAX_UPLOAD = "1mb"  # the largest file anyone can post to Gradio's upload route (only extension tabs take files)
CACHE_SECONDS = 600  # the audio and pictures Gradio keeps for the page are deleted this long after, checked as often
