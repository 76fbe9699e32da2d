"""Who may import whom (DESIGN.md §2) as a checker: collect every import of the library's modules,
then name the rule each one breaks. tests/test_architecture.py runs it over the repository and over
small fixture trees, so the rules that pass on the real code are the ones shown to fail on bad code.

Imports are read from the syntax tree, at module level and inside functions alike: a lazy import is
still a dependency. Relative imports are made absolute, and `from package import module` counts as
importing the module, so `from tts import cli` is seen as importing tts.cli.
"""

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

LIBRARY = ("tts", "frontends", "vocoders", "music")  # the folders checked; music/ once it exists
NOT_LIBRARY = ("recipes", "tests", "bench")
# music's commands and demo tab extend tts's (through entry points): shells too
SHELLS = ("tts.cli", "tts.demo", "tts.server", "music.cli", "music.demo")
STAGES = ("frontends", "vocoders", "tts.acoustic")

# tts modules that compose stages as Voice does. The rest of tts/ is core, which imports no stage and
# no composer: data flows one way, core -> stages -> composers -> shells.
COMPOSERS = {
    "tts.voice": "Voice composes the frontend, the acoustic model and the vocoders (DESIGN.md §2)",
    "tts.voice_plan": "the Voice's plan of a text, split from voice.py: reads SSML with the frontend's parser",
    "tts.voice_builder": "assembles a voice directory from trained stages and loads it through Voice as a check",
    "tts.evaluation": "runs trained stages on held-out recordings and texts to score them",
}

# Commands that train, align or build a stage need its internals; every other command, the demo and
# the server reach stages only through Voice and the registry.
STAGE_COMMANDS = {
    "tts.cli.train": "`tts train ...` trains the aligner, the duration and acoustic models and the WaveNet",
    "tts.cli.align": "`tts align` runs the aligner over a corpus",
    "tts.cli.build_units": "`tts build-units` builds the concat vocoder's unit database",
    "tts.cli.corpus": "`tts corpus ...` prepares training data: aligner features, GTA mels from the acoustic model",
    "tts.cli.features_option": "`--features` of train and corpus: checks the stages' run configs against one spec",
    "tts.cli.phonemize": "`tts phonemize` shows the frontend alone, from a lexicon and a duration model (no voice)",
}


@dataclass(frozen=True)
class Import:
    path: str  # the importing file, relative to the root: "tts/voice.py"
    line: int
    importer: str  # its module: "tts.voice"
    imported: str  # the module imported: "frontends.frontend"


@dataclass(frozen=True)
class Rule:
    name: str
    text: str
    breaks: Callable  # (importer, imported) -> True when this import breaks the rule


@dataclass(frozen=True)
class Violation:
    found: Import
    rule: Rule

    def __str__(self):
        return f"{self.found.path}:{self.found.line} imports {self.found.imported}: {self.rule.text}"


def within(module, *prefixes):
    """True when `module` is one of `prefixes` or inside one of them (tts.voice is not inside tts.voi)."""
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def module_name(relative):
    parts = Path(relative).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def collect_imports(root):
    """Every import in the library's .py files under `root`."""
    root = Path(root)
    files = [path for package in LIBRARY for path in sorted((root / package).rglob("*.py"))]
    modules = {module_name(path.relative_to(root)) for path in files}
    return [found for path in files for found in imports_of(path, root, modules)]


def imports_of(path, root, modules):
    """The imports of one file; `modules` (all the tree's module names) tells a module from a name."""
    relative = path.relative_to(root)
    importer = module_name(relative)
    package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        found += [Import(relative.as_posix(), node.lineno, importer, name) for name in dict.fromkeys(names)]
    return found


def _absolute(node, package):
    if not node.level:
        return node.module
    parts = package.split(".")
    parts = parts[: len(parts) - node.level + 1]  # level 1 is the package itself
    return ".".join(parts + [node.module] if node.module else parts)


def violations(imports):
    """The first rule each import breaks, in the order of RULES."""
    broken = []
    for found in imports:
        rule = next((rule for rule in RULES if rule.breaks(found.importer, found.imported)), None)
        if rule is not None:
            broken.append(Violation(found, rule))
    return broken


def is_core(module):
    return within(module, "tts") and not within(module, "tts.acoustic", *SHELLS, *COMPOSERS)


def _imports_outside_the_library(importer, imported):
    return within(imported, *NOT_LIBRARY)


def _imports_a_shell(importer, imported):
    if not within(imported, *SHELLS):
        return False
    own = next((shell for shell in SHELLS if within(importer, shell)), None)
    if own is None or within(imported, own) or own == "tts.cli":  # the CLI launches the others
        return own is None
    # music's commands use the CLI's argument helpers; its tab, the demo's
    return not (own == "music.cli" and within(imported, "tts.cli") or own == "music.demo" and within(imported, "tts.demo"))


def _imports_music(importer, imported):
    return within(imported, "music") and not within(importer, "music")


def _music_imports_past_wavenet(importer, imported):
    return within(importer, "music") and (
        within(imported, "frontends", "tts.acoustic", *COMPOSERS)
        or (within(imported, "vocoders") and not within(imported, "vocoders.wavenet"))
    )


def _frontend_imports_a_stage(importer, imported):
    return within(importer, "frontends") and within(imported, "vocoders", "tts.acoustic", *COMPOSERS)


def _vocoder_imports_a_stage(importer, imported):
    if not within(importer, "vocoders"):
        return False
    own = ".".join(importer.split(".")[:2])  # vocoders.<plugin>
    return within(imported, "frontends", "tts.acoustic", *COMPOSERS) or (
        within(imported, "vocoders") and not within(imported, "vocoders.base", own)
    )


def _acoustic_imports_a_stage(importer, imported):
    return within(importer, "tts.acoustic") and within(imported, "frontends", "vocoders", *COMPOSERS)


def _shell_imports_a_stage(importer, imported):
    return within(importer, *SHELLS) and not within(importer, *STAGE_COMMANDS) and within(imported, *STAGES)


def _core_imports_a_stage(importer, imported):
    return is_core(importer) and within(imported, *STAGES, *COMPOSERS)


RULES = (
    Rule("not-library", "library code never imports recipes/, tests/ or bench/", _imports_outside_the_library),
    Rule("shells", "nothing imports the CLI, the demo or the server but themselves (the CLI may launch the other "
                   "two)", _imports_a_shell),
    Rule("music-above", "nothing in tts/, frontends/ or vocoders/ imports music/", _imports_music),
    Rule("music-down", "music/ imports only core types and vocoders.wavenet", _music_imports_past_wavenet),
    Rule("frontends", "frontends/ import only core types: never vocoders, the acoustic model or a composer",
         _frontend_imports_a_stage),
    Rule("vocoders", "a vocoder imports only core types and vocoders.base: never frontends, the acoustic model, "
                     "a composer or another vocoder", _vocoder_imports_a_stage),
    Rule("acoustic", "the acoustic model (tts.acoustic) imports only core types", _acoustic_imports_a_stage),
    Rule("shell-stages", "the CLI, the demo and the server reach stages only through Voice and the registry "
                         "(STAGE_COMMANDS excepted)", _shell_imports_a_stage),
    Rule("core", "core imports no stage (frontends, vocoders, tts.acoustic) and no composer (COMPOSERS)",
         _core_imports_a_stage),
)
