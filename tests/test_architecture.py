"""Who may import whom: DESIGN.md §2's rules, checked over every module of tts/, frontends/, vocoders/
and music/ (once it exists), imports inside functions included.

Import rules (tests/architecture_rules.py; the first one an import breaks is reported, with the file,
the line and the module imported):
- Library code never imports recipes/, tests/ or bench/.
- Nothing imports the CLI (tts.cli), the demo (tts.demo) or the server (tts.server) but themselves;
  the CLI may import the demo and the server to launch them.
- Nothing in tts/, frontends/ or vocoders/ imports music/.
- music/ imports only downward: core types and vocoders.wavenet.
- frontends/ import only core types: never vocoders, the acoustic model or a composer.
- A vocoder imports only core types and vocoders.base: never frontends, the acoustic model, a
  composer or another vocoder.
- The acoustic model stays in tts/acoustic, not a top-level folder, because the product card fixes
  the top level (frontends, tts, vocoders, music, recipes, bench, tests); its own rule keeps it a
  stage: it imports only core types.
- The CLI, the demo and the server reach stages only through Voice and the registry, except the
  commands that train, align and build (STAGE_COMMANDS, each with its reason).
- Core (tts/ but for the acoustic model, the shells and the COMPOSERS, each with its reason) imports
  no stage and no composer.
"""

from pathlib import Path

from architecture_rules import (
    COMPOSERS,
    RULES,
    STAGE_COMMANDS,
    STAGES,
    Import,
    collect_imports,
    violations,
    within,
)

REPO = Path(__file__).resolve().parent.parent


def test_the_library_keeps_the_import_rules():
    imports = collect_imports(REPO)
    assert len({found.importer for found in imports}) > 150  # the walk reached the whole tree
    # Voice.load imports the frontend inside the function: such imports are checked too
    assert any(found.importer == "tts.voice" and found.imported == "frontends.frontend" for found in imports)
    broken = [str(violation) for violation in violations(imports)]
    assert not broken, "imports that break DESIGN.md §2:\n" + "\n".join(broken)


def test_every_allowed_exception_still_needs_its_place():
    imports = collect_imports(REPO)
    for prefix, why in {**COMPOSERS, **STAGE_COMMANDS}.items():
        reaches = [found for found in imports if within(found.importer, prefix)
                   and within(found.imported, *STAGES, *COMPOSERS) and not within(found.imported, prefix)]
        assert reaches, f"{prefix} ({why}) imports no stage or composer any more: take it off the list"


# A small tree that breaks each rule once, beside imports that are allowed.
FIXTURE = {
    "tts/__init__.py": "",
    "tts/core.py": "import numpy\nfrom tts.cli.main import main\n\n\ndef late():\n    from frontends import g2p\n",
    "tts/metrics.py": "import bench.harness\n",
    "tts/corpora/__init__.py": "",
    "tts/corpora/sentences.py": "from ..evaluation.texts import read_texts\n",
    "tts/evaluation/__init__.py": "",
    "tts/evaluation/texts.py": "from frontends.g2p import G2P\n",
    "tts/voice.py": "def load():\n    from frontends.frontend import Frontend\n    from tts.acoustic import model\n",
    "tts/acoustic/__init__.py": "",
    "tts/acoustic/model.py": "from tts.core import late\n\n\ndef symbols():\n    from frontends.g2p import SYMBOLS\n",
    "tts/cli/__init__.py": "",
    "tts/cli/main.py": "from tts.cli import synth\nfrom tts.demo import app\n",
    "tts/cli/synth.py": "from tts.voice import load\nfrom frontends.frontend import warning_line\n",
    "tts/cli/train/__init__.py": "",
    "tts/cli/train/wavenet.py": "from vocoders.wavenet.model import train\n",
    "tts/demo/__init__.py": "",
    "tts/demo/app.py": "from tts.voice import load\nfrom tts.cli import main\n",
    "tts/server/__init__.py": "",
    "tts/server/app.py": "from tts.demo import app\n",
    "frontends/__init__.py": "",
    "frontends/g2p.py": "from tts.core import late\n",
    "frontends/frontend.py": "from . import g2p\nfrom vocoders.base import Vocoder\n",
    "vocoders/__init__.py": "",
    "vocoders/base.py": "from tts.core import late\n",
    "vocoders/x.py": "from frontends.g2p import G2P\n",
    "vocoders/world/__init__.py": "",
    "vocoders/world/analysis.py": "",
    "vocoders/world/vocoder.py": "from ..base import Vocoder\nfrom ..wavenet import model\nfrom . import analysis\n",
    "vocoders/wavenet/__init__.py": "",
    "vocoders/wavenet/model.py": "import music.nsynth\n",
    "music/__init__.py": "",
    "music/nsynth.py": "from vocoders.wavenet.model import train\nfrom tts import core\nfrom vocoders.world import vocoder\n",
    "music/cli.py": "from tts.voice import load\n",
}

