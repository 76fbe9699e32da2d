"""`tts corpus bootstrap`: sentence selection, and tiny real corpora read by the system voices."""

import json
import re

import pytest
import soundfile

from tts.cli.main import main
from tts.corpora.bootstrap import bootstrap, engines
from tts.corpora.bootstrap.build import MIN_POOL
from tts.corpora.bootstrap.coverage import deal, diphones, greedy_rank, phonemize
from tts.corpora.bootstrap.sentences import RESERVED, canonical, generate, is_reserved
from tts.corpora.bootstrap.voices import Voice
from tts.corpora.vctk import read_speaker_info
from tts.errors import TTSError

# --- selection -------------------------------------------------------------------------------------


def test_diphones_cover_the_phone_stream_and_word_edges():
    units = diphones([["k", "æ", "t"], ["s", "æ", "t"]])
    assert units == {
        ("k", "æ"), ("æ", "t"), ("t", "s"), ("s", "æ"),  # running stream, across the boundary too
        ("#", "k"), ("t", "#"), ("#", "s"),  # word edges
    }


def test_greedy_picks_the_sentence_adding_most_new_diphones():
    a, b, c, d, e = ("#", "a"), ("a", "b"), ("b", "c"), ("c", "d"), ("d", "#")
    sets = [{a, b}, {a, b, c, d}, {c, d, e}, {e}]
    # 1 adds four; then 2 and 3 both add one (e): the lower index wins; then nothing adds anything,
    # so coverage restarts and 0 (two units) beats 3 (one).
    assert greedy_rank(sets, 4) == [1, 2, 0, 3]
    assert greedy_rank(sets, 1) == [1]


def test_deal_shares_the_top_sentences_and_strides_the_rest():
    assert deal(list(range(7)), 3, 3, 1) == [[0, 1, 4], [0, 2, 5], [0, 3, 6]]
    with pytest.raises(ValueError):
        deal(list(range(5)), 3, 3, 1)


def test_generation_is_deterministic_for_a_seed():
    first, again, other = generate(300, seed=7), generate(300, seed=7), generate(300, seed=8)
    assert first == again
    assert first != other
    assert len({canonical(s.normalized) for s in first}) == 300
    assert not any(re.search(r"\d", s.normalized) for s in first)  # numbers are spelled out
    assert any(re.search(r"\d", s.text) for s in first)  # ... and written as digits in `text`


def test_selection_is_deterministic_for_a_seed():
    def ranked(seed):
        pool = generate(400, seed=seed)
        return [pool[i] for i in greedy_rank([diphones(w) for w in phonemize([s.normalized for s in pool])], 30)]

    assert ranked(3) == ranked(3)
    assert ranked(3) != ranked(4)


def test_no_harvard_sentence_in_the_candidate_pool():
    # The IEEE "Harvard" sentences (lists 1 to 10) are reserved for evaluation: none may reach a corpus.
    assert len(RESERVED) == 100
    assert all(is_reserved(s.lower().rstrip(".")) for s in RESERVED)  # the guard ignores case and punctuation
    harvard = {canonical(s) for s in RESERVED}
    for seed in (0, 1):
        pool = generate(MIN_POOL, seed=seed)
        assert not harvard & {canonical(s.text) for s in pool}
        assert not harvard & {canonical(s.normalized) for s in pool}


# --- engines -------------------------------------------------------------------------------------


def test_missing_engine_names_the_apt_package(monkeypatch):
    with pytest.raises(TTSError, match="festival voice no_such_voice .*apt-get install festival"):
        engines.check_installed([Voice("festival", "no_such_voice", "F", "American", "US")])
    monkeypatch.setattr(engines.shutil, "which", lambda name: None)
    with pytest.raises(TTSError, match=r"flite is not installed; install it with: sudo apt-get install flite$"):
        engines.check_installed([Voice("flite", "slt", "F", "American", "US")])


# --- tiny real corpora ---------------------------------------------------------------------------


