"""The HTTP API over one Voice (FastAPI; `tts serve` runs it under uvicorn).

    POST /v1/audio/speech   OpenAI's form: {"model", "input", "voice", "response_format", "speed"};
                            wav and pcm stream as they are rendered, flac comes whole
    GET  /api/tts           the Coqui server's form: ?text=...&speaker_id=... -> a whole wav
    GET  /voices            speakers (index, id, facts), vocoders, sample rate
    GET  /health            "ok" and how many syntheses run and wait

Text that starts with <speak> is read as SSML. Every input is checked before a synthesis slot is
taken; errors are JSON in OpenAI's shape, {"error": {"message", "type", "code"}}, with a 4xx status
for the client's mistakes and 503 (with Retry-After) when the server is full or out of time.
"""

import asyncio
import json
import logging

import numpy as np
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from tts.errors import TTSError, undecodable_byte
from tts.server import audio_formats
from tts.server.job import END, SynthesisJob
from tts.server.limits import Admission, ServerBusy, ServerLimits
from tts.voice import BATCH_SENTENCES

STREAM_CHUNK_FRAMES = 32  # pieces of about 0.37 s at 22.05 kHz, where the vocoder streams
log = logging.getLogger("tts.server")


class RequestError(Exception):
    """Answered as JSON with `status`; the message is one line for the client."""

    def __init__(self, status, message, kind="invalid_request_error", headers=None):
        super().__init__(message)
        self.status, self.kind, self.headers = status, kind, headers or {}


def create_app(voice, limits=ServerLimits()):
    app = FastAPI(title="tts-toolkit", summary=f"speech from the voice {voice.name!r}")
    admission = Admission(limits)
    render = _Renderer(voice, limits, admission)

    @app.exception_handler(RequestError)
    async def request_error(request, error):
        body = {"error": {"message": str(error), "type": error.kind, "code": error.status}}
        return JSONResponse(body, status_code=error.status, headers=error.headers)

    @app.get("/health")
    async def health():
        return {"status": "ok", "voice": voice.name, "active": admission.active, "queued": admission.queued,
                "limits": limits.as_dict()}

    @app.get("/voices")
    async def voices():
        return {
            "voice": voice.name,
            "sample_rate": voice.sample_rate,
            "speakers": [{"index": index, **info} for index, info in enumerate(voice.files.speaker_info)],
            "vocoders": list(voice.vocoder_names),
            "default_vocoder": voice.default_vocoder,
            "response_formats": sorted(audio_formats.MEDIA_TYPES),
        }

    @app.post("/v1/audio/speech")
    async def openai_speech(request: Request):
        fields = _json_object(await _body(request, limits.max_body_bytes))
        if fields.get("stream_format", "audio") != "audio":
            raise RequestError(400, "stream_format must be 'audio': this server does not send SSE events")
        model = fields.get("model")
        return await render(
            request,
            text=fields.get("input"),
            speaker=_field(fields, "voice", (str, int), "0"),
            speed=_field(fields, "speed", (int, float), 1.0),
            response_format=_field(fields, "response_format", str, "wav"),
            vocoder=model if model in voice.vocoder_names else None,  # "tts-1" and the like: the default
        )

    @app.api_route("/api/tts", methods=["GET", "POST"])
    async def coqui_tts(request: Request):
        params = request.query_params
        return await render(request, text=params.get("text"), speaker=params.get("speaker_id") or "0",
                            speed=1.0, response_format="wav", vocoder=None, whole=True)

    return app


