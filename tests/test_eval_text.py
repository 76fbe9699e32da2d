"""`tts eval texts`: WER by pocketsphinx, DNSMOS, the text lists, and the CLI on a tiny voice;
WER in copy-synthesis too."""

import functools
import json
import subprocess

import numpy as np
import pytest
import torch

from tts import audio
from tts.checkpoint import save_weights
from tts.cli.main import main
from tts.config import config_to_dict
from tts.corpora.bootstrap.sentences import RESERVED
from tts.corpora.manifest import ManifestEntry, write_manifest
from tts.errors import TTSError, UsageError
from tts.evaluation.spoken import spoken_text
from tts.evaluation.text_synthesis import drawing_with, evaluate_texts, seeds_of
from tts.features import FeatureSpec
from tts.metrics.dnsmos import dnsmos
from tts.metrics.intelligibility import Recognizer, scoring_text, word_error_rate
from tts.texts import read_texts
from vocoders.griffinlim.vocoder import GriffinLimVocoder
from vocoders.wavenet.config import ConditioningConfig, StackConfig, WaveNetConfig
from vocoders.wavenet.model import KIND, WaveNet

FOX = "The quick brown fox."


@pytest.fixture(scope="module")
def fox(tmp_path_factory):
    """espeak-ng reading FOX: (path, wav, sample_rate)."""
    path = tmp_path_factory.mktemp("espeak") / "fox.wav"
    subprocess.run(["espeak-ng", "-w", str(path), FOX], check=True)
    wav, sample_rate = audio.load(path)
    return path, wav, sample_rate


@pytest.fixture
def texts(tmp_path):
    path = tmp_path / "texts.txt"
    path.write_text("Hello there.\n\nI paid $5.\n", encoding="utf-8")  # short: ASR of the tiny voice's noise is slow
    return path


# --- WER -------------------------------------------------------------------------------------------


def test_scoring_text_speaks_numbers_and_drops_case_and_punctuation():
    spoken = functools.partial(scoring_text, normalize=spoken_text)
    assert spoken("Dr. Smith paid $5, at 3 p.m.!") == "doctor smith paid five dollars at three p m"
    assert spoken("It's the well-known 2nd one.") == "it's the well known second one"
    # the numbers are spelled by the normalizer the caller passes, not by the metric
    assert scoring_text("I paid $5.", normalize=lambda text: text) == "i paid 5"


def test_wer_is_zero_for_the_same_words_and_counts_errors_over_all_sentences():
    wer = functools.partial(word_error_rate, normalize=spoken_text)
    assert wer(["The quick, brown Fox!", "I have 2 cats."], ["the quick brown fox", "i have two cats"]) == 0
    assert wer(["the quick brown fox"], ["the quick brown box"]) == 0.25
    assert wer(["a b c d", "e f"], ["a b c d", "e"]) == pytest.approx(1 / 6)  # one deletion in six words
    assert wer(["a b"], [""]) == 1
    with pytest.raises(TTSError, match="no words"):
        wer(["?!"], ["a"])


def test_pocketsphinx_recognizes_espeak_speech_repeatably(fox):
    _, wav, sample_rate = fox
    recognizer = Recognizer()
    transcript = recognizer.transcribe(wav, sample_rate)
    assert word_error_rate([FOX], [transcript], normalize=spoken_text) < 0.5, transcript
    assert recognizer.transcribe(wav, sample_rate) == transcript
    assert recognizer.transcribe(np.zeros(8000, dtype=np.float32), 16000) == ""


# --- DNSMOS ----------------------------------------------------------------------------------------


def test_dnsmos_scores_clean_speech_above_white_noise(fox):
    _, wav, sample_rate = fox
    speech = dnsmos(wav, sample_rate)
    noise = dnsmos(np.random.default_rng(0).uniform(-0.3, 0.3, 2 * sample_rate), sample_rate)
    for score in (speech, noise):
        assert all(1 <= value <= 5 for value in (score.sig, score.bak, score.ovrl)), score
    assert speech.ovrl > noise.ovrl + 0.5 and speech.bak > noise.bak + 0.5
    with pytest.raises(TTSError, match="empty"):
        dnsmos(np.zeros(0, dtype=np.float32), sample_rate)


# --- texts -----------------------------------------------------------------------------------------


def test_harvard_is_the_list_kept_out_of_training_and_files_skip_blank_lines(texts):
    harvard = read_texts("harvard")
    assert len(harvard) == 100 and harvard[0] == "The birch canoe slid on the smooth planks."
    assert harvard[-1] == "Rain dripped from the eaves all day long."
    assert tuple(harvard) == RESERVED
    assert read_texts(texts) == ["Hello there.", "I paid $5."]
    with pytest.raises(UsageError, match="built-in lists: harvard"):
        read_texts(texts.parent / "missing.txt")


# --- the command line ------------------------------------------------------------------------------


