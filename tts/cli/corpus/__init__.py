"""`tts corpus ...`: the corpus subcommand group (readers, preflight, bootstrap)."""

from tts.cli.corpus import bootstrap, data, features, gta


def register(subparsers):
    parser = subparsers.add_parser("corpus", help="prepare, check and synthesize speech corpora")
    group = parser.add_subparsers(dest="corpus_command", metavar="ACTION", required=True)
    data.register(group)
    features.register(group)
    bootstrap.register(group)
    gta.register(group)
