"""Nested config dataclasses from YAML and type-checked `key=value` overrides."""

from dataclasses import dataclass, field

import pytest

from tts.config import apply_overrides, config_from_dict, load_config
from tts.errors import TTSError, UsageError
from tts.features import FeatureSpec
from tts.training import TrainConfig


@dataclass
class Inner:
    width: int = 4
    scales: tuple[int, ...] = (2, 4)
    rate: float = 0.5
    name: str = "x"
    flag: bool = False
    limit: float | None = None


@dataclass
class Outer:
    inner: Inner = field(default_factory=Inner)
    spec: FeatureSpec = field(default_factory=FeatureSpec)
    train: TrainConfig = field(default_factory=TrainConfig)


def test_overrides_take_the_type_of_the_field():
    config = apply_overrides(
        Outer(),
        ["inner.width=8", "inner.rate=3e-4", "inner.rate=2", "inner.name=off", "inner.flag=true",
         "inner.scales=[4, 4, 4]", "inner.limit=1.5", "train.amp=off", "spec.hop_length=128"],
    )
    assert config.inner == Inner(width=8, scales=(4, 4, 4), rate=2.0, name="off", flag=True, limit=1.5)
    assert isinstance(config.inner.rate, float)
    assert config.train.amp == "off"  # text, not YAML 1.1's boolean false
    assert config.spec.hop_length == 128


@pytest.mark.parametrize(
    "override,message",
    [
        ("inner.width=2.5", "expected int"),
        ("inner.width=many", "expected int"),
        ("inner.flag=maybe", "expected bool"),
        ("inner.rate=nan", "expected float"),
        ("inner.scales=3", "expected list"),
        ("inner.widht=3", "unknown field 'widht'"),
        ("inner.width.deep=3", "not a config section"),
        ("train.max_steps=0", "max_steps must be at least 1"),
    ],
)
def test_bad_overrides_are_usage_errors_naming_the_problem(override, message):
    with pytest.raises(UsageError, match=message):
        apply_overrides(Outer(), [override])


def test_override_without_equals_is_a_usage_error():
    with pytest.raises(UsageError, match="key=value"):
        apply_overrides(Outer(), ["inner.width"])


def test_yaml_file_with_a_typo_is_refused(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("inner:\n  width: 6\n", encoding="utf-8")
    assert load_config(Outer, path).inner.width == 6
    path.write_text("inner:\n  widht: 6\n", encoding="utf-8")
    with pytest.raises(UsageError, match="unknown fields"):
        load_config(Outer, path)
    with pytest.raises(UsageError, match="no such config file"):
        load_config(Outer, tmp_path / "missing.yaml")
    assert config_from_dict(Outer, {"inner": {"scales": [1, 2]}}).inner.scales == (1, 2)


def test_a_partial_section_starts_from_the_fields_own_default():
    @dataclass
    class Inner:
        a: int = 1
        b: int = 2

    @dataclass
    class Outer:
        inner: Inner = field(default_factory=lambda: Inner(a=10, b=20))

    assert config_from_dict(Outer, {"inner": {"b": 3}}) == Outer(Inner(a=10, b=3))


def test_a_wavenet_yaml_without_ema_keeps_the_wavenet_default(tmp_path):
    from vocoders.wavenet.task import WaveNetRunConfig

    (tmp_path / "w.yaml").write_text("train:\n  lr: 0.0005\n")
    config = load_config(WaveNetRunConfig, tmp_path / "w.yaml")
    assert config.train.lr == 0.0005 and config.train.ema_decay == WaveNetRunConfig().train.ema_decay is not None


@pytest.mark.parametrize(
    "text,message",
    [
        ("inner:\n  width: wide\n", r"inner\.width: expected int, got 'wide'"),
        ("inner:\n  width: 2.5\n", "expected int"),
        ("inner:\n  rate: fast\n", "expected float"),
        ("inner:\n  flag: maybe\n", "expected bool"),
        ("inner:\n  name: 3\n", "expected str"),
        ("inner:\n  scales: [2, x]\n", r"inner\.scales\[1\]: expected int"),
        ("inner:\n  limit: high\n", "expected float"),
        ("train:\n  lr: abc\n", r"train\.lr: expected float"),
        ("train:\n  max_steps: many\n", "expected int"),
        ("train:\n  betas: [a, 0.9]\n", "expected float"),
        ("train:\n  amp: off\n", "expected str, got False.*quote"),
        ("train:\n  learning_rate: 0.1\n", "unknown fields"),
        ("spec:\n  fmin: low\n", "expected float"),
        ("inner: [1\n", "not valid YAML"),
        ("inner: 3\n", "expected a mapping"),
    ],
)
def test_bad_yaml_is_a_usage_error_naming_the_key(tmp_path, text, message):
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=message) as caught:
        load_config(Outer, path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_yaml_numbers_take_the_type_of_their_field(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("inner:\n  rate: 3e-4\n  limit: 2\ntrain:\n  lr: 1e-3\n  max_steps: 1e3\n", encoding="utf-8")
    config = load_config(Outer, path)  # YAML 1.1 reads 3e-4 as text; the field says it is a number
    assert config.inner.rate == 3e-4 and config.inner.limit == 2.0 and isinstance(config.inner.limit, float)
    assert config.train.lr == 1e-3 and config.train.max_steps == 1000


def test_stored_configs_keep_their_plain_errors():
    with pytest.raises(TTSError) as caught:
        config_from_dict(Outer, {"inner": {"width": "wide"}})
    assert not isinstance(caught.value, UsageError)  # a checkpoint's config is not the user's typing


@pytest.mark.parametrize(
    "args",
    [
        ["train.lr=abc"],
        ["train.lrr=1"],
        ["model.encoder.layers=x"],
        ["--config", "{bad_yaml}"],
        ["--config", "{missing}"],
    ],
)
def test_train_cli_exits_2_for_config_errors(tmp_path, capsys, args):
    from tts.cli.main import main

    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("train:\n  lr: abc\n", encoding="utf-8")
    args = [a.format(bad_yaml=bad_yaml, missing=tmp_path / "missing.yaml") for a in args]
    durations = tmp_path / "d.jsonl"
    durations.touch()
    status = main(["train", "duration", "--durations", str(durations), "--out", str(tmp_path / "run"), *args])
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("tts: error: ") and err.count("\n") == 1
