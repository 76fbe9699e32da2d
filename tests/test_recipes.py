"""The corpus recipes end to end: tiny bootstrap corpora in the real layouts, the tiny config set
(recipes/common/conf/tiny), the training stages under torchrun with 2 gloo processes."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile
import yaml

from corpus_fixtures import vctk_corpus
from frontends.aligner.data import AlignerDataConfig
from tts.corpora.bootstrap import bootstrap
from tts.feature_cache import audio_cache_dir, f0_cache_dir, mel_cache_dir
from tts.features import FeatureSpec

REPO = Path(__file__).resolve().parents[1]
FEATURES = REPO / "recipes" / "common" / "conf" / "features.yaml"
STAGES = ["preflight", "features", "aligner", "duration", "acoustic", "wavenet", "units", "voice", "synth", "eval"]


def run_recipe(corpus, *args, timeout=600):
    # The venv's bin first, so the recipe finds this tts and torchrun.
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run(
        [str(REPO / "recipes" / corpus / "run.sh"), *map(str, args)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout,
    )


def stage_times(exp):
    """[(stage, name, seconds)] from the recipe's log of finished stages, oldest first."""
    rows = [line.split("\t") for line in (exp / "stage_times.tsv").read_text().splitlines()]
    return [(int(stage), name, float(seconds)) for _, stage, name, seconds in rows]


def checkpoint_times(run_dir):
    return {path.name: path.stat().st_mtime_ns for path in (run_dir / "checkpoints").glob("step-*")}