def test_eval_texts_writes_table_report_and_plot(voice_dir, texts, tmp_path, capsys):
    status = main(["eval", "texts", "--voice", str(voice_dir), "--texts", str(texts), "--vocoder", "griffinlim",
                   "--speaker", "0", "--speaker", "p227", "--out", str(tmp_path / "r.json"),
                   "--plot", str(tmp_path / "r.png")])
    assert status == 0
    out = capsys.readouterr().out
    assert "voice tiny speaking 2 texts" in out and "WER" in out and "OVRL" in out
    rows = [line.split() for line in out.splitlines() if line.startswith("griffinlim")]
    assert [row[1] for row in rows] == ["p225", "p227", "mean"] and all(len(row) == 7 for row in rows)
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["voice"] == "tiny" and len(report["texts"]) == 2 and list(report["vocoders"]) == ["griffinlim"]
    result = report["vocoders"]["griffinlim"]
    assert set(result["speakers"]) == {"p225", "p227"}
    for figures in result["speakers"].values():
        assert figures["utterances"] == 2 and figures["audio_seconds"] > 0 and figures["rtf"] > 0
        assert figures["wer"] >= 0 and len(figures["transcripts"]) == 2
        assert all(1 <= figures[key] <= 5 for key in ("dnsmos_sig", "dnsmos_bak", "dnsmos_ovrl"))
    assert set(result["mean"]) == {"rtf", "wer", "dnsmos_sig", "dnsmos_bak", "dnsmos_ovrl"}
    assert (tmp_path / "r.png").read_bytes().startswith(b"\x89PNG")


def test_eval_texts_pools_the_seeds_of_a_vocoder_that_draws_at_random(voice_dir, texts, tmp_path, capsys):
    """`--seeds 2`: Griffin-Lim (its first phase is random) speaks each text with its own seed and the
    next, its WER is the corpus WER over both draws and each seed's is kept; WORLD draws nothing at
    random and speaks once."""
    assert main(["eval", "texts", "--voice", str(voice_dir), "--texts", str(texts), "--vocoder", "griffinlim",
                 "--vocoder", "world", "--seeds", "2", "--out", str(tmp_path / "r.json")]) == 0
    out = capsys.readouterr().out
    report = json.loads((tmp_path / "r.json").read_text())
    pooled, once = report["vocoders"]["griffinlim"]["speakers"]["p225"], report["vocoders"]["world"]["speakers"]["p225"]
    assert list(pooled["seeds"]) == ["0", "1"] and pooled["utterances"] == 4 and "transcripts" not in pooled
    sentences = report["texts"]
    heard = [pooled["seeds"][seed]["transcripts"] for seed in ("0", "1")]
    wer = functools.partial(word_error_rate, normalize=spoken_text)
    assert pooled["wer"] == round(wer(sentences * 2, heard[0] + heard[1]), 4)
    assert [pooled["seeds"][seed]["wer"] for seed in ("0", "1")] == [round(wer(sentences, h), 4) for h in heard]
    assert once["utterances"] == 2 and len(once["transcripts"]) == 2 and "seeds" not in once
    rows = {line.split()[0]: line for line in out.splitlines() if line.startswith(("griffinlim", "world"))}
    assert rows["griffinlim"].endswith(f"WER by seed {pooled['seeds']['0']['wer']:.3f} {pooled['seeds']['1']['wer']:.3f}")
    assert "by seed" not in rows["world"]


def test_drawing_with_a_seed_changes_the_draw_and_gives_the_vocoder_its_own_back(voice):
    griffinlim, world = voice.vocoder("griffinlim"), voice.vocoder("world")
    own = griffinlim.seed
    assert seeds_of(griffinlim, 3) == [own, own + 1, own + 2]
    assert seeds_of(griffinlim, 1) == [None] and seeds_of(world, 3) == [None]
    before = voice.synthesize(FOX, vocoder="griffinlim").audio
    with drawing_with(griffinlim, own + 1):
        other = voice.synthesize(FOX, vocoder="griffinlim").audio
    assert griffinlim.seed == own and not np.array_equal(other, before)
    np.testing.assert_array_equal(voice.synthesize(FOX, vocoder="griffinlim").audio, before)
    with pytest.raises(RuntimeError), drawing_with(griffinlim, own + 2):
        raise RuntimeError
    assert griffinlim.seed == own


