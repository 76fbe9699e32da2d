"""`tts speakers`: the speakers and vocoders of a voice."""


def register(subparsers):
    parser = subparsers.add_parser("speakers", help="list a voice's speakers and vocoders")
    parser.add_argument("--voice", metavar="DIR",
                        help="a voice directory, or `default` (the bundled voice, also when omitted)")
    parser.set_defaults(func=run)


def run(args):
    from tts.voice_files import VoiceFiles  # reads voice.json only: no model loads

    files = VoiceFiles.read(args.voice)
    facts = sorted({key for info in files.speaker_info for key in info} - {"id"})
    print(f"voice {files.name!r}: {files.description}".rstrip(": "))
    header = ["index", "id", *facts]
    rows = [[str(index), info["id"], *(str(info.get(key, "")) for key in facts)] for index, info in enumerate(files.speaker_info)]
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    others = [name for name in files.vocoders if name != files.default_vocoder]
    print(f"vocoders: {files.default_vocoder} (default)" + "".join(f", {name}" for name in others))
    return 0
