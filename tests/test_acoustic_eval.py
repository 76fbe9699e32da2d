"""`tts eval acoustic`: the acoustic model on held-out recordings with their true durations; the F0
error measures, the held-out selection, a perfect model scoring zero, the CLI and its errors."""

import json
import math

import numpy as np
import pytest

from frontends.inventory import english_inventory
from tts.cli.main import main
from tts.durations import default_durations_path, read_durations, write_durations
from tts.errors import TTSError
from tts.evaluation.acoustic_eval import score_held_out, select_held_out, summary
from tts.feature_cache import mel_cache_dir
from tts.metrics.mcd import dtw_pairs
from tts.metrics.pitch_error import f0_rmse, f0_rmse_cents, voicing_error
from tts.voice import Voice
from voice_fixtures import CORPUS_TEXTS, SPEC, make_aligned_corpus

INVENTORY = english_inventory()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """10 utterances of each of the tiny voice's speakers: 10 % holds out the 10th of each."""
    return make_aligned_corpus(tmp_path_factory.mktemp("acoustic_eval"), ("p225", "p226", "p227"), 10)


# --- F0 errors ------------------------------------------------------------------------------------


def test_f0_errors_on_hand_made_contours():
    f0 = np.array([0, 100, 200, 0, 110, 150], dtype=np.float32)
    reference = np.array([0, 100, 100, 120, 0, 150], dtype=np.float32)
    # voiced in both: frames 1, 2 and 5, off by 0, 100 and 0 Hz (0, 1200 and 0 cents)
    assert f0_rmse(f0, reference) == pytest.approx(math.sqrt(100**2 / 3))
    assert f0_rmse_cents(f0, reference) == pytest.approx(math.sqrt(1200**2 / 3))
    assert voicing_error(f0, reference) == pytest.approx(2 / 6)  # frames 3 and 4 disagree
    assert f0_rmse(reference, reference) == 0 and voicing_error(reference, reference) == 0
    assert math.isnan(f0_rmse([0, 100], [100, 0])) and math.isnan(f0_rmse_cents([0, 100], [100, 0]))
    assert voicing_error([0, 100], [100, 0]) == 1
    with pytest.raises(TTSError, match="one length"):
        f0_rmse(f0, reference[:-1])


def test_dtw_pairs_identical_mels_frame_for_frame(rng):
    log_mel = rng.standard_normal((12, 30))
    assert dtw_pairs(log_mel, log_mel).tolist() == [[i, i] for i in range(12)]


# --- selection and scoring ------------------------------------------------------------------------


def test_selection_is_the_shared_held_out_split_or_the_named_ids(corpus, voice_dir):
    voice = Voice.load(voice_dir)
    held_out = select_held_out(voice, corpus, default_durations_path(corpus))
    assert [h.id for h in held_out] == ["p225_009", "p226_009", "p227_009"]
    assert held_out[1].text == CORPUS_TEXTS[0] and held_out[1].speaker == "p226"
    named = select_held_out(voice, corpus, default_durations_path(corpus), per_speaker=1,
                            ids=["p226_004", "p225_001", "p225_000"])
    assert [h.id for h in named] == ["p225_000", "p226_004"]  # speaker order, then id; one per speaker


def test_a_perfect_model_scores_zero_and_the_reference_is_the_training_target(corpus, voice_dir, monkeypatch):
    voice = Voice.load(voice_dir)
    held_out = select_held_out(voice, corpus, default_durations_path(corpus))
    targets = {tuple(h.utterance.durations): (np.load(h.utterance.mel_path), np.load(h.utterance.f0_path))
               for h in held_out}
    monkeypatch.setattr(voice.acoustic_model, "synthesize_batch",
                        lambda ids, durations, speakers, **_: [targets[tuple(d)] for d in durations])
    results = score_held_out(voice, held_out, vocoders=["griffinlim"])
    for result in results:  # the mel the acoustic training learnt from
        cached = np.load(mel_cache_dir(corpus, SPEC) / f"{result.id}.npy")
        assert np.array_equal(result.reference_mel, cached) and result.reference_f0.shape == (len(cached),)
    report = summary(results, voice.speakers)
    assert list(report["speakers"]) == ["p225", "p226", "p227"] and len(report["utterances"]) == 3
    for figures in [*report["speakers"].values(), report["all"]]:
        assert figures["voiced_frames"] > 0
        assert figures["mel_l1"] == 0 and figures["mcd_db"] == 0
        assert figures["f0_rmse_hz"] == 0 and figures["f0_rmse_cents"] == 0 and figures["vuv_error"] == 0
        assert 0 < figures["audio"]["griffinlim"]["mcd_db"] < 20  # Griffin-Lim loses phase, not the mel
    assert report["all"]["frames"] == sum(f["frames"] for f in report["speakers"].values())


