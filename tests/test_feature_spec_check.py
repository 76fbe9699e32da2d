"""One FeatureSpec per recipe (recipes/common/conf/features.yaml): `--features` sets every stage's
spec, and a config or an override that sets a field otherwise fails naming both values and files."""

import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from corpus_fixtures import write_tone
from frontends.aligner.task import AlignerRunConfig
from tts.cli.features_option import check_configs
from tts.cli.main import build_parser, main
from tts.cli.train.options import run_config
from tts.config import load_config
from tts.corpora.manifest import ManifestEntry, write_manifest
from tts.durations import DurationRecord, write_durations
from tts.errors import SpecMismatchError
from tts.feature_cache import mel_cache_dir
from tts.features import FeatureSpec
from vocoders.wavenet.task import WaveNetRunConfig

REPO = Path(__file__).resolve().parents[1]
FEATURES = REPO / "recipes" / "common" / "conf" / "features.yaml"
CONF_SETS = {"vctk": 4, "ljspeech": 2, "common/conf/tiny": 2}  # configs with a data.spec: aligner and wavenet*
ALIGNER_WINDOW = {"n_fft": 512, "win_length": 512, "n_mels": 64}  # what every recipe's aligner uses


def conf_dir(name):
    return REPO / "recipes" / name / ("" if name.startswith("common") else "conf")


@pytest.fixture
def conf(tmp_path):
    """A copy of the VCTK recipe's configs, to break."""
    folder = tmp_path / "conf"
    folder.mkdir()
    for path in conf_dir("vctk").glob("*.yaml"):
        shutil.copy(path, folder)
    return folder


def set_spec(config, **fields):
    """Set `fields` in the config's data.spec section, keeping the fields it sets already."""
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data.setdefault("data", {}).setdefault("spec", {}).update(fields)
    config.write_text(yaml.safe_dump(data), encoding="utf-8")


def parse_train(model, *options):
    return build_parser().parse_args(["train", model, "--manifest", "m.jsonl", "--out", "o", *map(str, options)])


def features_file(tmp_path, **fields):
    path = tmp_path / "features.yaml"
    path.write_text("".join(f"{name}: {value}\n" for name, value in fields.items()), encoding="utf-8")
    return path


def test_the_recipes_spec_is_the_one_they_used_before():
    features = load_config(FeatureSpec, FEATURES)
    assert features == FeatureSpec()  # the voice's: the defaults, which no recipe config changed
    for name, with_spec in CONF_SETS.items():
        configs = sorted(conf_dir(name).glob("*.yaml"))
        assert check_configs(configs, features, features_path=FEATURES) == with_spec
        args = parse_train("aligner", "--config", conf_dir(name) / "aligner.yaml", "--features", FEATURES)
        # the aligner's spec as before (the full configs set all of it, the tiny one took the built-in one)
        assert run_config(AlignerRunConfig, args).data.spec == FeatureSpec(**ALIGNER_WINDOW)


@pytest.mark.parametrize(
    ("config", "fields", "message"),
    [
        ("wavenet.yaml", {"hop_length": 200}, "data.spec.hop_length is 200 but {features} says 256"),
        ("aligner.yaml", {"sample_rate": 16000}, "data.spec.sample_rate is 16000 but {features} says 22050"),
        ("wavenet_mol.yaml", {"fmax": 7600}, "data.spec.fmax is 7600.0 but {features} says 8000.0"),
    ],
)
def test_check_config_fails_in_one_line_naming_both_files_and_values(conf, tmp_path, capsys, config, fields, message):
    set_spec(conf / config, **fields)
    manifest = tmp_path / "data" / "corpus.jsonl"  # never read: the check comes first
    status = main(["corpus", "features", "--manifest", str(manifest), "--features", str(FEATURES),
                   "--check-config", *map(str, sorted(conf.glob("*.yaml")))])
    assert status == 1
    assert capsys.readouterr().err == f"tts: error: {conf / config}: {message.format(features=FEATURES)}\n"
    assert not manifest.parent.exists()


def test_every_mismatch_is_named_and_the_aligner_keeps_its_own_window(conf, capsys):
    set_spec(conf / "aligner.yaml", hop_length=128)  # its n_fft, win_length and n_mels are its own
    set_spec(conf / "wavenet.yaml", n_mels=64)
    with pytest.raises(SpecMismatchError) as raised:
        check_configs(sorted(conf.glob("*.yaml")), load_config(FeatureSpec, FEATURES), features_path=FEATURES)
    assert str(raised.value) == (
        f"{conf / 'aligner.yaml'}: data.spec.hop_length is 128 but {FEATURES} says 256; "
        f"{conf / 'wavenet.yaml'}: data.spec.n_mels is 64 but {FEATURES} says 80"
    )


def test_check_config_needs_features(conf, tmp_path, capsys):
    manifest = tmp_path / "m.jsonl"
    status = main(["corpus", "features", "--manifest", str(manifest), "--check-config", str(conf / "wavenet.yaml")])
    assert status == 2 and "--check-config needs --features" in capsys.readouterr().err


