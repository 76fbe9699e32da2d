"""`tts train duration`: learn per-speaker phoneme durations from the aligner's durations file."""

from pathlib import Path

from frontends.duration.task import DurationRunConfig, train_duration
from tts.cli.train.options import add_run_arguments, run_config
from tts.corpora.speakers import manifest_speaker_order


def register(group):
    parser = group.add_parser(
        "duration",
        help="train the duration model on a durations file (from `tts align`)",
        description="Train the duration model on <manifest stem>.durations.jsonl, holding out a share of "
        "every speaker's utterances (listed in DIR/held_out.json), and print how many held-out utterance lengths "
        "it predicts within 10 %. Resumes when DIR already holds a run.",
    )
    parser.add_argument("--durations", required=True, type=Path, metavar="D.jsonl", help="durations from `tts align`")
    parser.add_argument(
        "--manifest", type=Path, metavar="M.jsonl", help="its manifest: the speaker table beside it orders the speakers"
    )
    add_run_arguments(parser, config_help="duration config (sections model, train, and holdout_fraction)")
    parser.set_defaults(func=run)


def run(args):
    config = run_config(DurationRunConfig, args)
    speakers = manifest_speaker_order(args.manifest) if args.manifest is not None else None
    weights, report = train_duration(args.durations, config, speakers=speakers)
    if weights is None:  # another rank under torchrun: rank 0 reports
        return 0
    print(f"wrote {weights}")
    if report["utterances"]:
        print(
            f"held-out: {report['within_10_percent']:.1%} of {report['utterances']} utterance lengths within 10 % "
            f"(mean error {report['mean_relative_error']:.1%})"
        )
    return 0
