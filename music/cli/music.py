"""`tts music bootstrap|train|generate|compare`: a WaveNet on raw music audio, against a sample-level
LSTM (music.raw)."""

import argparse
import sys
from pathlib import Path

from music.cli.arguments import labelled_run
from tts.cli.argtypes import non_negative_float, non_negative_int, positive_int

MAX_SECONDS = 600.0


def register(subparsers):
    parser = subparsers.add_parser("music", help="raw-audio music: a WaveNet and an LSTM, sample by sample")
    group = parser.add_subparsers(dest="music_command", metavar="ACTION", required=True)
    _register_bootstrap(group)
    _register_train(group)
    _register_generate(group)
    _register_compare(group)


def _register_bootstrap(group):
    parser = group.add_parser(
        "bootstrap", help="render music21's Bach chorales to audio: a corpus to train on",
        description="Render chorales (spread over music21's catalogue) with fluidsynth and the General MIDI soundfont, "
        "each on one instrument, the instruments taking turns, to DIR/<instrument>/<chorale>.wav (16 kHz mono), and "
        "list them in DIR/pieces.json with a held-out split of whole pieces. Files already there are kept, so a "
        "killed bootstrap resumes.",
    )
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="the corpus folder to write")
    parser.add_argument("--pieces", type=positive_int, metavar="N", help="chorales to render (default 200: about 2.8 hours)")
    parser.add_argument("--instruments", nargs="+", metavar="NAME",
                        help="General MIDI instruments: piano organ guitar strings choir trumpet clarinet flute "
                        "(default piano organ strings flute)")
    parser.set_defaults(func=_bootstrap)


def _register_train(group):
    from tts.cli.train.options import add_run_arguments

    parser = group.add_parser(
        "train", help="train the music WaveNet or the sample LSTM on a folder of audio",
        description="Train on a folder of wav / flac / ogg files (any rate, mono or stereo: read at 16 kHz mono), "
        "holding out whole pieces (its pieces.json's split, or a share of its files; DIR/held_out.json) and scoring "
        "fixed held-out windows in bits per sample every train.eval_every steps (DIR/evaluations.jsonl). "
        "Undecodable and silent files are skipped, one line each. Resumes when DIR already holds a run.",
    )
    parser.add_argument("--model", required=True, choices=("wavenet", "lstm"), help="which model")
    parser.add_argument("--corpus", metavar="DIR", help="data.corpus: a folder of audio (default data/music)")
    add_run_arguments(parser, config_help="music model config (sections data, model, train, and holdout_fraction)",
                      features=False)
    parser.set_defaults(func=_train)


def _register_generate(group):
    parser = group.add_parser(
        "generate", help="generate music sample by sample and stream it to a wav",
        description="Draw samples one at a time from a music model's softmax, writing them to OUT as they come, with "
        "a progress bar on stderr. With --prime, the model first hears that audio (read at 16 kHz mono: resampled, "
        "channels averaged; silence is allowed) and continues it; the wav holds the prime (as the model heard it, "
        "μ-law quantized) and then SECONDS of new music. Of a prime longer than the model can use (the WaveNet's "
        "receptive field, the LSTM's training segment) only its end is kept, with a note on stderr.",
    )
    parser.add_argument("--model", default="wavenet", metavar="RUN|wavenet|lstm",
                        help="a `tts music train` run folder, a weights file, or a bundled model (default wavenet)")
    parser.add_argument("--seconds", type=_seconds, default=10.0, metavar="S",
                        help=f"seconds of new music, above 0 and at most {MAX_SECONDS:g} (default 10)")
    parser.add_argument("--seed", type=non_negative_int, default=0, metavar="N", help="seed of the draws")
    parser.add_argument("--temperature", type=non_negative_float, default=1.0, metavar="T",
                        help="softmax temperature; 0 takes the most likely sample every time")
    parser.add_argument("--prime", type=Path, metavar="FILE", help="audio to continue")
    parser.add_argument("--instrument", metavar="NAME", help="the instrument to play, for a model conditioned on them "
                        "(default: its first)")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.wav", help="wav or flac to write (- for stdout)")
    parser.set_defaults(func=_generate)


