"""Plugin discovery through the `tts.vocoders` entry points, with installed and fake distributions."""

import os
import subprocess
import sys
import textwrap
import warnings
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

from tts.errors import PluginError, TTSError
from tts.registry import PluginWarning, discover, installed_vocoders, load_vocoder_class
from tts.utterance import Utterance

TEST_PLUGIN_PATH = Path(__file__).resolve().parent / "plugins" / "tiny_vocoder"  # conftest.py puts it on the path

GOOD_MODULE = """
from tts.features import FeatureSpec
from vocoders.base import Vocoder

class Good(Vocoder):
    name = "{name}"
    needs = ("mel",)

    @classmethod
    def load(cls, path=None):
        return cls(FeatureSpec())

    def render(self, utterances):
        return [[0.0] for _ in utterances]
"""


def fake_distribution(site, dist, module, entry_points, source, group="tts.vocoders"):
    """Lay out an installed distribution (dist-info + module) that importlib.metadata will find."""
    info = site / f"{dist}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    lines = "\n".join(f"{name} = {target}" for name, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[{group}]\n{lines}\n")
    (site / f"{module}.py").write_text(textwrap.dedent(source))


@pytest.fixture
def site(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    return site


def test_installed_third_party_plugin_is_listed_and_renders():
    cls = load_vocoder_class("tiny-sine")
    assert cls.needs == ("mel",) and cls.__module__ == "tts_tiny_vocoder"
    vocoder = cls.load()
    mel = np.full((5, vocoder.spec.n_mels), -5.0, dtype=np.float32)
    mel[:, 10] = 0.0
    (wav,) = vocoder([Utterance(text="x", mel=mel)])
    assert wav.shape == (5 * vocoder.spec.hop_length,) and wav.dtype == np.float32


def test_missing_field_is_named_before_rendering():
    vocoder = load_vocoder_class("tiny-sine").load()
    with pytest.raises(TTSError, match="needs mel but utterance 0 .*has none"):
        vocoder([Utterance(text="no mel yet")])


def test_broken_plugin_is_reported_and_the_rest_still_load(site):
    fake_distribution(site, "broken_dist", "broken_plugin", {"broken": "broken_plugin:Nope"}, "raise ImportError('boom')\n")
    fake_distribution(site, "good_dist", "good_plugin", {"good": "good_plugin:Good"}, GOOD_MODULE.format(name="good"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PluginWarning)
        loaded = installed_vocoders()
    assert "good" in loaded and "tiny-sine" in loaded and "broken" not in loaded
    messages = [str(w.message) for w in caught]
    assert any("'broken'" in m and "failed to import: boom" in m for m in messages)
    with pytest.raises(PluginError, match="failed to import: boom"):
        load_vocoder_class("broken")


def test_duplicate_names_are_rejected(site):
    fake_distribution(site, "dist_a", "plugin_a", {"twin": "plugin_a:Good"}, GOOD_MODULE.format(name="twin"))
    fake_distribution(site, "dist_b", "plugin_b", {"twin": "plugin_b:Good"}, GOOD_MODULE.format(name="twin"))
    found = discover()
    assert "twin" not in found.plugins
    assert any("'twin' rejected: declared more than once" in p for p in found.problems)
    with pytest.raises(PluginError, match="declared more than once, by dist_a"):
        load_vocoder_class("twin")


@pytest.mark.parametrize("name", ["../evil", "os:system", "a/b", "Module.Attr", "", "x" * 80])
def test_names_with_paths_or_targets_are_refused(name):
    with pytest.raises(PluginError, match="invalid vocoder name"):
        load_vocoder_class(name)


def test_unknown_name_lists_installed():
    with pytest.raises(PluginError, match="unknown vocoder 'nosuch'; installed vocoders: .*tiny-sine"):
        load_vocoder_class("nosuch")


def test_non_vocoder_and_misnamed_plugins_are_refused(site):
    fake_distribution(site, "odd_dist", "odd_plugin", {"odd": "odd_plugin:thing"}, "thing = 42\n")
    fake_distribution(site, "liar_dist", "liar_plugin", {"liar": "liar_plugin:Good"}, GOOD_MODULE.format(name="other"))
    with pytest.raises(PluginError, match="does not implement the Vocoder contract"):
        load_vocoder_class("odd")
    with pytest.raises(PluginError, match="declares name 'other'"):
        load_vocoder_class("liar")


def test_cli_starts_with_a_broken_plugin_installed(site):
    fake_distribution(site, "broken_dist", "broken_plugin", {"broken": "broken_plugin:Nope"}, "raise RuntimeError('kaput')\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), os.environ["PYTHONPATH"]]))  # keeps the test plugin
    result = subprocess.run(
        [sys.executable, "-m", "tts.cli.main", "vocoders"], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0
    assert "tiny-sine" in result.stdout and "broken" not in result.stdout
    assert "vocoder plugin 'broken'" in result.stderr and "kaput" in result.stderr
    assert "Traceback" not in result.stderr


def test_test_plugin_is_found_only_through_the_test_path(tmp_path):
    # conftest.py puts tests/plugins/tiny_vocoder on the path; nothing installs it, so without that
    # path a user's `tts vocoders` (here: the venv's, from a directory outside the repo) never lists it.
    (dist,) = [d for d in metadata.distributions() if d.metadata["Name"] == "tts-tiny-vocoder"]
    assert Path(dist.locate_file("")).resolve() == TEST_PLUGIN_PATH
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    tts = Path(sys.executable).parent / "tts"
    result = subprocess.run([tts, "vocoders"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0 and "griffinlim" in result.stdout
    assert "tiny-sine" not in result.stdout


COMMAND_MODULE = """
def register(subparsers):
    parser = subparsers.add_parser("{name}", help="an extension's command")
    parser.set_defaults(func=lambda args: print("extension ran") or 0)
"""


def test_command_extensions_join_the_cli_and_broken_or_clashing_ones_are_skipped(site, capsys):
    from tts.cli.main import build_parser, main

    fake_distribution(site, "good-ext", "good_ext", {"hello": "good_ext:register"},
                      COMMAND_MODULE.format(name="hello"), group="tts.commands")
    fake_distribution(site, "broken-ext", "broken_ext", {"broken": "broken_ext:register"},
                      "raise ImportError('no such library')", group="tts.commands")
    fake_distribution(site, "clash-ext", "clash_ext", {"synth": "clash_ext:register"},
                      COMMAND_MODULE.format(name="synth"), group="tts.commands")
    with pytest.warns(PluginWarning) as caught:
        parser = build_parser()
    messages = [str(w.message) for w in caught]
    assert any("command 'broken' (broken_ext:register) failed to import: no such library" in m for m in messages)
    assert any("command 'synth' from an extension skipped: `tts synth` is built in" in m for m in messages)
    assert "hello" in parser._subparsers._group_actions[0].choices
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginWarning)
        assert main(["hello"]) == 0
    assert capsys.readouterr().out == "extension ran\n"


def test_the_music_commands_arrive_through_their_entry_point():
    assert discover("tts.commands", what="command").plugins["midi"].target == "music.cli.midi:register"
    assert discover("tts.demo_tabs", what="demo tab").plugins["midi"].target == "music.demo.midi_tab:build_tab"
