"""`tts build-voice`: assemble a voice directory from trained components (recipe stage 7)."""

from pathlib import Path

import yaml

from tts.errors import UsageError


def register(subparsers):
    parser = subparsers.add_parser(
        "build-voice",
        help="assemble a voice directory from trained components",
        description="Export the duration model, the acoustic model and the vocoders (training runs, "
        "step directories or weights files; a unit database directory is copied) into one voice "
        "directory with voice.json, check that the pieces fit together, and move it into place whole.",
    )
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="the voice directory to write")
    parser.add_argument("--duration", required=True, type=Path, metavar="RUN", help="duration model run or weights")
    parser.add_argument("--acoustic", required=True, type=Path, metavar="RUN", help="acoustic model run or weights")
    parser.add_argument("--speakers", required=True, type=Path, metavar="S.json", help="the corpus speaker table")
    parser.add_argument(
        "--vocoder", action="append", required=True, metavar="NAME[=SOURCE]",
        help="a vocoder and its training run, weights or directory (none for griffinlim/world); repeat",
    )
    parser.add_argument(
        "--vocoder-option", action="append", default=[], metavar="NAME.OPTION=VALUE",
        help="how a vocoder renders, stored in voice.json (e.g. wavenet.voiced_temperature=0.5); repeat",
    )
    parser.add_argument("--default-vocoder", metavar="NAME", help="the voice's default (default: the first --vocoder)")
    parser.add_argument("--name", help="the voice's name (default: the folder name)")
    parser.add_argument("--description", default="", help="one line about the voice")
    parser.add_argument("--lexicon", type=Path, metavar="FILE", help="a lexicon TSV to ship with the voice")
    parser.add_argument("--half", action="store_true", help="store weights as float16 (half the size)")
    parser.add_argument("--replace", action="store_true", help="replace an existing voice directory")
    parser.set_defaults(func=run)


def run(args):
    from tts.voice_builder import build_voice  # loads the voice once as a check: pulls in the frontend

    vocoders = {}
    for item in args.vocoder:
        name, _, source = item.partition("=")
        if name in vocoders:
            raise UsageError(f"vocoder {name!r} given twice")
        vocoders[name] = Path(source) if source else None
    default = args.default_vocoder or next(iter(vocoders))
    if default not in vocoders:
        raise UsageError(f"--default-vocoder {default!r} is not among the --vocoder names {list(vocoders)}")
    files = build_voice(
        args.out, duration=args.duration, acoustic=args.acoustic, vocoders=vocoders, default_vocoder=default,
        speaker_table=args.speakers, name=args.name, description=args.description, lexicon=args.lexicon,
        half=args.half, replace=args.replace, vocoder_options=vocoder_options(args.vocoder_option, vocoders),
    )
    size = sum(path.stat().st_size for path in files.root.rglob("*") if path.is_file())
    print(f"wrote voice {files.name!r} to {files.root}: {len(files.speakers)} speakers, vocoders "
          f"{', '.join(files.vocoders)} (default {files.default_vocoder}), {size / 2**20:.1f} MiB")
    return 0


def vocoder_options(items, vocoders):
    """{vocoder: {option: value}} from NAME.OPTION=VALUE items, the value read as YAML (0.5, null, true)."""
    options = {}
    for item in items:
        key, equals, text = item.partition("=")
        name, dot, option = key.partition(".")
        if not (equals and dot and option):
            raise UsageError(f"--vocoder-option {item!r}: expected NAME.OPTION=VALUE, e.g. wavenet.voiced_temperature=0.5")
        if name not in vocoders:
            raise UsageError(f"--vocoder-option {item!r}: {name!r} is not among the --vocoder names {list(vocoders)}")
        options.setdefault(name, {})[option] = yaml.safe_load(text)
    return options
