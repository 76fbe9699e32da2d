"""Note-level generation speed: tokens per second of the note WaveNet and the LSTM, in one run.

Both compose (music.notes.compose) from their default configs (random weights: speed does not
depend on them; the two have equal parameter counts) at temperature 1 within the token grammar,
batch 1, one torch thread:
- note WaveNet, cached: the vocoder's incremental generator (vocoders/wavenet/incremental.py), one
  ring buffer per layer, so a token costs one step;
- note WaveNet, uncached: the model's forward over the last receptive-field tokens for every new
  token, what a Keras-style `model.predict` loop does: the cost the cache removes;
- LSTM: one step of its recurrent state per token.
Compositions of --bars bars are timed --repeats times (each with its own seed) and the best kept.
Ends with one JSON line.

Usage: python bench/midi_generation.py [--bars 8] [--repeats 3]
"""

import argparse
import json
import os
import platform
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see bench/wavenet_generation.py

import numpy as np  # noqa: E402
import torch  # noqa: E402

from music.notes.compose import BEATS_PER_BAR, compose  # noqa: E402
from music.notes.config import NoteLSTMConfig, NoteWaveNetConfig  # noqa: E402
from music.notes.lstm import NoteLSTM  # noqa: E402
from music.notes.tokens import ALLOWED, START_ID, TOKENS, quarters_of  # noqa: E402
from music.notes.wavenet import NoteWaveNet  # noqa: E402


def uncached(model, *, bars, seed):
    """Tokens drawn as compose() does, but each from a full forward over the receptive field."""
    rng = np.random.default_rng(seed)
    ids, new, filled = [START_ID], [], 0.0
    with torch.inference_mode():
        while filled < bars * BEATS_PER_BAR:
            logits = model(torch.tensor([ids[-model.receptive_field :]]))[0, -1].double().numpy()
            scaled = np.where(ALLOWED[ids[-1]], logits, -np.inf)
            p = np.exp(scaled - scaled.max())
            token = int(rng.choice(len(TOKENS), p=p / p.sum()))
            ids.append(token)
            new.append(token)
            filled += quarters_of([token])
    return new


def tokens_per_second(generate, repeats):
    best = 0.0
    for seed in range(repeats):
        started = time.perf_counter()
        tokens = len(generate(seed))
        best = max(best, tokens / (time.perf_counter() - started))
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bars", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    wavenet, lstm = NoteWaveNet(NoteWaveNetConfig()).eval(), NoteLSTM(NoteLSTMConfig()).eval()
    rows = {
        "note WaveNet, cached": tokens_per_second(lambda s: compose(wavenet, bars=args.bars, seed=s), args.repeats),
        "note WaveNet, uncached": tokens_per_second(lambda s: uncached(wavenet, bars=args.bars, seed=s), args.repeats),
        "LSTM": tokens_per_second(lambda s: compose(lstm, bars=args.bars, seed=s), args.repeats),
    }
    print(f"note-level generation, batch 1, one torch thread, {args.bars} bars, best of {args.repeats} "
          f"({platform.processor() or platform.machine()}, torch {torch.__version__})")
    print(f"{'path':<24} {'tokens/s':>10} {'vs LSTM':>8}")
    for name, rate in rows.items():
        print(f"{name:<24} {rate:>10.0f} {rate / rows['LSTM']:>8.2f}")
    print(json.dumps({"benchmark": "midi_generation", "bars": args.bars, "tokens_per_second": rows,
                      "cache_speedup": rows["note WaveNet, cached"] / rows["note WaveNet, uncached"]}))


if __name__ == "__main__":
    main()
