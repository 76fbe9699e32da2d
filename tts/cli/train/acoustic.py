"""`tts train acoustic`: train the acoustic model (phonemes + durations -> mel and F0)."""

from pathlib import Path

from frontends.inventory import english_inventory
from tts.acoustic.task import AcousticRunConfig, train_acoustic
from tts.cli.train.options import add_run_arguments, run_config
from tts.corpora.speakers import manifest_speaker_order
from tts.durations import default_durations_path


def register(group):
    parser = group.add_parser(
        "acoustic",
        help="train the acoustic model on a manifest and its durations (from `tts align`)",
        description="Train the FastSpeech 2-style acoustic model on the utterances of a durations file "
        "(mels and F0 from the manifest's audio, under the durations' FeatureSpec), holding out a share of "
        "every speaker's utterances (listed in DIR/held_out.json), and print the held-out mel L1 with true "
        "durations. Resumes when DIR already holds a run.",
    )
    parser.add_argument("--manifest", required=True, type=Path, metavar="M.jsonl", help="corpus manifest")
    parser.add_argument(
        "--durations", type=Path, metavar="D.jsonl",
        help="durations from `tts align` (default: <manifest stem>.durations.jsonl beside the manifest)",
    )
    add_run_arguments(parser, config_help="acoustic config (sections model, data, loss, train, and holdout_fraction)")
    parser.set_defaults(func=run)


def run(args):
    config = run_config(AcousticRunConfig, args)
    inventory = english_inventory()
    durations = args.durations or default_durations_path(args.manifest)
    weights, report = train_acoustic(
        args.manifest, durations, config, symbols=inventory.symbols, inventory_version=inventory.version,
        speakers=manifest_speaker_order(args.manifest),
    )
    if weights is None:  # another rank under torchrun: rank 0 reports
        return 0
    print(f"wrote {weights}")
    if report["utterances"]:
        print(f"held-out: mel L1 {report['mel_l1']:.3f} over {report['utterances']} utterances (true durations)")
    return 0
