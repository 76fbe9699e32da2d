"""The `tts eval` group: its usage and help, and the flat forms of earlier releases, which run the same
evaluation as their subcommand after one deprecation warning."""

import json

import pytest

from tts.cli.eval.legacy import with_mode
from tts.cli.main import main
from voice_fixtures import make_aligned_corpus

MODES = ("copy", "texts", "acoustic")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Two tone recordings with texts and durations, and an ids file naming the first."""
    root = tmp_path_factory.mktemp("eval_cli")
    manifest = make_aligned_corpus(root, ("p225",), 2)
    (root / "ids.json").write_text(json.dumps(["p225_000"]))
    (root / "texts.txt").write_text("Hello there.\n", encoding="utf-8")
    return manifest


def test_eval_without_a_mode_prints_its_usage_and_exits_2(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["eval"])
    err = capsys.readouterr().err
    assert raised.value.code == 2 and err.startswith("usage: tts eval [-h] MODE ...")
    assert "the following arguments are required: MODE" in err and "deprecated" not in err


def test_eval_help_lists_the_modes_and_each_mode_has_its_own(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["eval", "--help"])
    out = capsys.readouterr().out
    assert raised.value.code == 0 and all(f"\n    {mode} " in out for mode in MODES)
    for mode in MODES:
        with pytest.raises(SystemExit) as raised:
            main(["eval", mode, "-h"])
        assert raised.value.code == 0 and capsys.readouterr().out.startswith(f"usage: tts eval {mode} [-h]")


def test_an_unknown_mode_is_refused_not_taken_for_a_flat_form(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["eval", "cpy", "--manifest", "m.jsonl"])
    err = capsys.readouterr().err
    assert raised.value.code == 2 and "invalid choice: 'cpy'" in err and "deprecated" not in err


@pytest.mark.parametrize(
    "args, mode",
    [
        (["--manifest", "m.jsonl", "--vocoder", "griffinlim"], "copy"),
        (["--limit", "2", "--voice", "v", "--texts", "harvard"], "texts"),
        (["--voice=v", "--manifest=m.jsonl"], "acoustic"),
        (["--voice", "v"], "texts"),  # then argparse asks for --texts
        (["--out", "r.json"], "copy"),  # then argparse asks for --manifest and --vocoder
    ],
)
def test_a_flat_form_gets_the_mode_its_flags_chose(args, mode, capsys):
    assert with_mode(args) == [mode, *args]
    assert capsys.readouterr().err.endswith(f"is deprecated; use 'tts eval {mode} ...'\n")


@pytest.mark.parametrize("args", [[], ["texts", "--voice", "v"], ["-h"], ["--help"]])
def test_subcommands_help_and_nothing_are_left_to_argparse(args, capsys):
    assert with_mode(args) == args and capsys.readouterr().err == ""


@pytest.mark.parametrize(
    "mode, form, flags",
    [
        ("copy", "--manifest", ["--manifest", "CORPUS", "--ids", "IDS", "--vocoder", "griffinlim"]),
        ("texts", "--voice --texts", ["--voice", "VOICE", "--texts", "TEXTS", "--vocoder", "griffinlim"]),
        ("acoustic", "--voice --manifest",
         ["--voice", "VOICE", "--manifest", "CORPUS", "--ids", "IDS", "--vocoder", "griffinlim"]),
    ],
)
@pytest.mark.filterwarnings("ignore:Not enough STFT frames")  # pystoi on the short test tones
def test_the_flat_form_writes_the_same_report_after_a_warning(corpus, voice_dir, tmp_path, capsys, mode, form, flags):
    paths = {"CORPUS": corpus, "IDS": corpus.parent / "ids.json", "TEXTS": corpus.parent / "texts.txt",
             "VOICE": voice_dir}
    flags = [str(paths.get(flag, flag)) for flag in flags]
    assert main(["eval", mode, *flags, "--out", str(tmp_path / "new.json")]) == 0
    new_out, new_err = capsys.readouterr()
    assert main(["eval", *flags, "--out", str(tmp_path / "old.json")]) == 0
    old_out, old_err = capsys.readouterr()
    warning = f"tts: warning: 'tts eval {form} ...' is deprecated; use 'tts eval {mode} ...'\n"
    assert old_err.startswith(warning) and old_err.count("deprecated") == 1 and "deprecated" not in new_err
    old, new = (json.loads((tmp_path / name).read_text(encoding="utf-8")) for name in ("old.json", "new.json"))
    assert without_timing(old) == without_timing(new)
    assert old_out.splitlines()[0] == new_out.splitlines()[0]  # the table's title


def without_timing(report):
    """`report` without its real-time factors, the one figure that changes from run to run."""
    if not isinstance(report, dict):
        return report
    return {key: without_timing(value) for key, value in report.items() if key != "rtf"}
