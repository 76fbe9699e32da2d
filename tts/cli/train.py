"""`tts train MODEL ...`: train one stage with the shared training loop."""

from tts.cli import train_acoustic, train_aligner, train_duration, train_wavenet


def register(subparsers):
    parser = subparsers.add_parser("train", help="train a model (aligner, duration, acoustic, wavenet) with the shared loop")
    group = parser.add_subparsers(dest="model", metavar="MODEL", required=True)
    train_acoustic.register(group)
    train_aligner.register(group)
    train_duration.register(group)
    train_wavenet.register(group)
