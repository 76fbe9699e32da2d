"""recipes/music/run.sh end to end with the tiny config set: ten chorales rendered, both models
trained, compared, and a rerun of a training stage resumes."""

import functools
import json

import recipe_runner
from recipe_runner import finished_stages

RECIPE = recipe_runner.recipe_path("music")
run_recipe = functools.partial(recipe_runner.run_recipe, "music")


def test_the_recipe_renders_trains_both_models_compares_them_and_resumes(tmp_path):
    corpus, exp, conf = tmp_path / "chorales", tmp_path / "exp", RECIPE.parent / "conf" / "tiny"
    done = run_recipe("--corpus", corpus, "--chorales", 10, "--instruments", "piano flute", "--conf", conf,
                      "--exp", exp, "--pieces", 1, "--seconds", 0.1)
    assert done.returncode == 0, done.stderr[-2000:]
    assert finished_stages(done.stdout) == ["1:", "2:", "3:", "4:"]
    assert len(json.loads((corpus / "pieces.json").read_text())["files"]) == 10
    result = json.loads((exp / "comparison" / "comparison.json").read_text())
    assert set(result["models"]) == {"wavenet", "lstm"} and result["held_out_files"] == 1
    assert all(figures["steps"] == 20 for figures in result["models"].values())
    again = run_recipe("--corpus", corpus, "--conf", conf, "--exp", exp, "--stage", 2, "--stop-stage", 2)
    assert again.returncode == 0 and f"{exp / 'wavenet'} holds step-" in again.stdout


def test_bad_options_fail_in_one_line_before_any_stage(tmp_path):
    for args, message in ((["--stage", "5"], "stages run from 1 to 4"),
                          (["--stage", "2", "--corpus", tmp_path / "missing"], "is not a folder"),
                          (["--seconds", "x"], "--seconds must be a number"),
                          (["--chorales", "many"], "--chorales must be a whole number")):
        done = run_recipe(*args, "--exp", tmp_path / "exp")
        assert done.returncode == 2 and message in done.stderr and "=== stage" not in done.stdout
