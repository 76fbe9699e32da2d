"""Composing with a trained note model: tokens drawn one at a time, each from the model's softmax
at a temperature, within the token grammar (tokens.ALLOWED), after an optional prime, until the new
events fill `bars` bars.

Both models step with a cache: the LSTM carries its state; the WaveNet runs in the vocoder's
incremental generator (vocoders.wavenet.incremental), one ring buffer per layer, so a token costs
one step's work, not a pass over the receptive field.

    new_ids = compose(model, bars=16, prime=ids, temperature=1.0, seed=3)

A prime longer than the default training window (MAX_PRIME_TOKENS) is cut to its last tokens,
starting at an event (what the models learnt to continue): `trimmed_prime`.
"""

import numpy as np
import torch

from music.notes.lstm import NoteLSTM
from music.notes.tokens import ALLOWED, QUARTERS, START_ID, TOKENS
from vocoders.wavenet.incremental import IncrementalWaveNet

BEATS_PER_BAR = 4  # compositions are counted in 4/4 bars
MAX_TOKENS_PER_BEAT = 32  # a ceiling on a composition's tokens (eight-note chords in sixteenths fit)
MAX_PRIME_TOKENS = 512  # the default training window (data.window): the context the models learnt


def trimmed_prime(ids, window):
    """(ids cut to the last `window` tokens from an event's start, with <start> first; tokens dropped)."""
    if len(ids) <= window:
        return list(ids), 0
    tail = ids[len(ids) - window + 1 :]
    ends = [i for i, token in enumerate(tail) if token in QUARTERS]
    first = ends[0] + 1 if ends else len(tail)
    kept = [START_ID, *tail[first:]]
    return kept, len(ids) - len(kept)


def compose(model, *, bars, prime=(START_ID,), temperature=1.0, seed=None):
    """The token ids after `prime` (which starts with <start>) until the new events last `bars` bars."""
    if prime[0] != START_ID:
        raise ValueError("a prime starts with <start>")
    sampler = _Sampler(temperature, np.random.default_rng(seed), bars * BEATS_PER_BAR)
    limit = bars * BEATS_PER_BAR * MAX_TOKENS_PER_BEAT
    with torch.inference_mode():
        if isinstance(model, NoteLSTM):
            _compose_lstm(model, list(prime), sampler, limit)
        else:
            _compose_wavenet(model, list(prime), sampler, limit)
    return sampler.new


class _Sampler:
    def __init__(self, temperature, rng, quarters):
        self.temperature = temperature
        self.rng = rng
        self.quarters = quarters
        self.new = []
        self.filled = 0.0

    def draw(self, logits, previous):
        """The next token after `previous` from logits [vocabulary], or None once the bars are full."""
        if self.filled >= self.quarters - 1e-9:
            return None
        logits = logits.double().numpy()
        allowed = ALLOWED[previous]
        if self.temperature == 0:
            token = int(np.flatnonzero(allowed)[np.argmax(logits[allowed])])
        else:
            scaled = np.where(allowed, logits / self.temperature, -np.inf)
            p = np.exp(scaled - scaled.max())
            token = int(self.rng.choice(len(TOKENS), p=p / p.sum()))
        self.new.append(token)
        self.filled += QUARTERS.get(token, 0.0)
        return token


def _compose_lstm(model, prime, sampler, limit):
    logits, state = model.step(torch.tensor([prime]))
    token = prime[-1]
    for _ in range(limit):
        token = sampler.draw(logits[0, -1], token)
        if token is None:
            return
        logits, state = model.step(torch.tensor([[token]]), state)


def _compose_wavenet(model, prime, sampler, limit):
    generator = IncrementalWaveNet(model)
    stack = model.config.stack
    condition = torch.zeros(stack.layers, 1, 1, stack.gate_channels)  # unconditional: one step, shared
    one_hot = torch.eye(model.config.vocabulary)
    last = [prime[-1]]

    def next_input(t, params):
        if t + 1 < len(prime):
            return one_hot[prime[t + 1]][None]  # still reading the prime
        token = sampler.draw(params[0], last[0])
        if token is None:
            return None
        last[0] = token
        return one_hot[token][None]

    generator.run(condition, one_hot[prime[0]][None], next_input, steps=len(prime) + limit)