class _Renderer:
    """Checks a request, waits for a slot, and answers with the audio (streamed where it can be)."""

    def __init__(self, voice, limits, admission):
        self.voice, self.limits, self.admission = voice, limits, admission

    async def __call__(self, request, *, text, speaker, speed, response_format, vocoder, whole=False):
        self._check(text, response_format)
        streamed = not whole and response_format in audio_formats.STREAMING
        chunks = self._stream(text, speaker, speed, vocoder, streamed)
        try:
            slot = await self.admission.enter()
        except ServerBusy:
            chunks.close()
            raise RequestError(503, "the server is busy: every synthesis slot is taken and the queue is full",
                               "server_busy", {"Retry-After": str(self.limits.retry_after_s)}) from None
        if await request.is_disconnected():  # the client gave up while it waited for a slot
            slot.release()
            chunks.close()
            return Response(status_code=499)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.limits.timeout_s
        job = SynthesisJob(chunks, loop)
        media_type = audio_formats.MEDIA_TYPES[response_format]
        if streamed:
            body = self._streamed(job, slot, deadline, response_format)
            # Run it to its first bytes here: errors before any audio still get their status, and a
            # started generator frees its slot in `finally` even if the response is never sent.
            first = await anext(body)
            return StreamingResponse(_prepended(first, body), media_type=media_type, headers=self._headers())
        try:
            audio = await self._rest(job, deadline)
        finally:
            job.cancel()
            slot.release()
        return Response(audio_formats.whole_file(response_format, audio, self.voice.sample_rate),
                        media_type=media_type, headers=self._headers())

    def _check(self, text, response_format):
        if not isinstance(text, str) or not text.strip():
            raise RequestError(400, "empty text: give some words to speak")
        if len(text) > self.limits.max_chars:
            raise RequestError(400, f"text of {len(text)} characters is over this server's limit of {self.limits.max_chars}")
        if response_format not in audio_formats.MEDIA_TYPES:
            raise RequestError(400, f"response_format {response_format!r} is not supported; use one of "
                               f"{', '.join(sorted(audio_formats.MEDIA_TYPES))}")

    def _stream(self, text, speaker, speed, vocoder, streamed):
        """The Voice's stream of chunks, every argument checked (no model runs yet)."""
        try:
            wanted = self.voice.vocoder(vocoder)
            if streamed:
                options = {"chunk_frames": STREAM_CHUNK_FRAMES} if hasattr(wanted, "stream") else {}
            else:
                options = {"batch_sentences": BATCH_SENTENCES}
            return self.voice.stream(text, ssml="auto", speaker=speaker, vocoder=vocoder,
                                     speed=speed, **options)
        except TTSError as error:
            raise RequestError(400, str(error)) from None

    async def _next(self, job, deadline):
        """The job's next item; its errors as RequestError."""
        loop = asyncio.get_running_loop()
        try:
            item = await job.next(max(deadline - loop.time(), 0.0))
        except TimeoutError:
            raise RequestError(503, f"synthesis took longer than this server's limit of {self.limits.timeout_s:g} s",
                               "timeout") from None
        if isinstance(item, TTSError):
            raise RequestError(400, str(item))
        if isinstance(item, Exception):
            log.error("synthesis failed", exc_info=item)
            raise RequestError(500, f"synthesis failed: {type(item).__name__}", "server_error")
        return item

    async def _rest(self, job, deadline):
        audio = []
        while (item := await self._next(job, deadline)) is not END:
            audio.append(item.audio)
        return np.concatenate(audio)  # a stream yields at least one chunk or raises

    async def _streamed(self, job, slot, deadline, response_format):
        # Cancelled at an await when the client goes away (Starlette watches for the disconnect), or
        # closed when dropped: `finally` frees the slot at once; the job stops after its current chunk.
        try:
            first = await self._next(job, deadline)  # before any bytes: errors here get their status
            yield audio_formats.stream_start(response_format, self.voice.sample_rate) + audio_formats.stream_chunk(first.audio)
            while True:
                try:
                    item = await self._next(job, deadline)
                except RequestError as error:  # the status line is sent: all that is left is to stop
                    log.warning("stream cut short: %s", error)
                    return
                if item is END:
                    return
                yield audio_formats.stream_chunk(item.audio)
        finally:
            job.cancel()
            slot.release()

    def _headers(self):
        return {"X-Sample-Rate": str(self.voice.sample_rate)}


async def _prepended(first, rest):
    yield first
    async for piece in rest:
        yield piece


async def _body(request, limit):
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise RequestError(413, f"request body of {declared} bytes is over this server's limit of {limit}")
    body = bytearray()
    async for piece in request.stream():
        body += piece
        if len(body) > limit:
            raise RequestError(413, f"request body is over this server's limit of {limit} bytes")
    return bytes(body)


def _json_object(body):
    try:
        fields = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise RequestError(
            400, f"request body is not valid UTF-8 ({undecodable_byte(error)})"
        ) from None
    except json.JSONDecodeError as error:
        raise RequestError(
            400, f"request body is not JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    if not isinstance(fields, dict):
        raise RequestError(400, "request body must be a JSON object")
    return fields


def _field(fields, name, kinds, default):
    value = fields.get(name, default)
    if value is None:
        return default
    if not isinstance(value, kinds) or isinstance(value, bool):
        raise RequestError(400, f"{name} has the wrong type: {type(value).__name__}")
    return value
