"""Options every `tts train MODEL` command shares: a YAML config, the features file, --steps and
key=value overrides."""

import dataclasses
from pathlib import Path

from tts.cli.argtypes import positive_int
from tts.cli.features_option import check_durations, has_spec, spec_settings, with_features
from tts.config import apply_overrides, load_config
from tts.durations import default_durations_path
from tts.features import FeatureSpec


def add_run_arguments(parser, *, config_help, features=True):
    """--out, --config, --steps, KEY=VALUE overrides, and --features unless the model has no audio
    features (features=False: the note models of `tts midi train`)."""
    parser.add_argument("--out", required=True, metavar="DIR", help="run directory: checkpoints, tensorboard, weights")
    parser.add_argument("--config", metavar="YAML", help=config_help)
    if features:
        parser.add_argument(
            "--features", type=Path, metavar="SPEC.yaml",
            help="the FeatureSpec every stage shares (recipes/common/conf/features.yaml): it sets data.spec (the "
            "aligner keeps its own window), or must be the durations' spec; fails naming any field the config "
            "or an override sets otherwise",
        )
    else:
        parser.set_defaults(features=None)
    parser.add_argument("--steps", type=positive_int, metavar="N", help="training steps (train.max_steps)")
    parser.add_argument(
        "overrides",
        nargs="*",
        metavar="KEY=VALUE",
        help="config overrides, e.g. train.lr=3e-4 model.attention_dim=64",
    )


def run_config(cls, args):
    """The run config: defaults, then --config, then the overrides, then --features, --out and --steps."""
    config = load_config(cls, args.config) if args.config else cls()
    config = apply_overrides(config, args.overrides)
    if args.features:
        config = _with_features(config, args)
    train = dataclasses.replace(config.train, out_dir=str(args.out))
    if args.steps:
        train = dataclasses.replace(train, max_steps=args.steps)
    return dataclasses.replace(config, train=train)


def _with_features(config, args):
    features = load_config(FeatureSpec, args.features)
    if has_spec(config):
        settings = spec_settings(args.config, args.overrides)
        return with_features(config, settings, features, model=args.model, features_path=args.features)
    # the duration and acoustic models take the spec of their durations file (`tts align --voice-spec`)
    check_durations(args.durations or default_durations_path(args.manifest), features, features_path=args.features)
    return config
