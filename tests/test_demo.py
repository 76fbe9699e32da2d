"""The Gradio demo: its request handler on the tiny voice, and the page served by `tts demo` driven in
a real browser (Debian's chromium through Playwright)."""

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import gradio as gr
import numpy as np
import pytest

from tts.cli.main import build_parser
from tts.demo.app import build_app, example_rows, serve
from tts.demo.handler import DemoHandler, speaker_choices
from tts.voice import Voice
from voice_fixtures import SPEC

MAX_CHARS = 60
CHROMIUM = "/usr/bin/chromium"  # the Debian package (Makefile APT_PACKAGES); Playwright downloads no browser
# Decodes the page's audio with the browser's own decoder: its peak and length.
DECODE_AUDIO_JS = """async (src) => {
    const bytes = await (await fetch(src)).arrayBuffer();
    const audio = await new OfflineAudioContext(1, 1, 8000).decodeAudioData(bytes);
    return [audio.getChannelData(0).reduce((peak, x) => Math.max(peak, Math.abs(x)), 0), audio.duration];
}"""


@pytest.fixture(scope="module")
def handler(voice):
    return DemoHandler(voice, max_chars=MAX_CHARS)


def finished(updates):
    """The handler's last update: the audio, both pictures and the details."""
    return list(updates)[-1]


def details(updates):
    return finished(updates)[3]


def test_speaker_dropdown_lists_every_speaker_by_index_id_and_gender(voice):
    assert speaker_choices(voice) == [("0 · p225 (M)", "p225"), ("1 · p226 (F)", "p226"), ("2 · p227 (M)", "p227")]


def test_synthesis_gives_audible_audio_both_pictures_and_timings(handler):
    (rate, pcm), mel, alignment, text = finished(handler("The cat sat on the mat.", "p226", "", "griffinlim", 1.0))
    assert rate == SPEC.sample_rate and pcm.dtype == np.int16 and len(pcm) > rate // 4
    assert np.abs(pcm.astype(np.float64)).max() > 1000  # non-silent
    for picture in (mel, alignment):
        assert picture.ndim == 3 and picture.shape[2] == 3 and picture.shape[1] > 500 and picture.std() > 0
    assert "speaker: p226\n" in text and "phonemes: | ð ə | k ˈæ t |" in text and "report: nothing dropped" in text
    assert re.search(r"timings: frontend [\d.]+ s · acoustic [\d.]+ s · vocoder [\d.]+ s · total .* \(RTF [\d.]+\)", text)


def test_dropped_characters_are_reported(handler):
    assert "report: dropped 1 character: '😀' ×1" in details(handler("Hello 😀", "p225", "", "world", 1.0))


def test_a_filled_in_mix_overrides_the_dropdown(handler):
    assert "speaker: p225 ×0.50 + p227 ×0.50" in details(handler("Hi there.", "p226", " p225:1,2:1 ", "world", 1.0))
    assert "speaker: p226\n" in details(handler("Hi there.", "p226", "  ", "world", 1.0))


def test_ssml_switches_speakers_and_breaks_with_or_without_the_checkbox(voice):
    handler = DemoHandler(voice, max_chars=200)
    text = '<speak>Hi.<break time="500ms"/><voice name="p227">Bye.</voice></speak>'
    for ticked in (True, False):  # a leading <speak> is SSML either way, as in `tts synth`
        (rate, pcm), _, _, text_details = finished(handler(text, "p225", "", "griffinlim", 1.0, ticked))
        assert "speaker: p225 → p227\n" in text_details
        silent = np.flatnonzero(pcm == 0)
        assert np.diff(silent).tolist().count(1) >= int(0.5 * rate) - 1  # the break's half second of zeros
    with pytest.raises(gr.Error, match="malformed SSML at line 1, column 1"):
        finished(handler("Hi <there>", "p225", "", "griffinlim", 1.0, True))


@pytest.mark.parametrize("mix, message", [
    ("0:0.5,1:x", "'1:x' is not speaker:weight"),
    ("7:1", "unknown speaker 7; valid speakers: 0 \\(p225\\), 1 \\(p226\\), 2 \\(p227\\)"),
    ("0:0", "has no positive weight"),
])
def test_a_bad_mix_is_a_message_not_a_traceback(handler, mix, message):
    with pytest.raises(gr.Error, match=message):
        finished(handler("Hi there.", "p225", mix, "world", 1.0))


