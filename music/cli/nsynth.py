"""`tts nsynth bootstrap|train|encode|decode|morph|evaluate`: the NSynth-style WaveNet autoencoder
(music.nsynth)."""

import argparse
from pathlib import Path

from music.cli.nsynth_data import register_bootstrap
from tts.cli.argtypes import non_negative_float, non_negative_int, positive_int

MODEL_HELP = "a `tts nsynth train` run folder, a weights file, or the bundled model (default: nsynth)"


def register(subparsers):
    parser = subparsers.add_parser("nsynth", help="NSynth-style WaveNet autoencoder: encode, decode and morph notes")
    group = parser.add_subparsers(dest="nsynth_command", metavar="ACTION", required=True)
    register_bootstrap(group)
    _register_train(group)
    _register_encode(group)
    _register_decode(group)
    _register_morph(group)
    _register_evaluate(group)


def _register_train(group):
    from tts.cli.train.options import add_run_arguments

    parser = group.add_parser(
        "train", help="train the autoencoder on an NSynth-layout corpus",
        description="Train the encoder and the WaveNet decoder together on CORPUS/nsynth-train, scoring a spread of "
        "CORPUS/nsynth-test's notes (instruments never trained on) every train.eval_every steps "
        "(DIR/evaluations.jsonl). Resumes when DIR already holds a run.",
    )
    parser.add_argument("--corpus", metavar="DIR", help="data.corpus: a folder holding nsynth-train/ and nsynth-test/")
    add_run_arguments(parser, config_help="autoencoder config (sections data, model, train)", features=False)
    parser.set_defaults(func=_train)


def _register_encode(group):
    parser = group.add_parser(
        "encode", help="encode a sound into codes (.npy)",
        description="Write the codes of a sound: float32 [frames, code_size], one frame per hop samples (512 at 16 kHz "
        "by default). Any rate and channel count is read: it is mixed to mono and resampled. Long files are encoded "
        "in windows, with the same result as one pass. The note's pitch, which decoding needs, is printed.",
    )
    parser.add_argument("input", type=Path, metavar="IN.wav", help="the sound")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="CODES.npy", help="codes to write")
    parser.add_argument("--model", default="nsynth", metavar="RUN|FILE|nsynth", help=MODEL_HELP)
    parser.set_defaults(func=_encode)


def _register_decode(group):
    parser = group.add_parser(
        "decode", help="decode codes (.npy) into a sound",
        description="Generate a sound from codes with the WaveNet decoder (the vocoder's compiled kernel), writing it "
        "as it goes, with a progress bar.",
    )
    parser.add_argument("codes", type=Path, metavar="CODES.npy", help="codes from `tts nsynth encode` (or edited)")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.wav", help="sound to write")
    parser.add_argument("--pitch", type=_pitch, metavar="MIDI",
                        help="the note's pitch (0-127), needed by a pitch-conditioned model: `encode` prints it")
    _generation_arguments(parser)
    parser.set_defaults(func=_decode)


def _register_morph(group):
    parser = group.add_parser(
        "morph", help="morph between two sounds by mixing their codes",
        description="Encode two sounds, mix their codes (1 - MIX) a + MIX b over the frames both have, and decode. "
        "Several mixes (--mix 0,0.25,0.5,0.75,1) make a sweep, written as OUT-mix0.25.wav and so on. A "
        "pitch-conditioned model also mixes the two pitches' one-hots; each pitch is found by pYIN unless --pitch "
        "gives it.",
    )
    parser.add_argument("inputs", nargs=2, type=Path, metavar="IN.wav", help="the two sounds, a then b")
    parser.add_argument("--mix", type=_mixes, default=[0.5], metavar="M[,M...]",
                        help="share of b, each in [0, 1] (default 0.5)")
    parser.add_argument("--pitch", type=_pitch, nargs="+", metavar="MIDI",
                        help="the pitch of both sounds, or of a then b")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.wav", help="sound (or sweep name) to write")
    _generation_arguments(parser)
    parser.set_defaults(func=_morph)