def test_cli_reports_each_speaker_and_all(corpus, voice_dir, tmp_path, capsys):
    status = main(["eval", "acoustic", "--voice", str(voice_dir), "--manifest", str(corpus),
                   "--vocoder", "griffinlim", "--out", str(tmp_path / "r.json")])
    assert status == 0
    out = capsys.readouterr().out
    assert "acoustic model of voice tiny" in out and "3 utterances" in out and "griffinlim WER" in out
    rows = [line.split()[0] for line in out.splitlines() if line.split() and line.split()[0] in
            ("p225", "p226", "p227", "all")]
    assert rows == ["p225", "p226", "p227", "all"] * 2  # the acoustic table, then the audio table
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["voice"] == "tiny" and report["vocoders"] == ["griffinlim"]
    assert report["durations"] == str(default_durations_path(corpus))
    for figures in [*report["speakers"].values(), report["all"]]:
        assert figures["utterances"] == (3 if figures is report["all"] else 1)
        for key in ("mel_l1", "mcd_db", "vuv_error"):
            assert math.isfinite(figures[key]) and figures[key] >= 0
        assert figures["f0_rmse_hz"] is None or math.isfinite(figures["f0_rmse_hz"])
        assert list(figures["audio"]) == ["original", "griffinlim"]
        assert 0 <= figures["audio"]["original"]["wer"] and 0 <= figures["audio"]["griffinlim"]["wer"]
        assert figures["audio"]["griffinlim"]["mcd_db"] > 0
    assert [u["id"] for u in report["utterances"]] == ["p225_009", "p226_009", "p227_009"]
    assert set(report["utterances"][0]["transcripts"]) == {"original", "griffinlim"}


@pytest.mark.parametrize(
    "case, code, message",
    [
        ("unknown id", 2, "unknown utterance ids nope"),
        ("no durations", 1, "lacks p225_003"),
        ("unknown speaker", 1, "speakers ['p999'] are not in the voice"),
        ("unknown vocoder", 2, "this voice has no vocoder 'nonesuch'"),
    ],
)
def test_cli_refuses_bad_input_in_one_line(corpus, voice_dir, tmp_path, capsys, case, code, message):
    manifest, extra = corpus, []
    if case == "unknown id":
        extra = ["--ids", _ids(tmp_path, ["p225_000", "nope"])]
    elif case == "no durations":
        records = [r for r in read_durations(default_durations_path(corpus)).records if r.id != "p225_003"]
        write_durations(tmp_path / "d.jsonl", records, spec=SPEC, inventory=INVENTORY.version)
        extra = ["--durations", str(tmp_path / "d.jsonl"), "--ids", _ids(tmp_path, ["p225_003"])]
    elif case == "unknown speaker":
        manifest = make_aligned_corpus(tmp_path, ("p999",), 1)
        extra = ["--ids", _ids(tmp_path, ["p999_000"])]
    else:
        extra = ["--vocoder", "nonesuch"]
    assert main(["eval", "acoustic", "--voice", str(voice_dir), "--manifest", str(manifest), *extra]) == code
    err = capsys.readouterr().err
    assert err.startswith("tts: error: ") and err.count("\n") == 1 and message in err, err


def test_cli_takes_only_its_own_flags(corpus, voice_dir, capsys):
    with pytest.raises(SystemExit) as raised:
        main(["eval", "acoustic", "--voice", str(voice_dir), "--manifest", str(corpus), "--texts", "harvard"])
    assert raised.value.code == 2 and "unrecognized arguments: --texts harvard" in capsys.readouterr().err


def _ids(tmp_path, ids):
    (tmp_path / "ids.json").write_text(json.dumps(ids))
    return str(tmp_path / "ids.json")