@pytest.mark.parametrize("text, message", [
    ("", "enter some text to speak"),
    (" \n ", "enter some text to speak"),
    ("a" * (MAX_CHARS + 1), f"the text has {MAX_CHARS + 1} characters; this demo speaks at most {MAX_CHARS}"),
])
def test_empty_and_over_limit_text_are_refused_before_synthesis(handler, text, message):
    started = time.perf_counter()
    with pytest.raises(gr.Error, match=message):
        finished(handler(text, "p225", "", "griffinlim", 1.0))
    assert time.perf_counter() - started < 0.5
    # the validator refuses the same text as a request arrives, before it waits in the queue
    verdicts = handler.validate(text, "p225", "", "griffinlim", 1.0)
    assert verdicts[0]["is_valid"] is False and re.search(message, verdicts[0]["message"])
    assert len(verdicts) == 5 and all(v["is_valid"] for v in verdicts[1:])


def test_examples_fit_the_limit_and_all_speak(voice, handler):
    rows = example_rows(voice, MAX_CHARS)
    assert len(rows) == 5 and example_rows(voice, 40) == [row for row in rows if len(row[0]) <= 40]
    for row in rows:
        assert details(handler(*row)).startswith("speaker: ")
    assert isinstance(build_app(voice, max_chars=MAX_CHARS), gr.Blocks)


def test_command_line_defaults_are_local_and_bounded():
    args = build_parser().parse_args(["demo"])
    assert (args.host, args.port, args.max_chars, args.queue_size, args.concurrency) == ("127.0.0.1", 7860, 500, 32, 1)


def test_page_speaks_typed_text_in_a_browser(voice_dir, tmp_path):
    from playwright.sync_api import expect, sync_playwright  # the `test` extra

    with demo_server(voice_dir, tmp_path) as url, sync_playwright() as playwright:
        # --no-sandbox: Chromium's sandbox needs user namespaces or non-root, which CI containers lack;
        # the browser only ever opens this local page.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        page.locator("#text textarea").fill("Hello 😀. The demo speaks.")
        page.locator("#synthesize").click()
        download = page.locator("#audio a[download]")
        download.wait_for(timeout=30_000)
        peak, seconds = page.evaluate(DECODE_AUDIO_JS, download.get_attribute("href"))
        assert peak > 0.05 and seconds > 0.5
        expect(page.locator("#details textarea")).to_have_value(re.compile("dropped 1 character: '😀'.*RTF", re.S))
        expect(page.locator("#mel img")).to_be_visible()
        expect(page.locator("#alignment img")).to_be_visible()
        # only the app's own files are served
        assert page.request.get(f"{url}/gradio_api/file=/etc/passwd").status == 403
        screenshot = tmp_path / "demo.png"
        page.screenshot(path=screenshot, full_page=True)
        browser.close()
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 10_000


def test_fifty_concurrent_requests_each_get_their_own_audio(voice_dir, voice, tmp_path):
    import soundfile
    from gradio_client import Client  # installed with gradio

    texts = [f"Request number {i}." for i in range(50)]
    # what each text must give: its own phonemes, and as many samples as its frames
    expected = []
    for text in texts:
        utterance = voice.frontend(text, speaker=0)
        phonemes = " ".join(p if p != " " else "|" for p in utterance.phonemes)
        expected.append((f"phonemes: {phonemes}", int(utterance.durations.sum()) * SPEC.hop_length))
    with demo_server(voice_dir, tmp_path, "--queue-size", "64") as url:
        client = Client(url, verbose=False)
        jobs = [client.submit(text, "p225", "", "griffinlim", 1.0, api_name="/synthesize") for text in texts]
        results = [job.result(timeout=120) for job in jobs]
    assert [(phoneme_line(r[3]), soundfile.info(r[0]).frames) for r in results] == expected


# A client that submits a long text, says so, then waits to be killed mid-synthesis.
DISCONNECTING_CLIENT = """
import sys, time
from gradio_client import Client
job = Client(sys.argv[1], verbose=False).submit(sys.argv[2], "p225", "", "griffinlim", 0.25, api_name="/synthesize")
print("submitted", flush=True)
time.sleep(60)
"""


