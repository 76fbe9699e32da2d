import pytest

from tts.errors import SpecMismatchError, TTSError
from tts.features import FeatureSpec


def test_defaults_follow_hifigan_convention():
    spec = FeatureSpec()
    assert (spec.sample_rate, spec.n_fft, spec.hop_length, spec.win_length) == (22050, 1024, 256, 1024)
    assert (spec.n_mels, spec.fmin, spec.fmax, spec.log_base, spec.log_floor) == (80, 0.0, 8000.0, "e", 1e-5)


def test_dict_round_trip():
    spec = FeatureSpec(sample_rate=16000, hop_length=200, win_length=800, n_fft=1024, fmax=7600.0)
    assert FeatureSpec.from_dict(spec.to_dict()) == spec


def test_unknown_field_is_named():
    with pytest.raises(TTSError, match="unknown FeatureSpec fields \\['hop'\\]"):
        FeatureSpec.from_dict({"hop": 256})


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"hop_length": 0}, "hop_length must be a positive integer"),
        ({"win_length": 2048}, "win_length .* exceeds n_fft"),
        ({"fmax": 20000.0}, "fmax <= sample_rate/2"),
        ({"log_base": "2"}, "log_base must be one of"),
        ({"n_mels": 80.0}, "n_mels must be a positive integer"),
    ],
)
def test_invalid_values_are_rejected(changes, message):
    with pytest.raises(TTSError, match=message):
        FeatureSpec(**changes)


def test_mismatch_names_every_differing_field():
    a, b = FeatureSpec(), FeatureSpec(sample_rate=24000, hop_length=300, win_length=1024)
    assert [d.split(":")[0] for d in a.differences(b)] == ["sample_rate", "hop_length"]
    with pytest.raises(SpecMismatchError, match="acoustic model vs vocoder: sample_rate: 22050 != 24000; hop_length"):
        a.require_same(b, what="acoustic model vs vocoder")
    a.require_same(FeatureSpec(), what="same")