def _alignment_is_sane(path, audio_path):
    alignment = json.loads(path.read_text(encoding="utf-8"))
    words = alignment["words"]
    duration = soundfile.info(str(audio_path)).duration
    assert words and alignment["sample_rate"] == soundfile.info(str(audio_path)).samplerate
    assert all(0.0 <= w["start"] < w["end"] <= duration for w in words)
    assert all(a["end"] <= b["start"] for a, b in zip(words, words[1:]))  # ordered, not overlapping
    assert words[-1]["end"] > duration - 0.5  # speech runs to (near) the end of the file
    return alignment


def _leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


@pytest.fixture(scope="module")
def vctk092(tmp_path_factory):
    out = tmp_path_factory.mktemp("vctk") / "VCTK-Corpus-0.92"
    report = bootstrap(out, layout="vctk", per_speaker=2, speakers=["p225", "p229", "p230", "p232"], jobs=2)
    return out, report


def test_vctk_092_has_the_real_layout(vctk092):
    out, report = vctk092
    speakers = ["p225", "p229", "p230", "p232"]
    ids = [f"{spk}_{n:03d}" for spk in speakers for n in (1, 2)]
    assert sorted(p.relative_to(out / "txt").as_posix() for p in (out / "txt").rglob("*.txt")) == sorted(
        f"{i[:4]}/{i}.txt" for i in ids
    )
    flacs = sorted((out / "wav48_silence_trimmed").rglob("*"))
    assert [p.relative_to(out).as_posix() for p in flacs if p.is_file()] == sorted(
        f"wav48_silence_trimmed/{i[:4]}/{i}_mic1.flac" for i in ids
    )
    for path in (p for p in flacs if p.is_file()):
        info = soundfile.info(str(path))
        assert (info.samplerate, info.channels, info.subtype, info.format) == (48000, 1, "PCM_16", "FLAC")
        assert info.duration > 0.5
    # one shared sentence (as VCTK's shared prompts), then each speaker's own
    texts = {i: (out / "txt" / i[:4] / f"{i}.txt").read_text(encoding="utf-8") for i in ids}
    assert len({texts[f"{spk}_001"] for spk in speakers}) == 1
    assert len({texts[f"{spk}_002"] for spk in speakers}) == 4
    assert all(t.endswith("\n") and t.count("\n") == 1 for t in texts.values())
    assert not _leftovers(out.parent)
    assert json.loads((out / "bootstrap_report.json").read_text()) == report


