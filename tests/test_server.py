"""`tts serve` over real HTTP: a uvicorn server on a free port, the tiny voice, httpx, the openai client
and raw sockets as clients."""

import concurrent.futures
import contextlib
import io
import json
import socket
import threading
import time

import httpx
import numpy as np
import pytest
import soundfile
import uvicorn

from test_ssml import BILLION_LAUGHS, EXTERNAL_ENTITY
from tts.server.app import STREAM_CHUNK_FRAMES, create_app
from tts.server.limits import ServerLimits
from tts.voice import Voice
from tts.wav_writer import pcm16, wav_header

TEXT = "The cat sat on the mat. A dog barked twice!"


@pytest.fixture(scope="module")
def voice(voice_dir):
    """The module's own Voice: tests here wrap its vocoder."""
    return Voice.load(voice_dir)


@contextlib.contextmanager
def serving(voice, **limits):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(voice, ServerLimits(**limits)), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        listener.close()


@pytest.fixture(scope="module")
def url(voice):
    with serving(voice, max_concurrent=2, max_queue=64) as address:
        yield address


def expected_audio(voice, text, speaker="0", streamed=True):
    options = {"chunk_frames": STREAM_CHUNK_FRAMES} if streamed else {"batch_sentences": 8}
    return np.concatenate([chunk.audio for chunk in voice.stream(text, ssml=text.startswith("<speak"),
                                                                 speaker=speaker, **options)])


def speech(url, timeout=60, **fields):
    return httpx.post(f"{url}/v1/audio/speech", json={"model": "tts-1", **fields}, timeout=timeout)


@contextlib.contextmanager
def gated_vocoder(voice, free_pieces=0):
    """Vocoder pieces after the first `free_pieces` wait for the returned Event: syntheses hold
    their slots until it is set."""
    vocoder = voice.vocoder()
    original = vocoder.stream
    gate = threading.Event()
    pieces = iter(range(1_000_000))

    def waiting_stream(utterance, **options):
        for piece in original(utterance, **options):
            if next(pieces) >= free_pieces:
                gate.wait(30)
            yield piece

    vocoder.stream = waiting_stream
    try:
        yield gate
    finally:
        gate.set()
        del vocoder.stream


def wait_until_idle(url, seconds=5.0):
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        health = httpx.get(f"{url}/health").json()
        if health["active"] == 0 and health["queued"] == 0:
            return health
        time.sleep(0.05)
    raise AssertionError(f"slots still taken after {seconds} s: {health}")


def test_health_and_voices(url, voice):
    health = httpx.get(f"{url}/health").json()
    assert health["status"] == "ok" and health["active"] == 0 and health["limits"]["max_queue"] == 64
    listing = httpx.get(f"{url}/voices").json()
    assert [s["id"] for s in listing["speakers"]] == list(voice.speakers)
    assert [s["index"] for s in listing["speakers"]] == list(range(len(voice.speakers)))
    assert listing["vocoders"] == list(voice.vocoder_names) and listing["sample_rate"] == voice.sample_rate
    assert listing["response_formats"] == ["flac", "pcm", "wav"]


def test_openai_speech_streams_a_wav_of_exactly_the_voices_audio(url, voice):
    response = speech(url, input=TEXT, voice="p227", response_format="wav")
    assert response.status_code == 200 and response.headers["content-type"] == "audio/wav"
    assert response.headers.get("transfer-encoding") == "chunked"
    body = response.content
    assert body[:44] == wav_header(voice.sample_rate, None)
    assert body[44:] == pcm16(expected_audio(voice, TEXT, "p227"))


def test_pcm_streams_and_flac_comes_whole(url, voice):
    pcm = speech(url, input=TEXT, voice="1", response_format="pcm")
    flac = speech(url, input=TEXT, voice=1, response_format="flac", speed=1.0)
    assert pcm.headers["content-type"] == "audio/L16" and pcm.headers["x-sample-rate"] == str(voice.sample_rate)
    assert pcm.content == pcm16(expected_audio(voice, TEXT, "1"))
    assert flac.headers["content-type"] == "audio/flac" and "transfer-encoding" not in flac.headers
    decoded, rate = soundfile.read(io.BytesIO(flac.content), dtype="int16")
    assert rate == voice.sample_rate
    whole = np.frombuffer(pcm16(expected_audio(voice, TEXT, "1", streamed=False)), dtype="<i2")
    np.testing.assert_array_equal(decoded, whole)


