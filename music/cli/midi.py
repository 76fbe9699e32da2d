"""`tts midi train|compose|compare`: note-level music with a WaveNet or an LSTM (music.notes)."""

import argparse
import sys
from pathlib import Path

from music.cli.arguments import labelled_run
from tts.cli.argtypes import non_negative_float, non_negative_int, positive_int

MAX_BARS = 256


def register(subparsers):
    parser = subparsers.add_parser("midi", help="note-level music: train a WaveNet or an LSTM on MIDI, compose, compare")
    group = parser.add_subparsers(dest="midi_command", metavar="ACTION", required=True)
    _register_train(group)
    _register_compose(group)
    _register_compare(group)


def _register_train(group):
    from tts.cli.train.options import add_run_arguments

    parser = group.add_parser(
        "train", help="train a note-level WaveNet or LSTM on a corpus of scores",
        description="Train a note model on music21's Bach chorales or a folder of MIDI / MusicXML files, holding out "
        "whole pieces (DIR/held_out.json) and scoring them every train.eval_every steps (DIR/evaluations.jsonl). "
        "Unreadable and drum-only files are skipped, one line each. Resumes when DIR already holds a run.",
    )
    parser.add_argument("--model", required=True, choices=("wavenet", "lstm"), help="which model")
    parser.add_argument("--corpus", metavar="bach|DIR", help="data.corpus: 'bach' (default) or a folder of scores")
    add_run_arguments(parser, config_help="note model config (sections data, model, train, and holdout_fraction)",
                      features=False)
    parser.set_defaults(func=_train)


def _register_compose(group):
    parser = group.add_parser(
        "compose", help="compose with a note model and write MIDI (and a rendered wav)",
        description="Draw tokens from a note model until the new music fills BARS bars of 4/4. With --prime, the "
        "composition continues that score (a prime longer than the model's 512-token window is cut to its last "
        "512 tokens, with a note on stderr); the MIDI holds the prime, then the new bars.",
    )
    parser.add_argument("--model", default="wavenet", metavar="RUN|wavenet|lstm",
                        help="a `tts midi train` run folder, a weights file, or a bundled model (default wavenet)")
    parser.add_argument("--bars", type=_bars, default=16, metavar="N", help=f"bars of 4/4 to compose, 1 to {MAX_BARS}")
    parser.add_argument("--seed", type=non_negative_int, default=None, metavar="N", help="seed of the draws")
    parser.add_argument("--temperature", type=non_negative_float, default=1.0, metavar="T",
                        help="softmax temperature; 0 takes the most likely token every time")
    parser.add_argument("--prime", type=Path, metavar="FILE", help="a MIDI or MusicXML score to continue")
    parser.add_argument("--program", type=_program, default=0, metavar="N",
                        help="General MIDI program of the track, 0-127 (0: piano)")
    parser.add_argument("--tempo", type=positive_int, default=90, metavar="BPM", help="quarter notes per minute")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.mid", help="MIDI file to write")
    parser.add_argument("--wav", type=Path, metavar="OUT.wav", help="also render it with fluidsynth and the GM soundfont")
    parser.set_defaults(func=_compose)


def _register_compare(group):
    parser = group.add_parser(
        "compare", help="set trained note models side by side: likelihood, speed, musical statistics",
        description="Score runs trained on one corpus and split: held-out NLL and accuracy, training speed and the "
        "time to reach the baseline's best held-out NLL, generation speed, and the musical statistics of "
        "compositions against the held-out pieces. Writes OUT/comparison.json, OUT/comparison.md and the "
        "compositions (OUT/<label>/NN.mid, .wav).",
    )
    parser.add_argument("--run", action="append", required=True, type=labelled_run, metavar="LABEL=DIR",
                        help="a trained run; give two or more")
    parser.add_argument("--baseline", default="lstm", metavar="LABEL", help="the run whose best NLL others must reach")
    parser.add_argument("--compositions", type=positive_int, default=20, metavar="N", help="compositions per model")
    parser.add_argument("--bars", type=_bars, default=16, metavar="N", help="bars per composition")
    parser.add_argument("--temperature", type=non_negative_float, default=1.0, metavar="T", help="softmax temperature")
    parser.add_argument("--seed", type=non_negative_int, default=0, metavar="N", help="seed of the first composition")
    parser.add_argument("--no-render", action="store_true", help="skip rendering the compositions to audio")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="where the comparison is written")
    parser.set_defaults(func=_compare)


def _train(args):
    import dataclasses

    from music.notes.config import RUN_CONFIGS
    from music.notes.task import train_notes
    from tts.cli.train.options import run_config

    config = run_config(RUN_CONFIGS[args.model], args)
    if args.corpus:
        config = dataclasses.replace(config, data=dataclasses.replace(config.data, corpus=args.corpus))
    result = train_notes(config)
    if result.weights is None:  # another rank under torchrun: rank 0 reports
        return 0
    figures = ", ".join(f"{name} {value:.4g}" for name, value in result.report.items())
    print(f"wrote {result.weights} (held out: {figures})")
    return 0


def _compose(args):
    from music.notes.compose import MAX_PRIME_TOKENS, compose, trimmed_prime
    from music.notes.events import read_piece, write_midi
    from music.notes.models import load_note_model
    from music.notes.tokens import START_ID, decode, encode

    model = load_note_model(args.model)
    prime = [START_ID]
    if args.prime:
        prime, dropped = trimmed_prime(encode(read_piece(args.prime, texture=model.config.texture).events),
                                       MAX_PRIME_TOKENS)
        if dropped:
            print(f"tts: note: the prime has {len(prime) + dropped} tokens; composing from its last {len(prime) - 1}",
                  file=sys.stderr)
    new = decode(compose(model, bars=args.bars, prime=prime, temperature=args.temperature, seed=args.seed))
    midi = write_midi(decode(prime) + new, args.output, tempo=args.tempo, program=args.program)  # a prime ends on an event
    print(f"wrote {midi} ({len(new)} new events)")
    if args.wav:
        from music.render import render_midi

        print(f"wrote {render_midi(midi, args.wav)}")
    return 0


def _compare(args):
    from music.comparison import write_comparison
    from music.notes.comparison import compare_runs, comparison_table
    from tts.errors import UsageError

    runs = dict(args.run)
    if len(runs) < 2:
        raise UsageError("give two or more --run LABEL=DIR, with distinct labels")
    result = compare_runs(runs, baseline=args.baseline, out_dir=args.out, compositions=args.compositions,
                          bars=args.bars, temperature=args.temperature, seed=args.seed, render=not args.no_render)
    write_comparison(args.out, result, comparison_table(result))
    return 0


def _bars(text):
    value = positive_int(text)
    if value > MAX_BARS:
        raise argparse.ArgumentTypeError(f"expected at most {MAX_BARS} bars, got {value}")
    return value


def _program(text):
    value = non_negative_int(text)
    if value > 127:
        raise argparse.ArgumentTypeError(f"expected a General MIDI program 0-127, got {value}")
    return value
