"""recipes/midi/run.sh end to end on a tiny corpus with the tiny config set: both models trained,
compared, and a rerun of a training stage resumes."""

import functools
import json

import recipe_runner
from midi_fixtures import write_tiny_corpus
from recipe_runner import finished_stages

RECIPE = recipe_runner.recipe_path("midi")
run_recipe = functools.partial(recipe_runner.run_recipe, "midi")


def test_the_recipe_trains_both_models_compares_them_and_resumes(tmp_path):
    write_tiny_corpus(tmp_path / "corpus", pieces=10)
    exp = tmp_path / "exp"
    done = run_recipe("--corpus", tmp_path / "corpus", "--conf", RECIPE.parent / "conf" / "tiny", "--exp", exp,
                      "--compositions", 2, "--bars", 2)
    assert done.returncode == 0, done.stderr[-2000:]
    assert finished_stages(done.stdout) == ["1:", "2:", "3:"]
    result = json.loads((exp / "comparison" / "comparison.json").read_text())
    assert set(result["models"]) == {"wavenet", "lstm"} and result["held_out_pieces"] == 1
    assert all(figures["steps"] == 20 for figures in result["models"].values())
    again = run_recipe("--corpus", tmp_path / "corpus", "--conf", RECIPE.parent / "conf" / "tiny", "--exp", exp,
                       "--stage", 1, "--stop-stage", 1)
    assert again.returncode == 0 and f"{exp / 'wavenet'} holds step-" in again.stdout


def test_bad_options_fail_in_one_line_before_any_stage(tmp_path):
    for args, message in ((["--stage", "4"], "stages run from 1 to 3"),
                          (["--corpus", tmp_path / "missing"], "neither 'bach' nor a folder"),
                          (["--bars", "x"], "--bars must be a whole number")):
        done = run_recipe(*args, "--exp", tmp_path / "exp")
        assert done.returncode == 2 and message in done.stderr and "=== stage" not in done.stdout
