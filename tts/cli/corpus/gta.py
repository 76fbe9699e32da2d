"""`tts corpus gta-mels`: the acoustic model's own mels of a corpus, in step with its recordings,
for fine-tuning a vocoder on what it will be given (tts/acoustic/gta.py)."""

from pathlib import Path

from tts.acoustic.gta import write_gta_mels
from tts.acoustic.model import AcousticModel
from tts.acoustic.task import WEIGHTS_FILE
from tts.errors import UsageError
from tts.training.precision import inference_dtype
from tts.voice_files import resolve_voice_dir


def register(group):
    parser = group.add_parser(
        "gta-mels",
        help="the acoustic model's mels of every utterance, with its true durations (vocoder fine-tuning data)",
        description="Run an acoustic model on every utterance of a durations file with its true "
        "phonemes, durations and speaker, and write the predicted log-mel of each as OUT/<id>.npy: "
        "frame for frame in step with the recording, so `tts train wavenet ... data.mel_dir=OUT` "
        "fine-tunes a vocoder on the mels it will be given (ground-truth-aligned training).",
    )
    parser.add_argument(
        "--acoustic", required=True, metavar="PATH",
        help="acoustic weights (.safetensors), a training run or voice folder holding acoustic.safetensors, "
        "or 'default' (the bundled voice's)",
    )
    parser.add_argument("--manifest", required=True, type=Path, metavar="M.jsonl", help="corpus manifest")
    parser.add_argument("--durations", required=True, type=Path, metavar="D.jsonl", help="the aligner's durations")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="folder for <id>.npy mels")
    parser.set_defaults(func=run)


def acoustic_weights(text):
    """The weights file that --acoustic names."""
    path = resolve_voice_dir(text)
    if path.is_dir():
        path = path / WEIGHTS_FILE
    if not path.is_file():
        raise UsageError(f"--acoustic {text}: no acoustic weights at {path}")
    return path


def run(args):
    weights = acoustic_weights(args.acoustic)
    model = AcousticModel.load(weights)
    dtype = inference_dtype(next(model.parameters()).device)
    written, skipped = write_gta_mels(model, args.manifest, args.durations, args.out, source=weights, dtype=dtype)
    for utterance_id, reason in sorted(skipped.items()):
        print(f"skipped {utterance_id}: {reason}")
    print(f"wrote {len(written)} mels to {args.out} ({len(skipped)} skipped)")
    return 0
