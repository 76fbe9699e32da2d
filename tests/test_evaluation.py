"""`tts eval copy`: copy-synthesis scores per vocoder, a table and a JSON report."""

import json

import pytest

from corpus_fixtures import write_tone
from tts.cli.main import main
from tts.corpora.manifest import ManifestEntry, write_manifest
from tts.features import FeatureSpec
from vocoders.griffinlim.vocoder import GriffinLimVocoder


@pytest.fixture
def manifest(tmp_path):
    entries = []
    for index in range(3):
        path = write_tone(tmp_path / f"u{index}.wav", 0.6, 22050, seed=index)
        entries.append(ManifestEntry(f"u{index}", "a", "tone", path, 0.6, 22050))
    path = tmp_path / "m.jsonl"
    write_manifest(path, entries)
    return path


def test_eval_scores_the_chosen_utterances_and_writes_a_report(manifest, tmp_path, capsys):
    (tmp_path / "ids.json").write_text(json.dumps(["u0", "u2"]))
    GriffinLimVocoder(FeatureSpec(), iterations=16).save(tmp_path / "griffinlim.json")
    status = main(["eval", "copy", "--manifest", str(manifest), "--ids", str(tmp_path / "ids.json"),
                   "--vocoder", f"griffinlim={tmp_path / 'griffinlim.json'}", "--world-reference",
                   "--mel-ceiling", "--out", str(tmp_path / "r.json")])
    assert status == 0
    out = capsys.readouterr().out
    assert "copy-synthesis of 2 utterances" in out and "griffinlim" in out
    report = json.loads((tmp_path / "r.json").read_text())["griffinlim"]
    assert report["utterances"] == 2 and report["audio_seconds"] == pytest.approx(1.2, abs=0.03)
    assert report["stoi"] > 0.5 and 1.0 <= report["pesq"] <= 4.7 and report["mcd_db"] > 0 and report["rtf"] > 0
    reference = json.loads((tmp_path / "r.json").read_text())["world-analysis"]
    assert reference["utterances"] == 2 and 1.0 <= reference["pesq"] <= 4.7 and reference["rtf"] > 0
    ceiling = json.loads((tmp_path / "r.json").read_text())["mel-own-phase"]
    assert ceiling["utterances"] == 2 and ceiling["stoi"] > report["stoi"] and ceiling["mcd_db"] < report["mcd_db"]


def test_eval_refuses_unknown_vocoders_and_empty_selections(manifest, tmp_path, capsys):
    assert main(["eval", "copy", "--manifest", str(manifest), "--vocoder", "nonesuch"]) == 1
    assert "unknown vocoder 'nonesuch'" in capsys.readouterr().err
    (tmp_path / "ids.json").write_text(json.dumps(["other"]))
    assert main(["eval", "copy", "--manifest", str(manifest), "--ids", str(tmp_path / "ids.json"),
                 "--vocoder", "griffinlim"]) == 2
    assert "no utterance to score" in capsys.readouterr().err