@pytest.fixture(scope="module")
def vctk(tmp_path_factory):
    """The whole VCTK recipe, stages 0 to 9, on two speakers of 10 utterances (one held out each)."""
    root = tmp_path_factory.mktemp("vctk")
    db = root / "VCTK-Corpus-0.92"
    bootstrap(db, layout="vctk", per_speaker=10, speakers=["p225", "p231"], jobs=2)
    exp, data = root / "exp", root / "data"
    result = run_recipe(
        "vctk", "--db", db, "--config-set", "tiny", "--ngpu", 2, "--nj", 1, "--exp", exp, "--data", data,
        "--speakers", "p225", "--eval-texts", 1, "--eval-held-out", 1,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    print("stage times:", ", ".join(f"{stage} {name} {seconds:.1f} s" for stage, name, seconds in stage_times(exp)))
    return {"db": db, "exp": exp, "data": data, "log": result.stdout}


def test_vctk_recipe_runs_every_stage_and_its_voice_speaks(vctk, tmp_path):
    exp, log = vctk["exp"], vctk["log"]
    assert [(stage, name) for stage, name, _ in stage_times(exp)] == list(enumerate(STAGES))
    for number, name in enumerate(STAGES):
        assert f"=== stage {number}: {name} (" in log and f"=== stage {number}: {name}: done in " in log
    # The training stages ran as 2 torchrun processes (gloo on this CPU); the rest as plain tts.
    for model in ("aligner", "duration", "acoustic", "wavenet"):
        assert f"+ torchrun --standalone --nproc-per-node 2 {Path(sys.executable).parent}/tts train {model} " in log
    # the WaveNet's second run: the acoustic model's mels, from the first run's weights
    assert "tts corpus gta-mels --acoustic" in log and "init_from=" in log
    voice_json = json.loads((exp / "voice" / "voice.json").read_text())
    assert set(voice_json["vocoders"]) == {"griffinlim", "world", "lpc", "wavenet", "concat"}
    assert voice_json["extra"]["sources"]["wavenet"].startswith(str(exp / "wavenet_gta"))
    assert [speaker["id"] for speaker in voice_json["speakers"]] == ["p225", "p231"]
    assert (exp / "synth" / "harvard_p225.wav").is_file()
    assert json.loads((exp / "eval" / "texts.json").read_text())["vocoders"].keys() == voice_json["vocoders"].keys()
    assert json.loads((exp / "eval" / "held_out.json").read_text())["all"]["utterances"] == 2
    out = tmp_path / "hello.wav"
    synth = subprocess.run(
        [Path(sys.executable).parent / "tts", "synth", "--voice", exp / "voice", "--speaker", "p231", "-o", out,
         "Hello there."],
        capture_output=True, text=True, timeout=300,
    )
    assert synth.returncode == 0, synth.stderr
    wav, rate = soundfile.read(out)
    assert rate == 22050 and len(wav) > 0 and np.isfinite(wav).all()


def test_rerun_training_stage_resumes_from_its_checkpoints(vctk):
    exp, data = vctk["exp"], vctk["data"]
    acoustic = exp / "acoustic"
    before = checkpoint_times(acoustic)
    assert sorted(before) == ["step-00000002", "step-00000004"]
    common = ("--config-set", "tiny", "--ngpu", 2, "--exp", exp, "--data", data, "--stage", 4, "--stop-stage", 4)

    # Finished: the run loads step 4 and has nothing left to do; no checkpoint is rewritten.
    again = run_recipe("vctk", *common)
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"{acoustic} holds step-00000004: the run resumes from it" in again.stdout
    assert checkpoint_times(acoustic) == before

    # Given more steps, it continues from step 4 rather than starting over.
    more = run_recipe("vctk", *common, "--acoustic-args", "train.max_steps=6")
    assert more.returncode == 0, more.stderr[-3000:]
    after = checkpoint_times(acoustic)
    assert sorted(after) == ["step-00000002", "step-00000004", "step-00000006"]
    assert {name: after[name] for name in before} == before


@pytest.mark.parametrize(
    ("db", "message"),
    [("missing", "no such directory"), ("empty", "is not a VCTK corpus folder")],
)
def test_bad_db_fails_in_one_line_before_any_stage(tmp_path, db, message):
    (tmp_path / "empty").mkdir()
    result = run_recipe("vctk", "--db", tmp_path / db, "--exp", tmp_path / "exp", "--data", tmp_path / "data")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "run.sh: error: --db " in result.stderr and message in result.stderr
    assert "=== stage" not in result.stdout
    assert not (tmp_path / "exp").exists() and not (tmp_path / "data").exists()


def test_bad_option_fails_before_any_stage(tmp_path):
    result = run_recipe("vctk", "--stage", "2", "--stop-stage", "1", "--exp", tmp_path / "exp")
    assert result.returncode == 2 and "--stage 2 is after --stop-stage 1" in result.stderr
    assert not (tmp_path / "exp").exists()


def test_stage_1_checks_every_config_then_caches_the_features_it_always_did(tmp_path):
    """The tiny set's configs agree with features.yaml, and stage 1 caches the same features as
    before there was one: the default FeatureSpec's, and the aligner's built-in one; and the audio
    band-limited at the mel's fmax that the excitation WaveNet trains on."""
    db, exp, data = vctk_corpus(tmp_path / "VCTK-Corpus-0.92"), tmp_path / "exp", tmp_path / "data"
    result = run_recipe(
        "vctk", "--db", db, "--config-set", "tiny", "--stop-stage", 1, "--nj", 1, "--exp", exp, "--data", data
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert f"--features {FEATURES} --check-config " in result.stdout
    assert f"checked 2 stage configs with a data.spec against {FEATURES}: they agree" in result.stdout
    manifest, voice = data / "vctk.jsonl", FeatureSpec()
    cached = {
        mel_cache_dir(manifest, voice), f0_cache_dir(manifest, voice), audio_cache_dir(manifest, voice.sample_rate),
        mel_cache_dir(manifest, AlignerDataConfig().spec),
        audio_cache_dir(manifest, voice.sample_rate, band_limit_hz=voice.fmax),
    }
    assert set((data / "vctk.cache").iterdir()) == cached
    assert all(len(list(folder.iterdir())) == 3 for folder in cached)


def test_stage_1_fails_naming_a_config_whose_spec_differs_from_features_yaml(tmp_path):
    conf = tmp_path / "conf"
    shutil.copytree(REPO / "recipes" / "common" / "conf" / "tiny", conf)
    wavenet = yaml.safe_load((conf / "wavenet.yaml").read_text())
    wavenet["data"]["spec"] = {"hop_length": 200}
    (conf / "wavenet.yaml").write_text(yaml.safe_dump(wavenet))
    data = tmp_path / "data"
    result = run_recipe("vctk", "--conf", conf, "--stage", 1, "--stop-stage", 1, "--exp", tmp_path / "exp", "--data", data)
    assert result.returncode == 1
    line = f"tts: error: {conf}/wavenet.yaml: data.spec.hop_length is 200 but {FEATURES} says 256\n"
    assert result.stderr == line + "=== stage 1: features: FAILED (exit status 1)\n"
    assert not data.exists()


def test_ljspeech_recipe_builds_a_single_speaker_voice(tmp_path):
    """Stages 0 to 8 with one process per stage (--ngpu 0: CPU, no torchrun)."""
    db = tmp_path / "LJSpeech-1.1"
    bootstrap(db, layout="ljspeech", per_speaker=10, jobs=2)
    exp = tmp_path / "exp"
    result = run_recipe(
        "ljspeech", "--db", db, "--config-set", "tiny", "--ngpu", 0, "--nj", 1, "--exp", exp,
        "--data", tmp_path / "data", "--stop-stage", 8, "--eval-texts", 1,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert [name for _, name, _ in stage_times(exp)] == STAGES[:9]
    assert "tts train acoustic " in result.stdout and "train.device=cpu" in result.stdout
    assert [speaker["id"] for speaker in json.loads((exp / "voice" / "voice.json").read_text())["speakers"]] == ["LJ"]
    wav, rate = soundfile.read(exp / "synth" / "harvard_LJ.wav")
    assert rate == 22050 and len(wav) > 0