@pytest.mark.parametrize("seeds", [0, -1, 1.5, True, "2"])
def test_evaluate_texts_refuses_a_count_of_seeds_that_is_not_one_or_more(voice_dir, texts, seeds):
    with pytest.raises(UsageError, match="seeds must be a whole number of draws"):
        evaluate_texts(voice_dir, texts, seeds=seeds)


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--texts", "MISSING"], "cannot read texts from"),
        (["--texts", "EMPTY"], "has no sentences"),
        (["--texts", "harvard", "--vocoder", "nonesuch"], "this voice has no vocoder 'nonesuch'"),
        (["--texts", "harvard", "--speaker", "p999"], "unknown speaker 'p999'"),
    ],
)
def test_eval_texts_refuses_bad_input_in_one_line(voice_dir, tmp_path, capsys, arguments, message):
    (tmp_path / "empty.txt").write_text("\n  \n", encoding="utf-8")
    swap = {"MISSING": str(tmp_path / "missing.txt"), "EMPTY": str(tmp_path / "empty.txt")}
    assert main(["eval", "texts", "--voice", str(voice_dir), *[swap.get(a, a) for a in arguments]]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tts: error: ") and err.count("\n") == 1 and message in err


@pytest.mark.parametrize(
    "arguments, message",
    [([], "the following arguments are required: --texts"),
     (["--texts", "harvard", "--world-reference"], "unrecognized arguments: --world-reference"),
     (["--texts", "harvard", "--seeds", "0"], "argument --seeds: expected a positive integer")],
)
def test_eval_texts_takes_its_own_flags_only(voice_dir, capsys, arguments, message):
    with pytest.raises(SystemExit) as raised:
        main(["eval", "texts", "--voice", str(voice_dir), *arguments])
    assert raised.value.code == 2 and message in capsys.readouterr().err


def test_copy_synthesis_reports_wer_with_the_recordings_as_reference(fox, tmp_path, capsys):
    path, wav, sample_rate = fox
    entry = ManifestEntry("fox", "a", FOX, path, len(wav) / sample_rate, sample_rate)
    write_manifest(tmp_path / "m.jsonl", [entry])
    GriffinLimVocoder(FeatureSpec(), iterations=16).save(tmp_path / "griffinlim.json")
    arguments = ["eval", "copy", "--manifest", str(tmp_path / "m.jsonl"), "--out", str(tmp_path / "r.json"),
                 "--vocoder", f"griffinlim={tmp_path / 'griffinlim.json'}"]
    assert main(arguments) == 0
    out = capsys.readouterr().out
    assert "WER" in out and any(line.split()[:2] == ["original", "-"] for line in out.splitlines())
    report = json.loads((tmp_path / "r.json").read_text())
    assert list(report) == ["original", "griffinlim"]
    assert report["original"]["wer"] < 0.5 and 0 <= report["griffinlim"]["wer"] and report["griffinlim"]["pesq"] >= 1
    # DNSMOS needs no reference: the recording's own is the sound a vocoder that learns from it aims at
    assert report["original"]["dnsmos_ovrl"] == round(dnsmos(wav, sample_rate).ovrl, 3)
    assert all(1 <= report["griffinlim"][f"dnsmos_{part}"] <= 5 for part in ("sig", "bak", "ovrl"))
    write_manifest(tmp_path / "m.jsonl", [ManifestEntry("fox", "a", "?!", path, entry.duration, sample_rate)])
    assert main(arguments) == 0  # a text without words leaves nothing to score a transcript against
    report = json.loads((tmp_path / "r.json").read_text())
    assert list(report) == ["original", "griffinlim"] and "wer" not in report["griffinlim"]
    assert "wer" not in report["original"] and report["original"]["dnsmos_ovrl"] == round(dnsmos(wav, sample_rate).ovrl, 3)


def test_copy_synthesis_passes_vocoder_options_to_the_vocoders_load(fox, tmp_path, capsys):
    """`--vocoder-option wavenet.match_mel=true` reaches WaveNetVocoder.load: the post-filtered row
    moves toward the recording's mel (a lower MCD than the same draws raw); an option its load does
    not take, or one for a vocoder not given with files, is a one-line error."""
    path, wav, sample_rate = fox
    write_manifest(tmp_path / "m.jsonl", [ManifestEntry("fox", "a", FOX, path, len(wav) / sample_rate, sample_rate)])
    torch.manual_seed(0)
    config = WaveNetConfig(stack=StackConfig(layers=3, cycle=3, residual_channels=8, gate_channels=16, skip_channels=8),
                           conditioning=ConditioningConfig(n_mels=80, upsample_scales=(16, 16)))
    weights = tmp_path / "wavenet.safetensors"  # untrained, with the 80 bands MCD needs
    save_weights(weights, WaveNet(config).state_dict(), kind=KIND, config=config_to_dict(config),
                 spec=FeatureSpec(sample_rate=16000))
    base = ["eval", "copy", "--manifest", str(tmp_path / "m.jsonl"), "--vocoder", f"wavenet={weights}"]
    mcd = {}
    for label, options in (("raw", []), ("matched", ["--vocoder-option", "wavenet.match_mel=true"])):
        assert main([*base, *options, "--out", str(tmp_path / f"{label}.json")]) == 0
        row = json.loads((tmp_path / f"{label}.json").read_text())["wavenet"]
        mcd[label] = row["mcd_db"]
        assert row.get("options") == ({"match_mel": True} if options else None)
    assert mcd["matched"] < 0.8 * mcd["raw"]
    capsys.readouterr()
    for option, message in (("wavenet.match_mell=true", "--vocoder-option of 'wavenet': "),
                            ("griffinlim.iterations=4", "must be among the vocoders given with files")):
        assert main([*base, "--vocoder", "griffinlim", "--vocoder-option", option]) == 2
        err = capsys.readouterr().err
        assert err.startswith("tts: error: ") and err.count("\n") == 1 and message in err
