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
def test_bad_overrides_name_the_problem(override, message):
    with pytest.raises(TTSError, match=message):
        apply_overrides(Outer(), [override])


def test_override_without_equals_is_a_usage_error():
    with pytest.raises(UsageError, match="key=value"):
        apply_overrides(Outer(), ["inner.width"])


def test_yaml_file_with_a_typo_is_refused(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("inner:\n  width: 6\n", encoding="utf-8")
    assert load_config(Outer, path).inner.width == 6
    path.write_text("inner:\n  widht: 6\n", encoding="utf-8")
    with pytest.raises(TTSError, match="unknown fields"):
        load_config(Outer, path)
    with pytest.raises(TTSError, match="no such config file"):
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
