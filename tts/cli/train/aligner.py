"""`tts train aligner`: learn where each phoneme sits in a corpus's audio."""

from pathlib import Path

from frontends.aligner.task import AlignerRunConfig, train_aligner
from frontends.aligner.transcribe import Transcriber
from frontends.g2p import G2P
from tts.cli.train.options import add_run_arguments, run_config


def register(group):
    parser = group.add_parser(
        "aligner",
        help="train the phoneme aligner on a manifest (then run `tts align`)",
        description="Train the aligner (RAD-TTS style soft alignment with a diagonal prior, forward-sum "
        "loss) on every utterance of a manifest: it holds none out, since `tts align` aligns them all. Resumes "
        "when DIR already holds a run.",
    )
    parser.add_argument("--manifest", required=True, type=Path, metavar="M.jsonl", help="corpus manifest")
    add_run_arguments(parser, config_help="aligner config (sections model, data, train)")
    parser.set_defaults(func=run)


def run(args):
    config = run_config(AlignerRunConfig, args)
    weights = train_aligner(args.manifest, config, Transcriber(G2P()))
    if weights is None:  # another rank under torchrun: rank 0 reports
        return 0
    print(f"wrote {weights}")
    print(f"next: tts align --manifest {args.manifest} --checkpoint {args.out}")
    return 0
