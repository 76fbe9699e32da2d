"""`tts corpus features`: compute, once and in parallel, the cached features the training stages read.

Every stage computes its features on first use and caches them beside the manifest
(tts.feature_cache); this command fills those same caches ahead of time with --jobs processes:

    <manifest stem>.cache/mel-<voice spec digest>/    log-mels of the voice (tts align, acoustic model, WaveNet)
    <manifest stem>.cache/f0-<voice spec digest>/     frame F0 (acoustic model)
    <manifest stem>.cache/audio-<voice rate>/         int16 waveforms (WaveNet, tts build-units)
    <manifest stem>.cache/audio-<rate>-below-<fmax>/  the same without what lies above the mel's
                                                      fmax (the excitation WaveNet, the recipes'
                                                      default; only when fmax is below Nyquist)
    <manifest stem>.cache/mel-<aligner spec digest>/  log-mels of the aligner's FeatureSpec

so the torchrun ranks of a training stage only read them, rather than each rank computing every
feature at the same time. A feature already cached is not computed again.

With --features (a recipe's features.yaml) the voice's spec is that file's and the aligner's is
too but for its own window, as `tts train ... --features` makes them; --check-config first checks
that no stage config sets a spec field otherwise (tts/cli/features_option.py).
"""

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

from tqdm import tqdm

from tts.cli.argtypes import positive_int
from tts.cli.features_option import check_configs, spec_settings, with_features
from tts.config import load_config
from tts.corpora.manifest import read_manifest
from tts.corpora.preflight import DEFAULT_JOBS
from tts.errors import AudioFormatError, UsageError
from tts.feature_cache import audio_cache_dir, cached_audio, cached_f0, cached_mel, f0_cache_dir, mel_cache_dir
from tts.features import FeatureSpec
from vocoders.wavenet.excitation import excitation_band_hz


def register(group):
    parser = group.add_parser(
        "features",
        help="cache the features every training stage reads (mels, F0, audio), in parallel",
        description="Compute and cache, beside the manifest, the voice's log-mels, frame F0 and "
        "resampled audio, and the aligner's log-mels, for every manifest entry, with --jobs "
        "processes. The training stages then read them instead of computing them.",
    )
    parser.add_argument("--manifest", required=True, type=Path, metavar="M.jsonl", help="corpus manifest")
    spec = parser.add_mutually_exclusive_group()
    spec.add_argument(
        "--voice-spec", type=Path, metavar="SPEC.yaml",
        help="FeatureSpec fields of the voice (default: the default spec, 22050 Hz / hop 256), as for `tts align`",
    )
    spec.add_argument(
        "--features", type=Path, metavar="SPEC.yaml",
        help="the FeatureSpec every stage shares (recipes/common/conf/features.yaml): the voice's, and the "
        "aligner's but for its own window, as `tts train ... --features` sets them",
    )
    parser.add_argument(
        "--check-config", nargs="+", action="extend", default=[], type=Path, metavar="YAML",
        help="with --features: first fail, naming both values, if one of these stage configs sets a "
        "data.spec field otherwise (a config's stage is its name up to the first '_': wavenet_mol.yaml)",
    )
    parser.add_argument(
        "--aligner-config", type=Path, metavar="ALIGNER.yaml",
        help="the aligner run config whose data.spec the aligner's mels use (default: the built-in one)",
    )
    parser.add_argument("--jobs", type=positive_int, default=DEFAULT_JOBS, metavar="N", help="worker processes")
    parser.set_defaults(func=run)


def run(args):
    started = time.perf_counter()
    voice_spec, aligner = _specs(args)
    aligner_spec = aligner.data.spec
    folders = {  # where each stage looks by default: beside the manifest
        "voice_mel": mel_cache_dir(args.manifest, voice_spec),
        "f0": f0_cache_dir(args.manifest, voice_spec),
        "audio": audio_cache_dir(args.manifest, voice_spec.sample_rate),
        "aligner_mel": mel_cache_dir(args.manifest, aligner_spec, aligner.data.cache_dir),
    }
    band = excitation_band_hz(voice_spec)
    if band:
        folders["excitation_audio"] = audio_cache_dir(args.manifest, voice_spec.sample_rate, band_limit_hz=band)
    entries = read_manifest(args.manifest)
    work = partial(_cache_features, folders=folders, voice_spec=voice_spec, aligner_spec=aligner_spec, band=band)
    items = [(entry.id, entry.path) for entry in entries]
    progress = partial(tqdm, total=len(items), desc="features", unit="utt", disable=None)
    if args.jobs > 1 and len(items) > 1:
        # spawn, not fork: the parent already holds torch's threads, which fork can deadlock.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=args.jobs, mp_context=context) as pool:
            results = list(progress(pool.map(work, items, chunksize=8)))
    else:
        results = [work(item) for item in progress(items)]
    skipped = {utterance_id: error for utterance_id, error in results if error}
    for utterance_id, error in sorted(skipped.items()):
        print(f"skipped {utterance_id}: {error}")
    print(
        f"cached features of {len(items) - len(skipped)} utterances ({len(skipped)} skipped) under "
        f"{folders['voice_mel'].parent} in {time.perf_counter() - started:.1f} s"
    )
    return 0


def _specs(args):
    """The voice's FeatureSpec and the aligner's run config: from --features, once --check-config's
    configs agree with it, or from --voice-spec and --aligner-config as they are."""
    from frontends.aligner.task import AlignerRunConfig  # the aligner's default spec lives with it

    if args.check_config and not args.features:
        raise UsageError("--check-config needs --features, the spec to check the configs against")
    aligner = load_config(AlignerRunConfig, args.aligner_config) if args.aligner_config else AlignerRunConfig()
    if not args.features:
        return load_config(FeatureSpec, args.voice_spec) if args.voice_spec else FeatureSpec(), aligner
    features = load_config(FeatureSpec, args.features)
    checked = check_configs(args.check_config, features, features_path=args.features)
    if args.check_config:
        print(f"checked {checked} stage configs with a data.spec against {args.features}: they agree")
    settings = spec_settings(args.aligner_config)
    return features, with_features(aligner, settings, features, model="aligner", features_path=args.features)


def _cache_features(item, *, folders, voice_spec, aligner_spec, band):
    """(id, None), or (id, reason) when the audio cannot be read: the stages skip such files too."""
    utterance_id, audio_path = item
    name = f"{utterance_id}.npy"
    try:
        cached_mel(audio_path, folders["voice_mel"] / name, voice_spec)
        cached_f0(audio_path, folders["f0"] / name, voice_spec)
        cached_audio(audio_path, folders["audio"] / name, voice_spec.sample_rate)
        cached_mel(audio_path, folders["aligner_mel"] / name, aligner_spec)
        if band:
            cached_audio(audio_path, folders["excitation_audio"] / name, voice_spec.sample_rate, band)
    except AudioFormatError as error:
        return utterance_id, str(error)
    return utterance_id, None
