"""The wheel that `pip wheel .` builds holds what a fresh install needs: every module, the bundled
voice (each file voice.json names), the package data and the vocoder entry points.

The wheel is built once, from a copy of the sources in a temporary folder, so that setuptools'
build/ and egg-info never land in the repository (other work may be using it meanwhile)."""

import configparser
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tts.voice_files import VOICE_FILE, VoiceFiles, default_voice_dir

REPO = Path(__file__).resolve().parent.parent
PACKAGE_ROOTS = ("tts", "vocoders", "frontends")  # pyproject.toml's packages.find include
BUILD_INPUTS = ("pyproject.toml", "README.md")  # what the build reads besides the packages
NOT_SOURCES = shutil.ignore_patterns("__pycache__", "*.pyc")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The names in the built wheel, and its entry_points.txt parsed."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in BUILD_INPUTS:
        shutil.copy2(REPO / name, source / name)
    for root in PACKAGE_ROOTS:
        shutil.copytree(REPO / root, source / root, ignore=NOT_SOURCES)
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", "../dist", "."],
        capture_output=True, text=True, cwd=source,
    )
    assert build.returncode == 0, build.stderr
    [built] = (work / "dist").glob("tts_toolkit-*.whl")
    with zipfile.ZipFile(built) as archive:
        names = set(archive.namelist())
        [entry_points] = [name for name in names if name.endswith(".dist-info/entry_points.txt")]
        parsed = configparser.ConfigParser(delimiters=("=",))
        parsed.optionxform = str  # entry-point names keep their case
        parsed.read_string(archive.read(entry_points).decode("utf-8"))
    return names, parsed


def relative_files(folder):
    """Every file under `folder` as a wheel name (posix, relative to the repository), bytecode left out."""
    return {
        path.relative_to(REPO).as_posix() for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def source_files():
    """Every file of the package folders in the source tree."""
    return set().union(*(relative_files(REPO / root) for root in PACKAGE_ROOTS))


def test_the_wheel_holds_every_file_the_bundled_voice_names(wheel):
    names, _ = wheel
    files = VoiceFiles.read(default_voice_dir())
    wanted = {(default_voice_dir() / VOICE_FILE).relative_to(REPO).as_posix()}
    for component in files.components():
        path = files.path(component)
        wanted |= relative_files(path) if path.is_dir() else {path.relative_to(REPO).as_posix()}
    assert len(wanted) > len(files.components())  # the concat folder contributed its files
    assert sorted(wanted - names) == []


def test_the_wheel_holds_every_module_of_the_source_tree(wheel):
    names, _ = wheel
    modules = {name for name in source_files() if name.endswith(".py")}
    assert sorted(modules - names) == []


def test_every_folder_of_modules_in_the_wheel_has_its_init(wheel):
    # pyproject-configured discovery also takes namespace packages, so a forgotten __init__.py
    # would ship silently; every package here is meant to be a regular one.
    names, _ = wheel
    packages = {name.rpartition("/")[0] for name in names if name.endswith(".py") and "/" in name}
    assert "vocoders/wavenet" in packages
    assert sorted(package for package in packages if f"{package}/__init__.py" not in names) == []


def test_the_wheel_keeps_its_package_data(wheel):
    # Data beside the modules (word lists, the evaluation sentences, the voice) is there to be read at
    # run time, so every such file must ship; a new kind of file needs its pattern in package-data.
    names, _ = wheel
    data = {name for name in source_files() if not name.endswith(".py")}
    assert any(name.endswith(".txt") for name in data)
    assert sorted(data - names) == []


def test_the_wheel_declares_the_tts_command_and_every_builtin_vocoder(wheel):
    names, entry_points = wheel
    assert entry_points["console_scripts"]["tts"] == "tts.cli.main:main"
    declared = dict(entry_points["tts.vocoders"])
    # A built-in vocoder is a vocoders/ subpackage with a vocoder.py; each registers under its folder name.
    builtins = {path.parent.name for path in (REPO / "vocoders").glob("*/vocoder.py")}
    assert set(declared) == builtins
    for name, target in declared.items():
        module = target.split(":")[0]
        assert module == f"vocoders.{name}.vocoder" and module.replace(".", "/") + ".py" in names
