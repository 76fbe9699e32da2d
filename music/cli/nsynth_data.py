"""`tts nsynth bootstrap`: an NSynth-layout note corpus rendered from the General MIDI soundfont
(music.nsynth.bootstrap). The heavy imports wait for the handler: tts imports this on every start."""

import argparse

from tts.cli.argtypes import positive_int


def register_bootstrap(group):
    parser = group.add_parser(
        "bootstrap", help="render an NSynth-layout note corpus from the General MIDI soundfont (fluidsynth)",
        description="Render 4-second notes of General MIDI instruments at 16 kHz into DIR/nsynth-{train,valid,test}/ "
        "(examples.json and audio/<note_str>.wav, NSynth's layout). Whole instruments are held out: one per family to "
        "valid and one to test. Notes outside an instrument's range, or rendered silent, are skipped and counted. "
        "DIR must be absent or empty; an interrupted run leaves nothing in it.",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="where the corpus is written")
    parser.add_argument("--pitch-step", type=positive_int, metavar="N",
                        help="semitones between pitches (default 2: MIDI 36-84; with --small 6: 48-72)")
    parser.add_argument("--velocities", type=_velocities, metavar="V[,V...]", help="MIDI velocities, 1-127 (default 100)")
    parser.add_argument("--small", action="store_true", help="a tiny corpus in seconds: 6 instruments of 2 families")
    parser.set_defaults(func=_bootstrap)


def _bootstrap(args):
    from music.nsynth.bootstrap import (
        DEFAULT_PITCHES,
        DEFAULT_VELOCITIES,
        SMALL_PITCHES,
        SMALL_PROGRAMS,
        bootstrap_nsynth,
    )

    pitches = SMALL_PITCHES if args.small else DEFAULT_PITCHES
    if args.pitch_step:
        pitches = tuple(range(pitches[0], pitches[-1] + 1, args.pitch_step))
    summary = bootstrap_nsynth(args.out, programs=SMALL_PROGRAMS if args.small else None, pitches=pitches,
                               velocities=args.velocities or DEFAULT_VELOCITIES)
    print(f"wrote {args.out}")
    print("\n".join(summary.lines()))
    return 0


def _velocities(text):
    try:
        values = tuple(int(part) for part in text.split(","))
    except ValueError:
        values = ()
    if not values or not all(1 <= value <= 127 for value in values):
        raise argparse.ArgumentTypeError(f"expected MIDI velocities 1-127 separated by commas, got {text!r}")
    return values