def _register_evaluate(group):
    parser = group.add_parser(
        "evaluate", help="score an autoencoder on held-out notes: reconstruction, pitch, morphing, speed",
        description="Reconstruct CORPUS/nsynth-test's notes and score them against the inputs (multi-resolution "
        "STFT distance, log-spectral distance, pYIN pitch within 50 cents), beside a baseline of the same code "
        "size (16 mel bands per 512 samples, inverted by Griffin-Lim); morph pairs of notes from different "
        "families and check the mix-0.5 spectral centroid lies between theirs; time the decoder. Writes "
        "OUT/evaluation.json and OUT/evaluation.md.",
    )
    parser.add_argument("--model", default="nsynth", metavar="RUN|FILE|nsynth", help=MODEL_HELP)
    parser.add_argument("--corpus", required=True, type=Path, metavar="DIR", help="an NSynth-layout corpus")
    parser.add_argument("--notes", type=positive_int, default=100, metavar="N", help="held-out notes to reconstruct")
    parser.add_argument("--pairs", type=positive_int, default=50, metavar="N", help="note pairs to morph")
    parser.add_argument("--seed", type=non_negative_int, default=0, metavar="N", help="seed of the decoder's draws")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="where the figures are written")
    parser.add_argument("--raw", action="store_true",
                        help="the decoder's own output, without reshaping it to the codes' envelope (its post-filter)")
    parser.set_defaults(func=_evaluate)


def _generation_arguments(parser):
    parser.add_argument("--model", default="nsynth", metavar="RUN|FILE|nsynth", help=MODEL_HELP)
    parser.add_argument("--temperature", type=non_negative_float, default=1.0, metavar="T",
                        help="softmax temperature of the decoder; 0 takes the most likely sample every time")
    parser.add_argument("--seed", type=non_negative_int, default=0, metavar="N", help="seed of the decoder's draws")
    parser.add_argument("--raw", action="store_true",
                        help="the decoder's own output, without reshaping it to the codes' envelope (its post-filter)")


def _train(args):
    import dataclasses

    from music.nsynth.config import NSynthRun
    from music.nsynth.task import train_autoencoder
    from tts.cli.train.options import run_config

    config = run_config(NSynthRun, args)
    if args.corpus:
        config = dataclasses.replace(config, data=dataclasses.replace(config.data, corpus=args.corpus))
    result = train_autoencoder(config)
    if result.weights is None:  # another rank under torchrun: rank 0 reports
        return 0
    figures = ", ".join(f"{name} {value:.4g}" for name, value in result.report.items())
    print(f"wrote {result.weights} (held out: {figures})")
    return 0


def _encode(args):
    import numpy as np

    from music.nsynth.codec import encode, estimate_pitch, read_sound
    from music.nsynth.models import load_autoencoder
    from tts.atomic import atomic_path

    model = load_autoencoder(args.model)
    wav = read_sound(args.input, sample_rate=model.config.sample_rate)
    codes = encode(model, wav)
    with atomic_path(args.output) as tmp, open(tmp, "wb") as handle:
        np.save(handle, codes)
    pitch = estimate_pitch(wav, model.config.sample_rate)
    found = f"pYIN finds pitch {pitch}: decode with --pitch {pitch}" if pitch is not None else "pYIN finds no pitch"
    print(f"wrote {args.output} ({codes.shape[0]} frames x {codes.shape[1]}); {found}")
    return 0


def _decode(args):
    from tqdm import tqdm

    from music.nsynth.codec import NoteDecoder
    from music.nsynth.models import load_autoencoder
    from tts.wav_writer import check_output_path, open_wav_writer

    check_output_path(str(args.output))
    model = load_autoencoder(args.model)
    codes = _read_codes(args.codes)
    decoder = NoteDecoder(model, match_envelope=not args.raw)
    chunks = decoder.stream(codes, args.pitch, temperature=args.temperature, seed=args.seed)
    hop, rate = model.config.encoder.hop, model.config.sample_rate
    with open_wav_writer(str(args.output), rate) as writer, tqdm(
        total=len(codes) * hop, unit="s", unit_scale=1 / rate, desc="decoding", bar_format="{l_bar}{bar}| {n:.1f}/{total:.1f} s"
    ) as bar:
        for chunk in chunks:
            writer.write(chunk)
            bar.update(len(chunk))
    print(f"wrote {args.output} ({len(codes) * hop / rate:.2f} s)")
    return 0


