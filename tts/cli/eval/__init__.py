"""`tts eval MODE ...`: score vocoders by copy-synthesis of recordings, a voice speaking texts, or a
voice's acoustic model on held-out recordings with their real durations, one subcommand each.

The flat forms of earlier releases (`tts eval --manifest ...`, `--voice --texts`, `--voice --manifest`)
still run, with a warning, for one release (tts.cli.eval.legacy).
"""

from tts.cli.eval import acoustic, copy, legacy, texts


def register(subparsers):
    parser = subparsers.add_parser(
        "eval",
        help="score vocoders by copy-synthesis (RTF, PESQ, STOI, MCD, WER), a voice on texts (RTF, WER, DNSMOS), "
        "or a voice's acoustic model on held-out recordings (mel L1, MCD, F0 RMSE, V/UV, WER)",
        description="Score vocoders by copy-synthesis of recordings (copy), a voice speaking texts (texts), or a "
        "voice's acoustic model on held-out recordings with their real durations (acoustic).",
        epilog="The flat forms `tts eval --manifest ...`, `tts eval --voice ... --texts ...` and "
        "`tts eval --voice ... --manifest ...` are deprecated: they run copy, texts and acoustic, with a warning.",
    )
    modes = parser.add_subparsers(dest="eval_mode", metavar="MODE", required=True)
    copy.register(modes)
    texts.register(modes)
    acoustic.register(modes)
    legacy.accept_flat_forms(parser)
