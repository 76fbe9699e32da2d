"""`tts corpus bootstrap`: synthesize an LJSpeech- or VCTK-layout corpus from the system voices."""

from tts.corpora.bootstrap import bootstrap
from tts.corpora.bootstrap.build import LAYOUTS, REPORT
from tts.corpora.bootstrap.layouts import VCTK_VERSIONS
from tts.corpora.bootstrap.report import format_table
from tts.errors import UsageError


def register(group):
    parser = group.add_parser(
        "bootstrap",
        help="synthesize a corpus in the LJSpeech or VCTK layout from flite, festival and espeak-ng",
        description="Synthesize a corpus in exactly the LJSpeech-1.1 or VCTK layout from the system voices, "
        f"with prompts chosen for diphone coverage. Writes DIR/{REPORT} and prints a summary.",
    )
    parser.add_argument("--layout", required=True, choices=LAYOUTS)
    parser.add_argument("--out", required=True, metavar="DIR", help="corpus root to create (must not exist or be empty)")
    parser.add_argument("--per-speaker", type=int, default=20, metavar="N",
                        help="utterances per speaker; for LJSpeech the total (default 20)")
    parser.add_argument("--vctk-version", choices=VCTK_VERSIONS, default=None,
                        help="0.92: wav48_silence_trimmed/*_mic1.flac (default); 0.80: wav48/*.wav")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sentence generator (default 0)")
    parser.add_argument("--jobs", type=int, default=2, metavar="J", help="synthesis worker processes (default 2)")
    parser.add_argument("--force", action="store_true", help="replace DIR if it holds a corpus built by this command")
    parser.set_defaults(func=run)


def run(args):
    if args.vctk_version is not None and args.layout != "vctk":
        raise UsageError("--vctk-version applies only to --layout vctk")
    built = bootstrap(
        args.out,
        layout=args.layout,
        per_speaker=args.per_speaker,
        vctk_version=args.vctk_version or "0.92",
        seed=args.seed,
        jobs=args.jobs,
        force=args.force,
        progress=True,
    )
    print(format_table(built))
    print(f"wrote {args.out}")
    return 0
