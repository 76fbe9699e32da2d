"""Running a music recipe's run.sh as a user would: the repo's venv on PATH, one OpenMP thread."""

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def recipe_path(name):
    return REPO / "recipes" / name / "run.sh"


def run_recipe(name, *args):
    """recipes/<name>/run.sh with `args` (str()-ed); the finished process, output captured."""
    return subprocess.run([str(recipe_path(name)), *map(str, args)], capture_output=True, text=True, timeout=600,
                          env={"PATH": f"{REPO / '.venv' / 'bin'}:/usr/bin:/bin", "OMP_NUM_THREADS": "1"})


def finished_stages(stdout):
    """The stage numbers ("1:", "2:" ...) a recipe's output reports as finished."""
    return [line.split()[2] for line in stdout.splitlines() if line.endswith(" s") and "=== stage" in line]
