"""New music from a trained model, sample by sample, streamed in chunks.

The WaveNet runs in the vocoder's generator (vocoders.wavenet.generate.WaveNetGenerator): its numba
kernel with a ring buffer per layer, conditioned on the instrument alone. A prime goes through the
same rings teacher-forced (the generator's `prime`, kernel.prime_chunk), exactly as the model's
forward reads it, before sampling continues. The LSTM steps in torch, carrying its state, on one
thread (a second one makes each step's tiny products several times slower, waiting on each other);
it reads a prime in one forward pass.

    prime, dropped = load_prime("start.wav", model)
    for chunk in generate(model, samples=160_000, prime=prime, instrument="piano", temperature=1.0, seed=3):
        writer.write(chunk)

The chunks hold the prime first, as the model hears it (μ-law quantized), then `samples` new
samples. A prime of any rate and channel count is read at 16 kHz mono (soxr, channels averaged); a
silent one is allowed (the models start from silence anyway). Of a prime longer than the model can
use (prime_context: the WaveNet's receptive field, the LSTM's training segment) only its end is kept.
"""

import contextlib

import numpy as np
import torch

from music.raw.corpus import SAMPLE_RATE
from music.raw.models import instruments_of, model_kind, mulaw_channels, prime_context
from music.raw.wavenet import KIND as WAVENET_KIND
from tts import audio
from tts.errors import UsageError
from vocoders.wavenet.generate import WaveNetGenerator, checked_temperature
from vocoders.wavenet.mulaw import mulaw_decode, mulaw_encode

LSTM_CHUNK = 2048  # samples the LSTM yields at a time


def load_prime(path, model):
    """(the prime's last samples the model can use, at 16 kHz mono, and how many were dropped)."""
    wav, _ = audio.load(path, sample_rate=SAMPLE_RATE, mono=True)
    kept = wav[max(len(wav) - prime_context(model), 0) :]
    return np.ascontiguousarray(kept), len(wav) - len(kept)


def instrument_index(model, name):
    """The model's index of instrument `name` (None: its first), or None for a model without
    instruments; a UsageError listing the valid ones."""
    names = instruments_of(model)
    if not names:
        if name is not None:
            raise UsageError(f"this model is not conditioned on instruments; leave out --instrument {name}")
        return None
    if name is None:
        return 0
    if name not in names:
        raise UsageError(f"unknown instrument {name!r}; this model's instruments: {', '.join(names)}")
    return names.index(name)


def generate(model, *, samples, prime=None, instrument=None, temperature=1.0, seed=0):
    """Yields float32 chunks: the prime (quantized), then `samples` new samples. Inputs are checked
    before the first chunk is asked for."""
    prime = np.zeros(0, np.float32) if prime is None else np.asarray(prime, dtype=np.float32)
    index = instrument_index(model, instrument)
    temperature = checked_temperature(temperature)
    if model_kind(model) == WAVENET_KIND:
        return _wavenet(model, samples, prime, index, temperature, seed)
    return _lstm(model, samples, prime, index, temperature, seed)


def _wavenet(model, samples, prime, index, temperature, seed):
    generator = WaveNetGenerator(model)
    total = len(prime) + samples
    silence = np.zeros((-(-total // generator.hop), 0), np.float32)  # no mel: its frames set the length
    chunks = generator.stream(silence, index, prime=prime, temperature=temperature, seed=seed)
    return _first(chunks, total)


def _first(chunks, total):
    """The chunks cut at `total` samples."""
    emitted = 0
    for chunk in chunks:
        yield chunk[: total - emitted]
        emitted += len(chunk)
        if emitted >= total:
            return


def _lstm(model, samples, prime, index, temperature, seed):
    channels = mulaw_channels(model)
    values = mulaw_decode(torch.arange(channels), channels)
    heard = mulaw_encode(torch.from_numpy(prime), channels)
    draws = torch.Generator().manual_seed(seed)
    instrument = None if index is None else torch.tensor([index])
    with torch.inference_mode(), _one_thread():
        if len(heard):
            yield values[heard].numpy()
        # the input before sample 0 is silence, as in training
        inputs = torch.cat([mulaw_encode(torch.zeros(1), channels), heard])[None]
        logits, state = model.step(inputs, instrument)
        for start in range(0, samples, LSTM_CHUNK):
            chunk = torch.empty(min(LSTM_CHUNK, samples - start), dtype=torch.long)
            for i in range(len(chunk)):
                last = logits[0, -1]
                if temperature == 0:
                    chunk[i] = last.argmax()
                else:
                    chunk[i] = torch.multinomial(torch.softmax(last.double() / temperature, dim=-1), 1, generator=draws)[0]
                logits, state = model.step(chunk[i].view(1, 1), instrument, state)
            yield values[chunk].numpy()


@contextlib.contextmanager
def _one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
