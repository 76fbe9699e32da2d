"""`--features SPEC.yaml`: the one FeatureSpec that every stage of a run shares.

The file holds FeatureSpec fields (recipes/common/conf/features.yaml; `tts align --voice-spec`
reads the same file). Each stage takes it where its spec lives:

    aligner             data.spec is the file's, but for the aligner's own window (OWN_FIELDS),
                        which its config keeps: its rate and hop, so its frames, are the voice's
    wavenet             data.spec is the file's
    duration, acoustic  their spec is the durations file's, which must be the file's

A config file or an override that sets a data.spec field to another value is an error naming the
field, both values and both files, so a mismatch stops a run before it trains rather than at
`tts build-voice` hours later. A field the config leaves out takes the file's value, so a
different file changes every stage at once.
"""

import dataclasses
from pathlib import Path

import yaml

from tts.config import load_config
from tts.durations import read_durations
from tts.errors import SpecMismatchError
from tts.features import FeatureSpec

# The fields a model's config sets for itself. The aligner's 23 ms window gives sharper phoneme
# boundaries than the voice's 46 ms one, and 64 mels because a 512-point FFT leaves the lowest of
# 80 filters empty (frontends/aligner/data.py).
OWN_FIELDS = {"aligner": ("n_fft", "win_length", "n_mels")}


def has_spec(config):
    """Whether a run config holds its FeatureSpec (data.spec) rather than taking its durations'."""
    return isinstance(getattr(getattr(config, "data", None), "spec", None), FeatureSpec)


def spec_settings(config_path=None, overrides=()):
    """{field: where it was set} for each data.spec field that the YAML file or an override sets
    (the last setting wins, as when the config is built). Both were validated when it was built."""
    settings = {}
    if config_path:
        data = yaml.safe_load(Path(config_path).read_text(encoding="utf-8")) or {}
        settings.update(dict.fromkeys(_spec_section(data), str(config_path)))
    for override in overrides:
        key, _, text = override.partition("=")
        value = yaml.safe_load(text)
        for part in reversed(key.split(".")):  # data.spec.hop_length=200 -> {data: {spec: {hop_length: 200}}}
            value = {part: value}
        settings.update(dict.fromkeys(_spec_section(value), f"override {override}"))
    return settings


def _spec_section(data):
    section = data.get("data") if isinstance(data, dict) else None
    spec = section.get("spec") if isinstance(section, dict) else None
    return spec if isinstance(spec, dict) else {}


def _conflicts(spec, settings, features, *, model, features_path):
    """One `WHERE: data.spec.FIELD is X but FEATURES says Y` for each field set to another value."""
    own = OWN_FIELDS.get(model, ())
    return [
        _conflict(where, f"data.spec.{name}", getattr(spec, name), getattr(features, name), features_path)
        for name, where in settings.items()
        if name not in own and getattr(spec, name) != getattr(features, name)
    ]


def with_features(config, settings, features, *, model, features_path):
    """The run config with data.spec from `features` (the model's own fields kept); a
    SpecMismatchError naming every field that `settings` give another value."""
    _require_none(_conflicts(config.data.spec, settings, features, model=model, features_path=features_path))
    own = {name: getattr(config.data.spec, name) for name in OWN_FIELDS.get(model, ())}
    data = dataclasses.replace(config.data, spec=dataclasses.replace(features, **own))
    return dataclasses.replace(config, data=data)


def check_configs(paths, features, *, features_path):
    """Raise a SpecMismatchError naming every field that a stage config sets otherwise than
    `features`, and a WaveNet whose upsampling does not multiply to its hop. A config's stage is its
    file name up to the first `_` (wavenet_mol.yaml: wavenet); only the aligner's and the WaveNet's
    configs hold a spec. Returns how many configs hold one."""
    from frontends.aligner.task import AlignerRunConfig  # the stages' configs, loaded only for the check
    from vocoders.wavenet.task import WaveNetRunConfig

    run_configs = {"aligner": AlignerRunConfig, "wavenet": WaveNetRunConfig}
    found, checked = [], 0
    for path in paths:
        model = Path(path).stem.split("_")[0]
        if model not in run_configs:
            continue
        config = load_config(run_configs[model], path)  # typed as the stage reads it
        found += _conflicts(config.data.spec, spec_settings(path), features, model=model, features_path=features_path)
        if model == "wavenet" and config.model.hop_length != features.hop_length:  # else stage 5 fails, hours later
            scales = list(config.model.conditioning.upsample_scales)
            found.append(f"{path}: model.conditioning.upsample_scales {scales} multiply to {config.model.hop_length} "
                         f"but {features_path} says hop_length {features.hop_length}")
        checked += 1
    _require_none(found)
    return checked


def check_durations(path, features, *, features_path):
    """A SpecMismatchError naming each field in which the durations' spec (written by
    `tts align --voice-spec`) differs from `features`."""
    spec = read_durations(path).spec
    _require_none([
        _conflict(path, f"spec.{field.name}", getattr(spec, field.name), getattr(features, field.name), features_path)
        for field in dataclasses.fields(FeatureSpec)
        if getattr(spec, field.name) != getattr(features, field.name)
    ])


def _require_none(found):
    if found:
        raise SpecMismatchError("; ".join(found))


def _conflict(where, key, value, expected, features_path):
    return f"{where}: {key} is {value} but {features_path} says {expected}"