def test_features_set_the_spec_of_every_stage(tmp_path, capsys):
    """A 16 kHz spec: the WaveNet takes it whole, the aligner its rate and band with its own window,
    and `tts corpus features` caches exactly those. (The hop stays 256, which the recipe's WaveNet
    upsampling multiplies to.)"""
    features = features_file(tmp_path, sample_rate=16000, fmax=7600.0)
    voice = FeatureSpec(sample_rate=16000, fmax=7600.0)
    aligner = FeatureSpec(sample_rate=16000, fmax=7600.0, **ALIGNER_WINDOW)
    vctk = conf_dir("vctk")
    wavenet = parse_train("wavenet", "--features", features, "--config", vctk / "wavenet.yaml")
    assert run_config(WaveNetRunConfig, wavenet).data.spec == voice
    recipe_aligner = parse_train("aligner", "--features", features, "--config", vctk / "aligner.yaml")
    assert run_config(AlignerRunConfig, recipe_aligner).data.spec == aligner
    built_in_window = parse_train("aligner", "--features", features)
    assert run_config(AlignerRunConfig, built_in_window).data.spec == aligner

    path = write_tone(tmp_path / "wavs" / "a.wav", 0.4, 22050)
    manifest = tmp_path / "data" / "corpus.jsonl"
    manifest.parent.mkdir()
    write_manifest(manifest, [ManifestEntry("a", "s", "A short text.", path, 0.4, 22050)])
    assert main(["corpus", "features", "--manifest", str(manifest), "--features", str(features),
                 "--check-config", str(vctk / "wavenet.yaml"), "--aligner-config", str(vctk / "aligner.yaml"),
                 "--jobs", "1"]) == 0
    assert f"checked 1 stage configs with a data.spec against {features}: they agree" in capsys.readouterr().out
    assert np.load(mel_cache_dir(manifest, voice) / "a.npy").shape[1] == 80
    assert np.load(mel_cache_dir(manifest, aligner) / "a.npy").shape[1] == 64


@pytest.mark.parametrize(
    ("model", "in_config", "overrides", "where", "message"),
    [
        ("wavenet", {"hop_length": 200}, [], "{conf}/wavenet.yaml",
         "data.spec.hop_length is 200 but {features} says 256"),
        ("wavenet", {}, ["data.spec.n_mels=64"], "override data.spec.n_mels=64",
         "data.spec.n_mels is 64 but {features} says 80"),
        ("aligner", {}, ["data.spec.hop_length=128", "data.spec.n_mels=40"], "override data.spec.hop_length=128",
         "data.spec.hop_length is 128 but {features} says 256"),  # n_mels is the aligner's own
    ],
)
def test_training_given_features_fails_naming_the_field_the_config_sets_otherwise(
    conf, tmp_path, capsys, model, in_config, overrides, where, message
):
    if in_config:
        set_spec(conf / f"{model}.yaml", **in_config)
    out = tmp_path / "run"
    args = ["train", model, "--manifest", str(tmp_path / "m.jsonl"), "--out", str(out),
            "--config", str(conf / f"{model}.yaml"), "--features", str(FEATURES), *overrides]
    status = main(args)
    assert status == 1
    line = f"{where.format(conf=conf)}: {message.format(features=FEATURES)}"
    assert capsys.readouterr().err == f"tts: error: {line}\n"
    assert not out.exists()


def test_an_override_that_agrees_wins_over_a_config_that_does_not(conf, tmp_path):
    set_spec(conf / "aligner.yaml", fmin=50)
    args = parse_train("aligner", "--config", conf / "aligner.yaml", "--features", FEATURES, "data.spec.fmin=0")
    assert run_config(AlignerRunConfig, args).data.spec == FeatureSpec(**ALIGNER_WINDOW)


@pytest.mark.parametrize("model", ["duration", "acoustic"])
def test_duration_and_acoustic_training_check_their_durations_spec(tmp_path, capsys, model):
    durations = tmp_path / "corpus.durations.jsonl"
    record = DurationRecord("a", "s", ("a",), ("a",), np.array([3]), np.array([0]))
    write_durations(durations, [record], spec=FeatureSpec(hop_length=200, win_length=800), inventory="test")
    out = tmp_path / "run"
    given = ["--durations", str(durations)] if model == "duration" else []  # the acoustic's default: beside the manifest
    status = main(["train", model, "--manifest", str(tmp_path / "corpus.jsonl"), *given, "--out", str(out),
                   "--features", str(FEATURES)])
    assert status == 1
    assert capsys.readouterr().err == (
        f"tts: error: {durations}: spec.hop_length is 200 but {FEATURES} says 256; "
        f"{durations}: spec.win_length is 800 but {FEATURES} says 1024\n"
    )
    assert not out.exists()


def test_a_wavenet_whose_upsampling_misses_the_hop_fails_at_the_check(conf):
    config = conf / "wavenet.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["model"]["conditioning"]["upsample_scales"] = [4, 4, 4, 2]
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(SpecMismatchError) as raised:
        check_configs([config], load_config(FeatureSpec, FEATURES), features_path=FEATURES)
    assert str(raised.value) == (
        f"{config}: model.conditioning.upsample_scales [4, 4, 4, 2] multiply to 128 but {FEATURES} says hop_length 256"
    )
