"""The note-level WaveNet and LSTM (music.notes): causality, equal sizes, the cached composing path
against the models' forward, composing within the grammar and the bars, and a tiny model that
learns a tiny corpus."""

import numpy as np
import pytest
import torch

from midi_fixtures import tiny_lstm_config, tiny_piece, tiny_wavenet_config
from music.notes.compose import MAX_PRIME_TOKENS, compose, trimmed_prime
from music.notes.config import NoteLSTMConfig, NotesDataConfig, NoteWaveNetConfig
from music.notes.events import Event, Piece
from music.notes.lstm import NoteLSTM
from music.notes.task import PieceWindows, pad_sequences, score_pieces
from music.notes.tokens import ALLOWED, DURATION_IDS, START_ID, TOKENS, decode, encode, quarters_of
from music.notes.wavenet import NoteWaveNet
from vocoders.wavenet.incremental import IncrementalWaveNet

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def tiny_models():
    torch.manual_seed(0)
    return [NoteWaveNet(tiny_wavenet_config()).eval(), NoteLSTM(tiny_lstm_config()).eval()]


def parameters(model):
    return sum(p.numel() for p in model.parameters())


def test_the_default_models_have_the_same_size_within_one_percent():
    wavenet, lstm = parameters(NoteWaveNet(NoteWaveNetConfig())), parameters(NoteLSTM(NoteLSTMConfig()))
    assert abs(lstm - wavenet) / wavenet < 0.01


def test_the_lstm_trains_under_the_cpu_bf16_autocast():
    """The notes train in bf16 autocast on CPU; oneDNN has no bf16 LSTM on CPUs without AVX-512, so
    the recurrence runs in float32 there as anywhere: the logits match float32 ones to bf16's
    precision in the head, and gradients reach the LSTM."""
    model = NoteLSTM(tiny_lstm_config())
    tokens = torch.randint(0, len(TOKENS), (2, 12))
    reference = model(tokens)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        logits = model(tokens)
    assert logits.dtype == torch.bfloat16
    torch.testing.assert_close(logits.float(), reference, atol=0.05, rtol=0.05)
    logits.float().sum().backward()
    assert model.lstm.weight_hh_l0.grad.abs().sum() > 0


@pytest.mark.parametrize("index", [0, 1], ids=["wavenet", "lstm"])
def test_a_token_never_sees_the_future(index):
    model = tiny_models()[index]
    tokens = torch.tensor([encode(tiny_piece(60))[:40]])
    changed = tokens.clone()
    changed[0, 25:] = torch.randint(0, len(TOKENS), (15,))
    with torch.no_grad():
        assert torch.equal(model(tokens)[0, :25], model(changed)[0, :25])
        assert not torch.allclose(model(tokens)[0, 25:], model(changed)[0, 25:])


def test_the_cached_wavenet_steps_give_the_forward_logits():
    model = tiny_models()[0]
    tokens = encode(tiny_piece(64))[:60]
    one_hot = torch.eye(len(TOKENS))
    stack = model.config.stack
    stepped = []

    def feed(t, params):
        stepped.append(params[0].clone())
        return one_hot[tokens[t + 1]][None] if t + 1 < len(tokens) else None

    IncrementalWaveNet(model).run(torch.zeros(stack.layers, 1, len(tokens), stack.gate_channels),
                                  one_hot[tokens[0]][None], feed)
    with torch.no_grad():
        forward = model(torch.tensor([tokens]))[0]
    torch.testing.assert_close(torch.stack(stepped), forward, rtol=0, atol=1e-5)


@pytest.mark.parametrize("index", [0, 1], ids=["wavenet", "lstm"])
def test_compositions_follow_the_grammar_fill_the_bars_and_repeat_with_the_seed(index):
    model = tiny_models()[index]
    prime = encode(tiny_piece(60, bars=1))
    new = compose(model, bars=3, prime=prime, temperature=1.0, seed=5)
    sequence = prime + new
    assert all(ALLOWED[a, b] for a, b in zip(sequence, sequence[1:]))
    assert new[-1] in DURATION_IDS  # ends on a whole event
    assert 12 <= quarters_of(new) < 12 + 8  # 3 bars of 4/4, overshot by the last event alone
    assert quarters_of(new[:-1]) < 12
    assert compose(model, bars=3, prime=prime, seed=5) == new
    assert compose(model, bars=3, prime=prime, seed=6) != new
    greedy = compose(model, bars=2, temperature=0, seed=1)
    assert greedy == compose(model, bars=2, temperature=0, seed=2)


def test_a_long_prime_keeps_its_last_window_from_an_event_start():
    events = [Event((60 + i % 12, 72), 0.25) for i in range(10_000)]
    ids = encode(events)
    kept, dropped = trimmed_prime(ids, MAX_PRIME_TOKENS)
    assert kept[0] == START_ID and len(kept) <= MAX_PRIME_TOKENS and dropped == len(ids) - len(kept)
    assert decode(kept) == events[-len(decode(kept)):]
    assert trimmed_prime(ids[:100], MAX_PRIME_TOKENS) == (ids[:100], 0)


def test_training_items_are_transposed_crops_and_padding_is_not_scored():
    piece = Piece("p", tuple(tiny_piece(60, bars=8)))
    dataset = PieceWindows([piece], window=32, transpose=3)
    torch.manual_seed(0)
    items = [dataset[0] for _ in range(20)]
    assert all(len(item) == 33 for item in items)
    assert len({tuple(item.tolist()) for item in items}) > 5
    inputs, targets = pad_sequences([torch.tensor([0, 5, 6, 7]), torch.tensor([0, 9])])
    assert inputs.tolist() == [[0, 5, 6], [0, 0, 0]] and targets.tolist() == [[5, 6, 7], [9, -1, -1]]


@pytest.mark.parametrize("index", [0, 1], ids=["wavenet", "lstm"])
def test_a_tiny_model_learns_a_tiny_corpus(index):
    """80 Adam steps on four pieces (transposed ±2): the NLL of a fifth piece, in a key no piece is
    in, drops from about the uniform guess (log 143 = 4.96 nats) below half of it; the next token is
    right far more often than by chance (1 / 143)."""
    np.random.seed(0)
    model = tiny_models()[index].train()
    pieces = [Piece(f"p{i}", tuple(tiny_piece(60 + 2 * i))) for i in range(4)]
    held_out = [Piece("held", tuple(tiny_piece(63)))]
    dataset = PieceWindows(pieces, window=NotesDataConfig().window, transpose=2)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    before = score_pieces(model, held_out, window=64)
    for _ in range(80):
        inputs, targets = pad_sequences([dataset[i] for i in range(4)])
        loss = torch.nn.functional.cross_entropy(model(inputs).flatten(0, 1), targets.flatten(), ignore_index=-1)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    after = score_pieces(model.eval(), held_out, window=64)
    assert before["nll"] > 4.5 and after["nll"] < 2.48 and after["accuracy"] > 0.25