EXPECTED = {  # (file, line, module imported, rule broken)
    ("tts/core.py", 2, "tts.cli.main", "shells"),
    ("tts/core.py", 6, "frontends.g2p", "core"),
    ("tts/metrics.py", 1, "bench.harness", "not-library"),
    ("tts/corpora/sentences.py", 1, "tts.evaluation.texts", "core"),
    ("tts/acoustic/model.py", 5, "frontends.g2p", "acoustic"),
    ("tts/cli/synth.py", 2, "frontends.frontend", "shell-stages"),
    ("tts/demo/app.py", 2, "tts.cli.main", "shells"),
    ("tts/server/app.py", 1, "tts.demo.app", "shells"),
    ("frontends/frontend.py", 2, "vocoders.base", "frontends"),
    ("vocoders/x.py", 1, "frontends.g2p", "vocoders"),
    ("vocoders/world/vocoder.py", 2, "vocoders.wavenet.model", "vocoders"),
    ("vocoders/wavenet/model.py", 1, "music.nsynth", "music-above"),
    ("music/nsynth.py", 3, "vocoders.world.vocoder", "music-down"),
    ("music/cli.py", 1, "tts.voice", "music-down"),
}


def test_each_rule_reports_the_file_line_and_module_that_break_it(tmp_path):
    for path, source in FIXTURE.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(source, encoding="utf-8")
    assert {rule for *_, rule in EXPECTED} == {rule.name for rule in RULES}  # every rule is shown to fail
    found = violations(collect_imports(tmp_path))
    assert {(v.found.path, v.found.line, v.found.imported, v.rule.name) for v in found} == EXPECTED
    [message] = [str(v) for v in found if v.found.path == "vocoders/x.py"]
    assert message.startswith("vocoders/x.py:1 imports frontends.g2p: a vocoder imports only core types")


def test_relative_imports_are_made_absolute(tmp_path):
    (tmp_path / "tts" / "corpora").mkdir(parents=True)
    for name in ("tts/__init__.py", "tts/corpora/__init__.py", "tts/corpora/listing.py", "tts/audio.py"):
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "tts/corpora/vctk.py").write_text(
        "from . import listing\nfrom .listing import pair_up\nfrom .. import audio\nfrom ..errors import TTSError\n",
        encoding="utf-8",
    )
    found = [f for f in collect_imports(tmp_path) if f.importer == "tts.corpora.vctk"]
    assert found == [
        Import("tts/corpora/vctk.py", 1, "tts.corpora.vctk", "tts.corpora.listing"),
        Import("tts/corpora/vctk.py", 2, "tts.corpora.vctk", "tts.corpora.listing"),
        Import("tts/corpora/vctk.py", 3, "tts.corpora.vctk", "tts.audio"),
        Import("tts/corpora/vctk.py", 4, "tts.corpora.vctk", "tts.errors"),
    ]
