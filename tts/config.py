"""Nested config dataclasses from plain data: checkpoint metadata, YAML files, `key=value` overrides.

    config = config_from_dict(AlignerRunConfig, yaml.safe_load(text))  # any nested config dataclass
    config = apply_overrides(config, ["train.lr=3e-4", "model.mel_encoder.layers=4"])

A field whose type is a dataclass is built from its dict recursively (FeatureSpec through its own
`from_dict`, which validates it); unknown keys are an error naming the known ones (and where a
key went, when its class lists it in MOVED_FIELDS), and a value must fit its field's type (a
number written as text, as YAML 1.1 reads `3e-4`, is read as one), so a typo in a YAML file or an
override never passes silently. A partial section fills in from the field's own default (a run
config's `train` starts from that model's training defaults, not TrainConfig's), so leaving a key
out of a YAML file never changes what it means. What is wrong in a YAML file or an override is a
UsageError (exit 2); in stored configs it stays a TTSError.
"""

import dataclasses
import json
import math
import types
import typing
from pathlib import Path

import yaml

from tts.errors import TTSError, UsageError


def config_from_dict(cls, data, *, where=None):
    """An instance of dataclass `cls` from `data` (a dict, possibly nested); missing keys keep defaults."""
    where = where or cls.__name__
    if isinstance(data, cls):
        return data
    if not isinstance(data, dict):
        raise TTSError(f"{where}: expected a mapping of {cls.__name__} fields, got {type(data).__name__}")
    known = {field.name: field for field in dataclasses.fields(cls) if field.init}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise TTSError(f"{where}: unknown fields {unknown}; known fields are {sorted(known)}{_moved(cls, unknown)}")
    hints = typing.get_type_hints(cls)
    values = {}
    for name, value in data.items():
        default = _default_of(known[name])
        if isinstance(value, dict) and dataclasses.is_dataclass(default):
            value = _merged(config_to_dict(default), value)
        values[name] = _convert(hints[name], value, f"{where}.{name}")
    if hasattr(cls, "from_dict"):
        return cls.from_dict(values)  # FeatureSpec, TrainConfig: they validate their own fields
    return cls(**values)


def _default_of(field):
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return None if field.default is dataclasses.MISSING else field.default


def _merged(defaults, given):
    """`given` laid over `defaults`, section by section."""
    merged = dict(defaults)
    for key, value in given.items():
        both_sections = isinstance(value, dict) and isinstance(merged.get(key), dict)
        merged[key] = _merged(merged[key], value) if both_sections else value
    return merged


def load_config(cls, path):
    """`cls` from a YAML file (sections named like its fields)."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise UsageError(f"{path}: no such config file") from None
    except yaml.YAMLError as error:
        raise UsageError(f"{path}: not valid YAML ({' '.join(str(error).split())})") from None
    return _users_config(cls, data, where=str(path))


def apply_overrides(config, overrides):
    """A copy of `config` with each `dotted.key=value` applied; values are read as YAML scalars."""
    data = config_to_dict(config)
    for override in overrides:
        key, sep, text = override.partition("=")
        if not sep or not key:
            raise UsageError(f"override {override!r} is not of the form key=value (e.g. train.lr=3e-4)")
        *parents, leaf = key.split(".")
        node = data
        for part in parents:
            if not isinstance(node.get(part), dict):
                raise UsageError(f"override {override!r}: {part!r} is not a config section")
            node = node[part]
        if leaf not in node:
            moved = _moved(_section_class(type(config), parents), [leaf])
            raise UsageError(f"override {override!r}: unknown field {leaf!r}; known fields are {sorted(node)}{moved}")
        node[leaf] = _typed(yaml.safe_load(text), text, node[leaf], override)
    return _users_config(type(config), data)


def _moved(cls, unknown):
    """Where the `unknown` keys went, for those a config class lists in its MOVED_FIELDS
    ({old key: where it went}): a renamed key fails naming its new place."""
    moved = getattr(cls, "MOVED_FIELDS", {})
    return "".join(f"; {key} is now {moved[key]}" for key in unknown if key in moved)


def _section_class(cls, path):
    """The config dataclass at the dotted `path` (a list of section names) under `cls`, or None."""
    for name in path:
        if not dataclasses.is_dataclass(cls):
            return None
        cls = typing.get_type_hints(cls).get(name)
    return cls


def _users_config(cls, data, *, where=None):
    """config_from_dict for a config the user wrote: whatever is wrong in it is a usage error."""
    try:
        return config_from_dict(cls, data, where=where)
    except TTSError as error:
        raise UsageError(str(error)) from None


def _typed(value, text, current, override):
    """`value` checked against the type of the field's current value. Text fields take the text
    as written, so `amp=off` stays "off" rather than YAML's boolean false."""
    if current is None:
        return value
    if isinstance(current, str):
        return text
    if isinstance(current, (bool, int, float)):
        typed = _scalar(type(current), value)
    else:
        typed = value if isinstance(current, (list, dict)) and isinstance(value, type(current)) else None
    if typed is None:
        raise UsageError(f"override {override!r}: expected {type(current).__name__}, got {value!r}")
    return typed


def config_to_dict(config):
    """Plain JSON/YAML data (tuples become lists)."""
    return json.loads(json.dumps(dataclasses.asdict(config)))


def _number(text):
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _scalar(kind, value):
    """`value` as a field of type `kind` (bool, int, float or str) holds it; None if it cannot."""
    if kind in (bool, str):
        return value if isinstance(value, kind) else None
    if isinstance(value, bool):
        return None
    number = _number(value) if isinstance(value, (str, float)) else value  # YAML 1.1 reads 3e-4 as text
    if not isinstance(number, (int, float)) or (kind is int and number != int(number)):
        return None
    return kind(number)


def _convert(hint, value, where):
    """`value` as a field of type `hint` holds it, or a TTSError naming the field."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if dataclasses.is_dataclass(hint):
        return config_from_dict(hint, value, where=where)
    if origin in (typing.Union, types.UnionType) and type(None) in args:
        others = [arg for arg in args if arg is not type(None)]
        return value if value is None or len(others) > 1 else _convert(others[0], value, where)
    if origin is tuple and isinstance(value, (list, tuple)):
        return _tuple(args, value, where)
    if hint in (bool, int, float, str):
        typed = _scalar(hint, value)
        if typed is None:
            raise TTSError(f"{where}: expected {hint.__name__}, got {value!r}{_quoting_hint(hint, value)}")
        return typed
    return value


def _tuple(args, value, where):
    if len(args) == 2 and args[1] is Ellipsis:
        hints = [args[0]] * len(value)
    elif len(args) == len(value):
        hints = args
    else:
        return tuple(value)  # a wrong length: the class's own check says what it wants
    return tuple(_convert(hint, item, f"{where}[{i}]") for i, (hint, item) in enumerate(zip(hints, value)))


def _quoting_hint(hint, value):
    if hint is str and isinstance(value, bool):
        return " (YAML reads on/off/yes/no as booleans: quote the text)"
    return ""