def test_coqui_form_answers_a_whole_wav(url, voice):
    response = httpx.get(f"{url}/api/tts", params={"text": TEXT, "speaker_id": "p226", "style_wav": ""})
    assert response.status_code == 200 and response.headers["content-type"] == "audio/wav"
    audio, rate = soundfile.read(io.BytesIO(response.content), dtype="int16")
    assert rate == voice.sample_rate
    expected = np.frombuffer(pcm16(expected_audio(voice, TEXT, "p226", streamed=False)), dtype="<i2")
    np.testing.assert_array_equal(audio, expected)


def test_the_openai_client_library(url, voice):
    import openai

    client = openai.OpenAI(base_url=f"{url}/v1", api_key="not-needed")
    response = client.audio.speech.create(model="tts-1", voice="p227", input=TEXT, response_format="wav")
    assert response.content[44:] == pcm16(expected_audio(voice, TEXT, "p227"))
    with pytest.raises(openai.BadRequestError, match="unknown speaker 'alloy'"):
        client.audio.speech.create(model="tts-1", voice="alloy", input=TEXT)


def test_ssml_input_and_the_model_field_choosing_a_vocoder(url, voice):
    text = '<speak>The cat sat.<break time="400ms"/>A dog barked.</speak>'
    response = speech(url, input=text, voice="0", model="wavenet", response_format="pcm")
    chunks = voice.stream(text, ssml=True, vocoder="wavenet", chunk_frames=STREAM_CHUNK_FRAMES)
    assert response.content == pcm16(np.concatenate([chunk.audio for chunk in chunks]))


def test_a_stream_starts_before_synthesis_ends(url, voice):
    with gated_vocoder(voice, free_pieces=1) as gate:
        with httpx.stream("POST", f"{url}/v1/audio/speech", json={"input": TEXT, "voice": "0"}, timeout=30) as response:
            assert response.status_code == 200
            pieces = response.iter_raw()
            first = next(pieces)  # the vocoder is held after its first piece: this came before the rest
            assert first.startswith(b"RIFF") and len(first) > 44
            assert httpx.get(f"{url}/health").json()["active"] == 1
            gate.set()
            body = first + b"".join(pieces)
    assert body[44:] == pcm16(expected_audio(voice, TEXT))
    wait_until_idle(url)


BAD_REQUESTS = [
    ({"input": TEXT, "voice": "p999"}, 400, "unknown speaker 'p999'"),
    ({"input": TEXT, "voice": "-1"}, 400, "speaker"),
    ({"input": TEXT, "response_format": "mp3"}, 400, "response_format 'mp3' is not supported; use one of flac, pcm, wav"),
    ({"input": ""}, 400, "empty text"),
    ({"input": "   \n"}, 400, "empty text"),
    ({"voice": "0"}, 400, "empty text"),
    ({"input": "x" * 200_001}, 400, "text of 200001 characters is over this server's limit of 200000"),
    ({"input": TEXT, "speed": 9}, 400, "speed must be between 0.25 and 4"),
    ({"input": TEXT, "speed": "fast"}, 400, "speed has the wrong type: str"),
    ({"input": TEXT, "stream_format": "sse"}, 400, "stream_format must be 'audio'"),
    ({"input": "?!..."}, 400, "nothing to speak"),
    ({"input": "<speak>Hello <s>there</speak>"}, 400, "malformed SSML at line 1, column 24: mismatched tag"),
    ({"input": "<speak>Hi <break time='99999s'/></speak>"}, 200, None),  # clamped to 10 s, documented
    ({"input": BILLION_LAUGHS}, 400, "SSML with a DTD or entity declarations is refused"),
    ({"input": EXTERNAL_ENTITY}, 400, "SSML with a DTD or entity declarations is refused"),
    ({"input": "<speak>" * 10_000 + "x" + "</speak>" * 10_000}, 400, "nests elements more than 100 deep"),
]


@pytest.fixture(scope="module")
def strict_url(voice):
    with serving(voice, max_chars=200_000, max_body_bytes=300_000) as address:
        yield address


@pytest.mark.parametrize("fields, status, message", BAD_REQUESTS)
def test_bad_requests_get_json_errors_and_the_server_goes_on(strict_url, fields, status, message):
    response = speech(strict_url, **fields)
    assert response.status_code == status, response.text
    if message is not None:
        error = response.json()["error"]
        assert message in error["message"]
        assert error["code"] == status and "\n" not in error["message"]
    wait_until_idle(strict_url)
    assert speech(strict_url, input="Still here.").status_code == 200