def _morph(args):
    from music.nsynth.codec import estimate_pitch, morph, read_sound
    from music.nsynth.models import load_autoencoder
    from tts.audio import save
    from tts.errors import UsageError

    if args.pitch is not None and len(args.pitch) > 2:
        raise UsageError(f"--pitch takes one pitch for both sounds or one each, got {len(args.pitch)}")
    outputs = _sweep_paths(args.output, args.mix)
    model = load_autoencoder(args.model)
    rate = model.config.sample_rate
    wavs = [read_sound(path, sample_rate=rate) for path in args.inputs]
    pitches = (None, None)
    if model.config.pitch_conditioning:
        pitches = _morph_pitches(args.pitch, wavs, args.inputs, rate, estimate_pitch)
    morphs = morph(model, *wavs, args.mix, pitches=pitches, temperature=args.temperature, seed=args.seed,
                   match_envelope=not args.raw)
    for path, wav in zip(outputs, morphs):
        save(path, wav, rate)
        print(f"wrote {path}")
    return 0


def _evaluate(args):
    import json

    from music.nsynth.evaluation import evaluate_autoencoder, evaluation_table
    from music.nsynth.models import load_autoencoder
    from tts.atomic import write_text_atomic

    model = load_autoencoder(args.model)
    args.out.mkdir(parents=True, exist_ok=True)
    result = evaluate_autoencoder(model, args.corpus, notes=args.notes, pairs=args.pairs, seed=args.seed,
                                  out_dir=args.out, match_envelope=not args.raw)
    table = evaluation_table(result)
    write_text_atomic(args.out / "evaluation.json", json.dumps(result, indent=2) + "\n")
    write_text_atomic(args.out / "evaluation.md", table + "\n")
    print(table)
    print(json.dumps(result))
    return 0


def _read_codes(path):
    """Codes from a .npy file (never unpickled); TTSError for anything else."""
    import numpy as np

    from tts.errors import TTSError

    try:
        return np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise TTSError(f"{path}: no such codes file") from None
    except (ValueError, OSError, EOFError) as error:
        raise TTSError(f"{path}: not a .npy array of codes ({error})") from None


def _morph_pitches(given, wavs, paths, rate, estimate_pitch):
    """(pitch of a, pitch of b): --pitch's, else pYIN's."""
    from tts.errors import TTSError

    if given:
        return (given[0], given[-1])
    pitches = tuple(estimate_pitch(wav, rate) for wav in wavs)
    for path, pitch in zip(paths, pitches):
        if pitch is None:
            raise TTSError(f"{path}: pYIN finds no pitch in it; give the pitches with --pitch")
    return pitches


def _sweep_paths(output, mixes):
    """OUT.wav for one mix; OUT-mix0.25.wav and so on for several."""
    from tts.wav_writer import check_output_path

    check_output_path(str(output))
    if len(mixes) == 1:
        return [output]
    return [output.with_name(f"{output.stem}-mix{mix:.2f}{output.suffix}") for mix in mixes]


def _pitch(text):
    value = non_negative_int(text)
    if value > 127:
        raise argparse.ArgumentTypeError(f"expected a MIDI pitch 0-127, got {value}")
    return value


def _mixes(text):
    mixes = []
    for part in text.split(","):
        try:
            value = float(part)
        except ValueError:
            value = -1.0
        if not 0 <= value <= 1:
            raise argparse.ArgumentTypeError(f"expected mixes in [0, 1], comma-separated, got {text!r}")
        mixes.append(value)
    return mixes