def test_clients_that_disconnect_mid_synthesis_free_their_slots(voice_dir, tmp_path):
    from gradio_client import Client

    long_text = ("The slow reader keeps on talking. " * 14)[:480]  # about 8 s of synthesis here at speed 0.25
    with demo_server(voice_dir, tmp_path, "--queue-size", "2", "--max-chars", "500") as url:
        # more clients than the queue holds and the one slot that runs: had their jobs kept their
        # places after the clients died, the last request would find the queue full
        clients = [
            subprocess.Popen([sys.executable, "-c", DISCONNECTING_CLIENT, url, long_text], stdout=subprocess.PIPE, text=True)
            for _ in range(3)
        ]
        for client in clients:
            assert client.stdout.readline().strip() == "submitted"
        time.sleep(1.0)  # their requests reach the server's queue
        for client in clients:
            client.kill()
            client.wait()
        result = Client(url, verbose=False).predict("Still here.", "p225", "", "griffinlim", 1.0, api_name="/synthesize")
    assert phoneme_line(result[3]).startswith("phonemes: | s t")


def phoneme_line(details):
    return next(line for line in details.splitlines() if line.startswith("phonemes:"))


@contextlib.contextmanager
def demo_server(voice_dir, tmp_path, *options):
    """Run `tts demo` on a free port for the block; yields its URL."""
    with socket.socket() as probe:  # a free port, released just before the server takes it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    env = {**os.environ, "GRADIO_TEMP_DIR": str(tmp_path / "gradio")}  # the audio files it serves land here
    with open(log, "w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "tts.cli.main", "demo", "--voice", str(voice_dir), "--port", str(port), *options],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )
    try:
        wait_until_serving(url, server, log)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_until_serving(url, server, log, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"`tts demo` exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"`tts demo` did not answer within {timeout} s:\n{log.read_text()}")


@contextlib.contextmanager
def in_process_demo(voice, max_chars=MAX_CHARS, **options):
    """build_app + serve on a free port in this process, so a test can watch the voice it uses."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = build_app(voice, max_chars=max_chars)
    serve(app, port=port, block=False, **options)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        app.close()


def test_a_request_whose_client_is_killed_stops_and_frees_the_queue(voice_dir):
    from gradio_client import Client

    voice = Voice.load(voice_dir)
    vocoder = voice.vocoder("griffinlim")
    rendered = []
    real_render = vocoder.render

    def slow_render(utterances):  # 0.1 s a sentence: the 100-sentence request below takes 10 s or more
        time.sleep(0.1)
        rendered.append(len(utterances))
        return real_render(utterances)

    vocoder.render = slow_render
    text = " ".join(f"Sentence {n} is here." for n in range(100))
    with in_process_demo(voice, max_chars=len(text)) as url:
        script = (f"from gradio_client import Client\nClient({url!r}, verbose=False).predict({text!r}, 'p225', '', "
                  "'griffinlim', 1.0, False, api_name='/synthesize')")
        client = subprocess.Popen([sys.executable, "-c", script])
        deadline = time.monotonic() + 60
        while len(rendered) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        client.kill()
        client.wait()
        time.sleep(1.0)
        stopped_at = len(rendered)
        time.sleep(1.0)
        assert len(rendered) == stopped_at < 40  # it stopped within a second of the kill, not at sentence 100
        started = time.monotonic()
        result = Client(url, verbose=False).predict("Next one.", "p225", "", "griffinlim", 1.0, False,
                                                    api_name="/synthesize")
        assert time.monotonic() - started < 5 and phoneme_line(result[3]).startswith("phonemes: | n ˈɛ k s t")


def test_the_files_the_page_wrote_are_swept(voice_dir, tmp_path, monkeypatch):
    from gradio_client import Client

    cache = tmp_path / "gradio"
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(cache))  # read as the app is built, as `tts demo` arranges
    with in_process_demo(Voice.load(voice_dir), cache_seconds=3) as url:
        Client(url, verbose=False).predict("One.", "p225", "", "griffinlim", 1.0, False, api_name="/synthesize")
        written = [p for p in cache.rglob("*") if p.is_file()]
        assert len(written) >= 3  # at least the wav and two pictures, younger than 3 s
        deadline = time.monotonic() + 20
        while any(p.exists() for p in written) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(p.exists() for p in written) and not any(cache.iterdir())
