"""The HTTP server under load: `tts serve` on the bundled voice (its default vocoder) answering
1, 4 and 16 clients at once, each a thread with its own connection, that send
`POST /v1/audio/speech` with response_format "wav" (streamed as it is rendered): one-sentence
texts, speakers p225..p232 in turn. Per level: requests per second, time to the first byte of
audio and to the last (p50/p95/p99; a request queued for a synthesis slot gets no response headers
until it has one, so its wait is in both), the median time between them, audio seconds per
request, audio seconds served per wall second, the status codes, and the most requests /health
saw running and queued. One untimed request warms the server first.

Prints a table and ends with one JSON line. Usage:

    python bench/server.py [--voice DIR] [--requests 24] [--clients 1 4 16]
                           [--max-concurrent 2] [--max-queue 16]
"""

import argparse
import collections
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time

import httpx
import torch

TEXTS = (
    "The baker opened his shop an hour earlier than usual.",
    "A small red kite drifted slowly over the harbour wall.",
    "Could you pass me the salt and the black pepper?",
    "The train to the coast leaves from the second platform.",
    "My neighbour grows tomatoes and beans in her back garden.",
    "We should finish the report before the meeting on Friday.",
    "The old clock in the hallway stopped at half past nine.",
    "Two students cycled along the canal on their way to class.",
    "The kettle whistled while the rain tapped against the window.",
    "He found his missing keys under a pile of newspapers.",
    "The city council voted to plant more trees downtown.",
    "Please leave your muddy boots by the front door.",
    "The concert hall was full long before the doors closed.",
    "A fox crossed the quiet road just after midnight.",
    "She wrote a long letter to her cousin in Canada.",
    "The farmers hope for warm weather during the harvest.",
)
SPEAKERS = tuple(f"p{number}" for number in range(225, 233))
WAV_HEADER_BYTES = 44  # the open-ended header of a streamed wav (tts.wav_writer.wav_header)
START_TIMEOUT_S = 180.0
HEALTH_POLL_S = 0.2


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voice", help="voice directory (default: the bundled voice)")
    parser.add_argument("--requests", type=int, default=24, help="requests per level (at least as many as clients)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16], help="concurrency levels")
    parser.add_argument("--max-concurrent", type=int, help="passed to `tts serve` (default: its own, 2)")
    parser.add_argument("--max-queue", type=int, help="passed to `tts serve` (default: its own, 16)")
    args = parser.parse_args()

    port = _free_port()
    command = [sys.executable, "-m", "tts.cli.main", "serve", "--port", str(port)]
    for option in ("voice", "max_concurrent", "max_queue"):
        if getattr(args, option) is not None:
            command += [f"--{option.replace('_', '-')}", str(getattr(args, option))]
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile(mode="w+") as log, _Server(command, log) as server:
        try:
            started = time.perf_counter()
            health = _wait_for_health(base, server, log)
            start_seconds = time.perf_counter() - started
            with httpx.Client(base_url=base, timeout=None) as client:
                voices = client.get("/voices").json()
                warm = _request(client, 0)
            if warm["status"] != 200:
                raise SystemExit(f"warm-up request failed with status {warm['status']}")
            levels = [_level(base, clients, max(args.requests, clients), voices["sample_rate"]) for clients in args.clients]
        except BaseException:
            log.seek(0)
            sys.stderr.write(log.read()[-4000:])
            raise

    limits = health["limits"]
    machine = (f"{platform.system()} {platform.machine()} {_cpu_name()}, {os.cpu_count()} CPUs, "
               f"torch {torch.__version__} {torch.get_num_threads()} threads")
    print(f"{machine}; load average {os.getloadavg()[0]:.1f} after")
    print(f"voice {voices['voice']!r}, vocoder {voices['default_vocoder']!r}; server started in {start_seconds:.1f} s, "
          f"max_concurrent {limits['max_concurrent']}, max_queue {limits['max_queue']}; POST /v1/audio/speech, "
          f"wav streamed, {len(TEXTS)} one-sentence texts, speakers {SPEAKERS[0]}..{SPEAKERS[-1]}; "
          f"warm-up {warm['last_s']:.2f} s")
    print(f"{'clients':>7} {'requests':>8} {'ok':>4} {'refused':>7} {'req/s':>6} "
          f"{'TTFB p50':>9} {'p95':>6} {'p99':>6} {'total p50':>10} {'p95':>6} {'p99':>6} "
          f"{'first-last p50':>14} {'audio s':>8} {'x real time':>11} {'max active/queued':>18}")
    for row in levels:
        print(f"{row['clients']:>7} {row['requests']:>8} {row['ok']:>4} {row['refused']:>7} {row['rps']:>6.2f} "
              f"{row['ttfb_p50']:>9.3f} {row['ttfb_p95']:>6.3f} {row['ttfb_p99']:>6.3f} "
              f"{row['total_p50']:>10.3f} {row['total_p95']:>6.3f} {row['total_p99']:>6.3f} "
              f"{row['stream_p50']:>14.3f} {row['audio_s_mean']:>8.2f} {row['x_real_time']:>11.2f} "
              f"{str(row['max_active']) + '/' + str(row['max_queued']):>18}")
        if row["ok"] != row["requests"]:
            print(f"        not 200: {row['statuses']}")
    print("TTFB: from sending the request to the first body bytes (the wav header and the first audio; a request "
          "waiting for a slot gets no headers until it has one); total: to the last byte; first-last: the time "
          "between them. x real time: audio seconds served per wall second of the level.")
    print(json.dumps({
        "benchmark": "server", "machine": machine, "voice": voices["voice"], "vocoder": voices["default_vocoder"],
        "max_concurrent": limits["max_concurrent"], "max_queue": limits["max_queue"], "response_format": "wav",
        "texts": len(TEXTS), "start_s": round(start_seconds, 2), "warmup_s": round(warm["last_s"], 3),
        "levels": levels,
    }))


class _Server:
    """`tts serve` as a subprocess, stopped on the way out whatever happened."""

    def __init__(self, command, log):
        self.command, self.log = command, log
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(self.command, stdout=self.log, stderr=subprocess.STDOUT)
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return False


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_health(base, server, log):
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"tts serve exited with status {server.process.returncode} before it answered")
        try:
            response = httpx.get(f"{base}/health", timeout=2.0)
            if response.status_code == 200:
                return response.json()
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"tts serve did not answer /health within {START_TIMEOUT_S:g} s")


