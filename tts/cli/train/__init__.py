"""`tts train MODEL ...`: train one stage with the shared training loop."""

from tts.cli.train import acoustic, aligner, duration, wavenet


def register(subparsers):
    parser = subparsers.add_parser("train", help="train a model (aligner, duration, acoustic, wavenet) with the shared loop")
    group = parser.add_subparsers(dest="model", metavar="MODEL", required=True)
    acoustic.register(group)
    aligner.register(group)
    duration.register(group)
    wavenet.register(group)