def _register_compare(group):
    parser = group.add_parser(
        "compare", help="set trained music models side by side: held-out bits per sample, speed",
        description="Score runs trained on one corpus and split: held-out bits per sample, parameters, training "
        "steps per second and the time to reach the baseline's best, and the real-time factor of generation. Writes "
        "OUT/comparison.json, OUT/comparison.md and what each model generated (OUT/<label>/NN.wav).",
    )
    parser.add_argument("--run", action="append", required=True, type=labelled_run, metavar="LABEL=DIR",
                        help="a trained run; give two or more")
    parser.add_argument("--baseline", default="lstm", metavar="LABEL", help="the run whose best figure others must reach")
    parser.add_argument("--pieces", type=positive_int, default=2, metavar="N", help="pieces generated per model")
    parser.add_argument("--seconds", type=_seconds, default=4.0, metavar="S", help="seconds per piece")
    parser.add_argument("--temperature", type=non_negative_float, default=1.0, metavar="T", help="softmax temperature")
    parser.add_argument("--seed", type=non_negative_int, default=0, metavar="N", help="seed of the first piece")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="where the comparison is written")
    parser.set_defaults(func=_compare)


def _bootstrap(args):
    import time

    from music.raw.render_corpus import DEFAULT_INSTRUMENTS, DEFAULT_PIECES, render_chorales

    started = time.perf_counter()
    files, skipped = render_chorales(args.out, pieces=args.pieces or DEFAULT_PIECES,
                                     instruments=tuple(args.instruments or DEFAULT_INSTRUMENTS), progress=True)
    for piece, reason in sorted(skipped.items()):
        print(f"skipped {piece}: {reason}")
    held_out = sum(f.split == "held_out" for f in files)
    print(f"wrote {args.out} ({len(files)} files, {held_out} held out, in {time.perf_counter() - started:.0f} s)")
    return 0


def _train(args):
    import dataclasses

    from music.raw.config import RUN_CONFIGS
    from music.raw.task import train_music
    from tts.cli.train.options import run_config

    config = run_config(RUN_CONFIGS[args.model], args)
    if args.corpus:
        config = dataclasses.replace(config, data=dataclasses.replace(config.data, corpus=args.corpus))
    result = train_music(config)
    if result.weights is None:  # another rank under torchrun: rank 0 reports
        return 0
    figures = ", ".join(f"{name} {value:.4g}" for name, value in result.report.items()) or "none"
    print(f"wrote {result.weights} (held out: {figures})")
    return 0


def _generate(args):
    from tqdm import tqdm

    from music.raw.corpus import SAMPLE_RATE
    from music.raw.generate import generate, load_prime
    from music.raw.models import load_music_model
    from tts.wav_writer import check_output_path, open_wav_writer

    check_output_path(args.output)
    model = load_music_model(args.model)
    prime = None
    if args.prime:
        prime, dropped = load_prime(args.prime, model)
        if dropped:
            print(f"tts: note: the prime is {(len(prime) + dropped) / SAMPLE_RATE:.1f} s; continuing from its last "
                  f"{len(prime) / SAMPLE_RATE:.3f} s (what the model can hear)", file=sys.stderr)
    samples = round(args.seconds * SAMPLE_RATE)
    chunks = generate(model, samples=samples, prime=prime, instrument=args.instrument, temperature=args.temperature,
                      seed=args.seed)
    primed = 0 if prime is None else len(prime)
    with open_wav_writer(args.output, SAMPLE_RATE, streaming=True) as writer, \
            tqdm(total=primed + samples, unit="sample", unit_scale=True, desc="generating", file=sys.stderr) as bar:
        for chunk in chunks:
            writer.write(chunk)
            bar.update(len(chunk))
    if args.output != "-":
        print(f"wrote {args.output} ({primed / SAMPLE_RATE:.3f} s of prime, then {args.seconds:g} s)")
    return 0


def _compare(args):
    from music.comparison import write_comparison
    from music.raw.comparison import compare_runs, comparison_table
    from tts.errors import UsageError

    runs = dict(args.run)
    if len(runs) < 2:
        raise UsageError("give two or more --run LABEL=DIR, with distinct labels")
    result = compare_runs(runs, baseline=args.baseline, out_dir=args.out, pieces=args.pieces, seconds=args.seconds,
                          temperature=args.temperature, seed=args.seed)
    write_comparison(args.out, result, comparison_table(result))
    return 0


def _seconds(text):
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"expected seconds above 0 and at most {MAX_SECONDS:g}, got {text!r}")
    return value
