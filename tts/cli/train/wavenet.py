"""`tts train wavenet`: train the WaveNet vocoder on a corpus manifest."""

from pathlib import Path

from tts.cli.train.options import add_run_arguments, run_config
from tts.corpora.speakers import manifest_speaker_order
from vocoders.wavenet.task import WaveNetRunConfig, train_wavenet


def register(group):
    parser = group.add_parser(
        "wavenet",
        help="train the WaveNet vocoder on a manifest (mel in, waveform out)",
        description="Train a conditional WaveNet on random segments of a manifest's utterances, holding out a "
        "share of every speaker's (listed in DIR/held_out.json): local conditioning on the log-mel of the "
        "voice's FeatureSpec, global conditioning on the speaker when the manifest has several. Resumes when "
        "DIR already holds a run.",
    )
    parser.add_argument("--manifest", required=True, type=Path, metavar="M.jsonl", help="corpus manifest")
    add_run_arguments(parser, config_help="WaveNet config (sections model, data, train, and holdout_fraction)")
    parser.set_defaults(func=run)


def run(args):
    config = run_config(WaveNetRunConfig, args)
    weights = train_wavenet(args.manifest, config, speakers=manifest_speaker_order(args.manifest))
    if weights is None:  # another rank under torchrun: rank 0 reports
        return 0
    print(f"wrote {weights}")
    return 0
