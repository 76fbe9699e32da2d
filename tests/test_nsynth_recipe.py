"""recipes/nsynth/run.sh end to end with the tiny config set: a small corpus rendered with fluidsynth,
the autoencoder trained and evaluated, and a rerun of the training stage resumes."""

import functools
import json

import recipe_runner
from recipe_runner import finished_stages

RECIPE = recipe_runner.recipe_path("nsynth")
run_recipe = functools.partial(recipe_runner.run_recipe, "nsynth")


def test_the_recipe_renders_trains_evaluates_and_resumes(tmp_path):
    corpus, exp, conf = tmp_path / "nsynth", tmp_path / "exp", RECIPE.parent / "conf" / "tiny"
    done = run_recipe("--corpus", corpus, "--bootstrap-args", "--small", "--conf", conf, "--exp", exp,
                      "--notes", 3, "--pairs", 1)
    assert done.returncode == 0, done.stderr[-2000:]
    assert finished_stages(done.stdout) == ["1:", "2:", "3:"]
    assert (corpus / "nsynth-test" / "examples.json").is_file()
    result = json.loads((exp / "evaluation" / "evaluation.json").read_text())
    assert result["notes"] == 3 and result["morph"]["pairs"] == 1
    again = run_recipe("--corpus", corpus, "--conf", conf, "--exp", exp, "--stage", 1, "--stop-stage", 2)
    assert again.returncode == 0 and "already holds nsynth-train: kept" in again.stdout
    assert f"{exp / 'train'} holds step-" in again.stdout


def test_bad_options_fail_in_one_line_before_any_stage(tmp_path):
    for args, message in ((["--stage", "4"], "stages run from 1 to 3"),
                          (["--stage", "2", "--corpus", tmp_path / "missing"], "holds no nsynth-train folder"),
                          (["--notes", "x"], "--notes must be a whole number")):
        done = run_recipe(*args, "--exp", tmp_path / "exp")
        assert done.returncode == 2 and message in done.stderr and "=== stage" not in done.stdout
