"""Plugin registry: vocoders through the `tts.vocoders` entry-point group, and extensions of the
command line and the demo (`tts.commands`, `tts.demo_tabs`: how music/ adds `tts midi` and its tab
without tts importing it).

Built-in vocoders register in pyproject.toml exactly like third-party ones. Discovery never imports
a plugin; a plugin is imported when it is asked for, so one that fails to import is reported and
skipped instead of breaking the core. Two distributions claiming one name are both rejected (which
one should win is not ours to guess), and only names that look like names are accepted, so a user
can never make the core import an arbitrary `module:attr` or path.
"""

import inspect
import re
import warnings
from dataclasses import dataclass, field
from importlib import metadata

from tts.errors import PluginError, TTSError

GROUP = "tts.vocoders"
COMMANDS = "tts.commands"  # name = "module:register"; register(subparsers) adds the command `tts <name>`
DEMO_TABS = "tts.demo_tabs"  # name = "module:build"; build() adds one gr.Tab, events in tts.demo.app.SYNTHESIS
VALID_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
CONTRACT = ("name", "needs", "load", "render")


class PluginWarning(UserWarning):
    """A plugin was skipped: bad name, duplicate, or failed import."""


@dataclass(frozen=True)
class PluginEntry:
    name: str
    target: str  # "module:attr" as declared by the distribution
    distribution: str
    entry_point: metadata.EntryPoint = field(repr=False, compare=False)


@dataclass
class Discovery:
    plugins: dict  # name -> PluginEntry
    problems: list  # one line per skipped plugin


def discover(group=GROUP, *, what="vocoder plugin"):
    """Find the declared plugins without importing them; returns plugins and problems found.
    `what` names them in the problems ("vocoder plugin", "command", ...)."""
    by_name = {}
    problems = []
    for entry_point in metadata.entry_points(group=group):
        dist = entry_point.dist.name if entry_point.dist else "unknown distribution"
        if not VALID_NAME.match(entry_point.name):
            problems.append(f"{what} {entry_point.name!r} from {dist} skipped: invalid name")
            continue
        entry = PluginEntry(entry_point.name, entry_point.value, dist, entry_point)
        by_name.setdefault(entry.name, {})[(entry.target, entry.distribution)] = entry
    plugins = {}
    for name, claims in sorted(by_name.items()):
        if len(claims) > 1:
            owners = ", ".join(sorted(f"{e.distribution} ({e.target})" for e in claims.values()))
            problems.append(f"{what} {name!r} rejected: declared more than once, by {owners}")
            continue
        plugins[name] = next(iter(claims.values()))
    return Discovery(plugins, problems)


def load_vocoder_class(name, group=GROUP):
    """Import and return the Vocoder class registered as `name`; a clear PluginError otherwise."""
    if not isinstance(name, str) or not VALID_NAME.match(name):
        raise PluginError(f"invalid vocoder name {name!r}: use a registered name such as those in `tts vocoders`")
    found = discover(group)
    if name not in found.plugins:
        rejected = [p for p in found.problems if f"{name!r}" in p]
        if rejected:
            raise PluginError(rejected[0])
        installed = ", ".join(found.plugins) or "none"
        raise PluginError(f"unknown vocoder {name!r}; installed vocoders: {installed}")
    entry = found.plugins[name]
    try:
        cls = entry.entry_point.load()
    except Exception as error:  # a broken plugin must never take the core down
        raise PluginError(f"vocoder plugin {name!r} ({entry.target}) failed to import: {error}") from None
    _check_is_vocoder(name, cls)
    return cls


def load_with_options(cls, path, options, *, where, error=TTSError):
    """`cls.load(path, **options)`; options its `load` does not take are an `error` naming them after
    `where` (the file or flag they came from), before anything loads."""
    try:
        inspect.signature(cls.load).bind(path, **options)
    except TypeError as why:
        raise error(f"{where}: {why}") from None
    return cls.load(path, **options)


def installed_vocoders(group=GROUP):
    """Import every plugin; returns {name: class} for the ones that load, warning about the rest."""
    found = discover(group)
    loaded = {}
    for problem in found.problems:
        warnings.warn(problem, PluginWarning, stacklevel=2)
    for name in found.plugins:
        try:
            loaded[name] = load_vocoder_class(name, group)
        except PluginError as error:
            warnings.warn(str(error), PluginWarning, stacklevel=2)
    return loaded


def load_extensions(group, *, what):
    """{name: the object each entry point of `group` names} for those that import, warning about the
    rest: a broken extension never takes the core down."""
    found = discover(group, what=what)
    loaded = {}
    for problem in found.problems:
        warnings.warn(problem, PluginWarning, stacklevel=2)
    for name, entry in found.plugins.items():
        try:
            loaded[name] = entry.entry_point.load()
        except Exception as error:  # any import failure of someone else's code
            warnings.warn(f"{what} {name!r} ({entry.target}) failed to import: {error}", PluginWarning, stacklevel=2)
    return loaded


def _check_is_vocoder(name, cls):
    # Checked by shape rather than by importing vocoders.base: the core imports no stage.
    missing = [attr for attr in CONTRACT if not hasattr(cls, attr)]
    if not isinstance(cls, type) or missing:
        raise PluginError(f"vocoder plugin {name!r} does not implement the Vocoder contract (lacks {missing})")
    if cls.name != name:
        raise PluginError(f"vocoder plugin {name!r} declares name {cls.name!r}; the two must match")