def _request(client, index):
    """One streamed request: status, seconds to the first body bytes and to the last, body bytes."""
    body = {"model": "tts-1", "input": TEXTS[index % len(TEXTS)], "voice": SPEAKERS[index % len(SPEAKERS)],
            "response_format": "wav"}
    started = time.perf_counter()
    first = None
    size = 0
    try:
        with client.stream("POST", "/v1/audio/speech", json=body) as response:
            for piece in response.iter_raw():
                if first is None and piece:
                    first = time.perf_counter() - started
                size += len(piece)
            status = response.status_code
    except httpx.HTTPError as error:
        return {"index": index, "status": type(error).__name__, "first_s": None, "last_s": None, "bytes": 0}
    return {"index": index, "status": status, "first_s": first, "last_s": time.perf_counter() - started, "bytes": size}


def _level(base, clients, requests, sample_rate):
    """`requests` requests shared out to `clients` threads, each with its own connection."""
    pending = iter(range(requests))
    take = threading.Lock()
    results = []
    barrier = threading.Barrier(clients + 1)

    def client_thread():
        with httpx.Client(base_url=base, timeout=None) as client:
            client.get("/health")  # open this thread's connection before the clock starts
            barrier.wait()
            while True:
                with take:
                    index = next(pending, None)
                if index is None:
                    return
                results.append(_request(client, index))

    threads = [threading.Thread(target=client_thread) for _ in range(clients)]
    for thread in threads:
        thread.start()
    watch = _HealthWatch(base)
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    watch.stop()

    ok = [r for r in results if r["status"] == 200]
    audio = [(r["bytes"] - WAV_HEADER_BYTES) / 2 / sample_rate for r in ok]
    statuses = collections.Counter(str(r["status"]) for r in results)
    row = {"clients": clients, "requests": requests, "ok": len(ok), "refused": statuses.get("503", 0),
           "statuses": dict(statuses), "wall_s": round(wall, 3), "rps": round(len(ok) / wall, 3)}
    for name, key in (("ttfb", "first_s"), ("total", "last_s")):
        values = sorted(r[key] for r in ok)
        for q in (50, 95, 99):
            row[f"{name}_p{q}"] = round(_percentile(values, q), 4) if values else None
    streaming = sorted(r["last_s"] - r["first_s"] for r in ok)  # first byte to last: the rendering itself
    row["stream_p50"] = round(_percentile(streaming, 50), 4) if streaming else None
    row["audio_s_mean"] = round(sum(audio) / len(audio), 3) if audio else 0.0
    row["x_real_time"] = round(sum(audio) / wall, 3)
    row["max_active"], row["max_queued"] = watch.max_active, watch.max_queued
    return row


class _HealthWatch:
    """Polls /health on its own thread: the most syntheses seen running and waiting."""

    def __init__(self, base):
        self.max_active = self.max_queued = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(base,), daemon=True)
        self._thread.start()

    def _run(self, base):
        with httpx.Client(base_url=base, timeout=5.0) as client:
            while not self._stop.is_set():
                try:
                    health = client.get("/health").json()
                except httpx.HTTPError:
                    pass
                else:
                    self.max_active = max(self.max_active, health["active"])
                    self.max_queued = max(self.max_queued, health["queued"])
                self._stop.wait(HEALTH_POLL_S)

    def stop(self):
        self._stop.set()
        self._thread.join()


def _percentile(values, q):
    """Linear interpolation between the closest ranks (numpy's default) of sorted values."""
    position = (len(values) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def _cpu_name():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