def test_vctk_speaker_info_names_each_voice(vctk092):
    out, _ = vctk092
    lines = (out / "speaker-info.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "ID  AGE  GENDER  ACCENTS  REGION  COMMENTS"
    assert [line.split()[0] for line in lines[1:]] == ["p225", "p229", "p230", "p232"]
    assert "(synthetic: festival/kal_diphone)" in lines[2]
    info = read_speaker_info(out / "speaker-info.txt")
    assert info["p232"] == {"gender": "F", "accent": "English", "region": "Southern England"}


def test_festival_speakers_get_reference_alignments(vctk092):
    out, _ = vctk092
    assert sorted(p.stem for p in (out / "alignments").glob("*.json")) == ["p229_001", "p229_002", "p230_001", "p230_002"]
    for utt in ("p229_001", "p230_002"):
        audio = out / "wav48_silence_trimmed" / utt[:4] / f"{utt}_mic1.flac"
        alignment = _alignment_is_sane(out / "alignments" / f"{utt}.json", audio)
        assert alignment["id"] == utt and alignment["speaker"] == utt[:4]
        assert alignment["words"][0]["start"] < 0.2  # leading silence was trimmed and the times moved with it
        spoken = (out / "txt" / utt[:4] / f"{utt}.txt").read_text(encoding="utf-8")
        assert canonical(" ".join(w["word"] for w in alignment["words"])) == canonical(spoken.replace("-", " "))


def test_report_lists_speakers_hours_and_coverage(vctk092):
    _, report = vctk092
    assert [(s["id"], s["engine"], s["voice"], s["utterances"]) for s in report["speakers"]] == [
        ("p225", "flite", "slt", 2),
        ("p229", "festival", "kal_diphone", 2),
        ("p230", "festival", "cmu_us_slt_arctic_hts", 2),
        ("p232", "espeak-ng", "en-gb-x-rp+f3", 2),
    ]
    assert report["hours"] == pytest.approx(sum(s["minutes"] for s in report["speakers"]) / 60, abs=1e-3)
    coverage = report["diphone_coverage"]
    assert 0 < coverage["covered"] < coverage["in_pool"] and coverage["pool_sentences"] == MIN_POOL


def test_vctk_080_and_ljspeech_layouts(tmp_path):
    old = tmp_path / "VCTK-Corpus"
    bootstrap(old, layout="vctk", vctk_version="0.80", per_speaker=1, speakers=["p230"], jobs=1)
    wav = old / "wav48" / "p230" / "p230_001.wav"
    info = soundfile.info(str(wav))
    assert (info.samplerate, info.channels, info.subtype) == (48000, 1, "PCM_16")
    alignment = _alignment_is_sane(old / "alignments" / "p230_001.json", wav)
    assert alignment["words"][0]["start"] > 0.1  # untrimmed: festival's leading pause is still there
    assert (old / "speaker-info.txt").read_text().splitlines()[:2][1].startswith("230  NA  F ")

    lj = tmp_path / "LJSpeech-1.1"
    bootstrap(lj, layout="ljspeech", per_speaker=2, jobs=2)
    rows = (lj / "metadata.csv").read_text(encoding="utf-8").splitlines()
    assert [row.split("|")[0] for row in rows] == ["LJ001-0001", "LJ001-0002"]
    assert all(len(row.split("|")) == 3 for row in rows)
    for key in ("LJ001-0001", "LJ001-0002"):
        info = soundfile.info(str(lj / "wavs" / f"{key}.wav"))
        assert (info.samplerate, info.channels, info.subtype) == (22050, 1, "PCM_16")
        _alignment_is_sane(lj / "alignments" / f"{key}.json", lj / "wavs" / f"{key}.wav")
    assert sorted(p.name for p in lj.iterdir()) == ["README", "alignments", "bootstrap_report.json", "metadata.csv", "wavs"]

    # --force replaces a corpus this command built, never anything else
    first = (lj / "metadata.csv").read_text(encoding="utf-8")
    bootstrap(lj, layout="ljspeech", per_speaker=1, seed=5, jobs=1, force=True)
    assert (lj / "metadata.csv").read_text(encoding="utf-8") != first
    assert not _leftovers(tmp_path)


def test_existing_directory_is_refused(tmp_path, capsys):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    with pytest.raises(TTSError, match="already exists and is not empty"):
        bootstrap(taken, layout="ljspeech", per_speaker=1)
    with pytest.raises(TTSError, match="not built by this command"):
        bootstrap(taken, layout="ljspeech", per_speaker=1, force=True)
    assert [p.name for p in taken.iterdir()] == ["notes.txt"]

    assert main(["corpus", "bootstrap", "--layout", "vctk", "--out", str(taken)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("tts: error:") and "\n" not in err
    assert main(["corpus", "bootstrap", "--layout", "ljspeech", "--vctk-version", "0.80", "--out", str(tmp_path / "x")]) == 2
    with pytest.raises(TTSError, match="unknown speakers"):
        bootstrap(tmp_path / "y", layout="vctk", speakers=["p999"])


def _fail(voice, text, wav_path):
    raise TTSError(f"{voice.label} broke")


def test_a_failed_build_leaves_nothing_behind(tmp_path, monkeypatch):
    monkeypatch.setattr(engines, "synthesize", _fail)  # forked workers inherit the patch
    with pytest.raises(TTSError, match="broke"):
        bootstrap(tmp_path / "corpus", layout="vctk", per_speaker=1, speakers=["p231"], jobs=2)
    assert list(tmp_path.iterdir()) == []
