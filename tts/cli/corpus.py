"""`tts corpus ...`: the corpus subcommand group (readers, preflight, bootstrap)."""

from tts.cli import corpus_bootstrap, corpus_data, corpus_features, corpus_gta


def register(subparsers):
    parser = subparsers.add_parser("corpus", help="prepare, check and synthesize speech corpora")
    group = parser.add_subparsers(dest="corpus_command", metavar="ACTION", required=True)
    corpus_data.register(group)
    corpus_features.register(group)
    corpus_bootstrap.register(group)
    corpus_gta.register(group)
