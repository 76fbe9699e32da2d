"""`tts doctor`: report the installed versions and system programs, with install hints."""

import platform

import tts
from tts.registry import discover
from tts.system_tools import install_hint, survey


def register(subparsers):
    parser = subparsers.add_parser("doctor", help="check the installation, the system programs and a voice")
    parser.add_argument("--voice", metavar="DIR", help="the voice whose files to verify: a directory, "
                        "or `default` (the bundled voice, also when omitted)")
    parser.set_defaults(func=run)


def run(args):
    import torch  # imported here so that other subcommands start without paying for torch

    print(f"tts {tts.__version__}  python {platform.python_version()}  torch {torch.__version__}")
    missing = 0
    for tool, path in survey():
        if path:
            print(f"  ok       {tool.command:<10} {path}")
        else:
            missing += 1
            print(f"  MISSING  {tool.command:<10} needed for {tool.purpose}; install: {install_hint(tool)}")
    found = discover()
    print(f"  vocoders: {', '.join(found.plugins) or 'none'}")
    for problem in found.problems:
        print(f"  plugin problem: {problem}")
    return 1 if missing or not _voice_verifies(args.voice) else 0


def _voice_verifies(path):
    from tts.errors import TTSError
    from tts.voice_files import VoiceFiles
    from tts.voice_integrity import verify_voice

    try:
        files = VoiceFiles.read(path)
        verify_voice(files)
    except TTSError as error:
        print(f"  voice PROBLEM: {error}")
        return False
    checked = "checksums verified" if files.checksums else "no checksums recorded"
    print(f"  voice {files.name!r}: {len(files.components())} components, weights finite, {checked}")
    return True
