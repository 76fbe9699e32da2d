"""Options every `tts train MODEL` command shares: a YAML config, --steps and key=value overrides."""

import dataclasses

from tts.config import apply_overrides, load_config
from tts.cli.argtypes import positive_int


def add_run_arguments(parser, *, config_help):
    parser.add_argument("--out", required=True, metavar="DIR", help="run directory: checkpoints, tensorboard, weights")
    parser.add_argument("--config", metavar="YAML", help=config_help)
    parser.add_argument("--steps", type=positive_int, metavar="N", help="training steps (train.max_steps)")
    parser.add_argument(
        "overrides",
        nargs="*",
        metavar="KEY=VALUE",
        help="config overrides, e.g. train.lr=3e-4 model.attention_dim=64",
    )


def run_config(cls, args):
    """The run config: defaults, then --config, then the overrides, then --out and --steps."""
    config = load_config(cls, args.config) if args.config else cls()
    config = apply_overrides(config, args.overrides)
    train = dataclasses.replace(config.train, out_dir=str(args.out))
    if args.steps:
        train = dataclasses.replace(train, max_steps=args.steps)
    return dataclasses.replace(config, train=train)