@pytest.mark.parametrize("body, status, message", [
    (b'{"input": "caf\xe9"}', 400, "request body is not valid UTF-8 (byte 0xe9 at offset 14)"),
    (b'{"input": ', 400, "request body is not JSON: Expecting value at line 1, column 11"),
    (b'["input"]', 400, "request body must be a JSON object"),
    (b"x" * 300_001, 413, "request body of 300001 bytes is over this server's limit of 300000"),
])
def test_bodies_that_cannot_be_read(strict_url, body, status, message):
    response = httpx.post(f"{strict_url}/v1/audio/speech", content=body)
    assert response.status_code == status
    assert response.json()["error"]["message"] == message


def test_a_body_without_a_length_is_cut_at_the_limit(strict_url):
    chunks = iter([b"x" * 160_000, b"x" * 160_000])  # chunked transfer: no Content-Length to refuse up front
    response = httpx.post(f"{strict_url}/v1/audio/speech", content=chunks)
    assert response.status_code == 413 and "over this server's limit of 300000 bytes" in response.text


def test_coqui_form_errors(url):
    assert httpx.get(f"{url}/api/tts", params={"text": TEXT, "speaker_id": "p999"}).status_code == 400
    response = httpx.get(f"{url}/api/tts")
    assert response.status_code == 400 and response.json()["error"]["message"].startswith("empty text")


def test_50_concurrent_requests_each_get_their_own_audio(url, voice):
    texts = [f"Request number {n} says {word}." for n, word in zip(range(50), ["yes", "no", "maybe", "now", "later"] * 10)]
    with concurrent.futures.ThreadPoolExecutor(50) as pool:
        responses = list(pool.map(lambda text: speech(url, input=text, voice="2", response_format="pcm"), texts))
    for text, response in zip(texts, responses):
        assert response.status_code == 200
        assert response.content == pcm16(expected_audio(voice, text, "2"))
    wait_until_idle(url)


def test_a_burst_past_the_queue_gets_503_and_the_rest_are_served(voice):
    with serving(voice, max_concurrent=1, max_queue=2) as url, gated_vocoder(voice) as gate:
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(speech, url, input=f"Burst number {n}.", response_format="pcm") for n in range(8)]
            stop = time.monotonic() + 10
            while sum(f.done() for f in futures) < 5 and time.monotonic() < stop:
                time.sleep(0.02)
            time.sleep(0.3)  # with the gate shut, nothing else can finish
            refused = [f.result() for f in futures if f.done()]
            assert len(refused) == 5  # 1 synthesizing, 2 waiting: the other 5 are turned away at once
            assert all(r.status_code == 503 and r.headers["retry-after"] == "2" for r in refused)
            assert all(r.json()["error"]["type"] == "server_busy" for r in refused)
            health = httpx.get(f"{url}/health").json()
            assert (health["active"], health["queued"]) == (1, 2)
            gate.set()
            served = [f.result() for f in futures if f.result().status_code != 503]
        assert [r.status_code for r in served] == [200, 200, 200]
        wait_until_idle(url)
        assert speech(url, input=TEXT).status_code == 200


def test_clients_killed_mid_stream_free_their_slots(voice):
    long_text = " ".join(f"Sentence {n} goes on." for n in range(1000))  # more audio than socket buffers hold
    with serving(voice, max_concurrent=2, max_queue=4, max_chars=50_000) as url:
        port = int(url.rsplit(":", 1)[1])
        for _ in range(3):
            client = socket.create_connection(("127.0.0.1", port), timeout=10)
            body = json.dumps({"input": long_text, "response_format": "pcm"}).encode()
            client.sendall(b"POST /v1/audio/speech HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            assert client.recv(65536).startswith(b"HTTP/1.1 200")
            assert httpx.get(f"{url}/health").json()["active"] >= 1  # still rendering: the client reads nothing more
            client.close()
        wait_until_idle(url)
        assert speech(url, input=TEXT, response_format="pcm").content == pcm16(expected_audio(voice, TEXT))


def test_the_time_limit_answers_503_and_frees_the_slot(voice):
    with serving(voice, timeout_s=0.5) as url, gated_vocoder(voice) as gate:
        response = speech(url, input=TEXT)
        assert response.status_code == 503 and "longer than this server's limit of 0.5 s" in response.text
        gate.set()
        wait_until_idle(url)
        assert speech(url, input=TEXT).status_code == 200

