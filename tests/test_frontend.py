"""Frontend (normalize + split + G2P + durations) and `tts phonemize`."""

import json

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from frontends.aligner.layers import ConvStackConfig
from frontends.duration.model import DurationConfig, DurationModel
from frontends.frontend import Frontend, warning_line
from frontends.inventory import WORD_SEPARATOR, english_inventory
from tts.cli.main import main
from tts.errors import TTSError, UsageError


@pytest.fixture(scope="module")
def frontend():
    return Frontend()


def tiny_duration_model(speakers=("p225", "p226"), version=None):
    inventory = english_inventory()
    config = DurationConfig(
        symbols=tuple(inventory.symbols),
        inventory_version=version or inventory.version,
        speakers=speakers,
        embedding_dim=8,
        speaker_dim=4,
        encoder=ConvStackConfig(channels=8, kernel_size=3, layers=1),
    )
    torch.manual_seed(0)
    model = DurationModel(config).eval()
    with torch.no_grad():  # about five frames per phoneme: log(1 + 5), plus a little variation
        model.encoder.project.weight.mul_(0.1)
        model.encoder.project.bias.fill_(float(np.log(6.0)))
    return model


def test_utterance_fields_line_up(frontend):
    utterance = frontend("Dr. Smith paid $1.50, didn't he?")
    assert utterance.normalized == "doctor Smith paid one dollar and fifty cents, didn't he?"
    assert utterance.words == ("doctor", "Smith", "paid", "one", "dollar", "and", "fifty", "cents", "didn't", "he")
    n = len(utterance.phonemes)
    assert utterance.ids.shape == (n,) and utterance.phoneme_words.shape == (n,)
    assert utterance.phonemes[0] == utterance.phonemes[-1] == WORD_SEPARATOR  # framed as the aligner wrote
    assert utterance.phonemes[-2] == "?"
    # every word owns a contiguous run of phonemes, in order; separators and pauses own none
    owners = [w for w in utterance.phoneme_words.tolist() if w >= 0]
    assert owners == sorted(owners) and set(owners) == set(range(len(utterance.words)))
    inventory = english_inventory()
    assert [inventory.symbols[i] for i in utterance.ids] == list(utterance.phonemes)


def test_dropped_characters_are_reported_not_lost(frontend):
    utterance = frontend("Hello 😀😀 world 中")
    assert utterance.words == ("Hello", "world")
    assert utterance.report["dropped"] == {"😀": 2, "中": 1}
    assert warning_line(utterance.report) == "dropped 3 characters: '😀' ×2, '中' ×1"


def test_inline_phonemes_pass_normalization_untouched(frontend):
    utterance = frontend("I ate 5 [[ t ə m ˈeɪ t oʊ z ]] today.")
    assert utterance.normalized == "I ate five [[ t ə m ˈeɪ t oʊ z ]] today."
    assert "[[t ə m ˈeɪ t oʊ z]]" in utterance.words and not utterance.report["dropped"]
    word = utterance.words.index("[[t ə m ˈeɪ t oʊ z]]")
    spoken = [p for p, w in zip(utterance.phonemes, utterance.phoneme_words) if w == word]
    assert spoken == ["t", "ə", "m", "ˈeɪ", "t", "oʊ", "z"]


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "...", "?!", "😀"])
def test_nothing_to_speak_is_a_usage_error(frontend, text):
    with pytest.raises(UsageError):
        frontend(text)
    with pytest.raises(UsageError):
        list(frontend.sentences(text))


@pytest.mark.parametrize("text, dropped", [
    ("中文", r"dropped 2 characters: '中' ×1, '文' ×1"),
    ("😀 😀!", r"dropped 2 characters: '😀' ×2"),
    ("\x1b[31m\x00", r"dropped 2 characters: '\\x1b\[31m' ×1, '\\x00' ×1"),
])
def test_nothing_to_speak_names_what_was_dropped(frontend, text, dropped):
    with pytest.raises(UsageError, match=f"^nothing to speak.*{dropped}$") as one:
        frontend(text)
    with pytest.raises(UsageError, match=f"^nothing to speak.*{dropped}$") as whole:
        list(frontend.sentences(text))
    assert "\n" not in str(one.value) and "\n" not in str(whole.value)


def test_dropped_characters_are_named_across_the_sentences_of_a_silent_text(frontend):
    with pytest.raises(UsageError, match=r"dropped 3 characters: '😀' ×2, '中' ×1$"):
        list(frontend.sentences("😀. 😀! 中?"))


def test_date_order_is_a_frontend_option():
    assert Frontend(date_order="day-first")("On 12/05/2026.").normalized == "On the twelfth of May twenty twenty-six."
    assert Frontend()("On 12/05/2026.").normalized == "On December fifth, twenty twenty-six."
    with pytest.raises(ValueError, match="date_order"):
        Frontend(date_order="ymd")


@pytest.mark.parametrize("text, past", [
    ("I have read it.", True),
    ("Have you read it?", True),
    ("The book was read aloud.", True),
    ("It's been read by millions.", True),
    ("I haven't yet read it.", True),
    ("I read it every day.", False),
    ("I have to read it.", False),
])
def test_read_after_an_auxiliary_is_past_tense(frontend, text, past):
    utterance = frontend(text)
    assert "read" in utterance.words  # the word stays a word: normalized text and WER references are untouched
    assert "read" in utterance.normalized
    word = utterance.words.index("read")
    spoken = [p for p, w in zip(utterance.phonemes, utterance.phoneme_words) if w == word]
    assert spoken == (["ɹ", "ˈɛ", "d"] if past else ["ɹ", "ˈiː", "d"])


def test_long_text_is_split_and_capped(frontend):
    text = "word " * 1000  # 5,000 characters without punctuation
    chunks = list(frontend.sentences(text))
    assert len(chunks) > 10 and all(len(u.text) <= frontend.max_chars for u in chunks)
    assert sum(len(u.words) for u in chunks) == 1000


def test_durations_follow_speed_and_speaker():
    model = tiny_duration_model()
    frontend = Frontend(duration_model=model)
    slow, fast = frontend("A short test.", speaker="p225"), frontend("A short test.", speaker="p225", speed=2.0)
    assert slow.durations.shape == slow.ids.shape and np.all(slow.durations >= 1)
    assert abs(fast.durations.sum() - slow.durations.sum() / 2) <= len(slow.ids)
    with pytest.raises(UsageError, match=r"unknown speaker 'p999'; valid speakers: 0 \(p225\), 1 \(p226\)"):
        frontend("A short test.", speaker="p999")


def test_inventory_mismatch_is_refused():
    with pytest.raises(TTSError, match="trained on phoneme inventory 'other-0'"):
        Frontend(duration_model=tiny_duration_model(version="other-0"))


@settings(max_examples=40, deadline=None)
@given(
    st.text(alphabet=st.characters(codec=None), max_size=60)
    | st.sampled_from(["\x00a\ud800b", "\u200f hi \u202e", "👨‍👩‍👧 ok"])
)
def test_never_raises_anything_but_a_usage_error_on_arbitrary_unicode(frontend, text):
    try:
        utterance = frontend(text)
    except UsageError:
        return
    assert len(utterance.ids) == len(utterance.phonemes) >= 3


def test_cli_prints_normalized_text_and_phonemes(capsys):
    assert main(["phonemize", "It costs $5."]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "normalized: It costs five dollars."
    assert out[1].startswith("phonemes:   | ") and out[1].endswith(" . |")


def test_cli_json_and_file_input(tmp_path, capsys):
    path = tmp_path / "in.txt"
    path.write_bytes("\ufeffFirst one. Second one!".encode("utf-8"))
    assert main(["phonemize", "--file", str(path), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["normalized"] for r in rows] == ["First one.", "Second one!"]
    assert all(len(r["ids"]) == len(r["phonemes"]) == len(r["word_of"]) for r in rows)


def test_cli_uses_a_lexicon(tmp_path, capsys):
    lexicon = tmp_path / "lexicon.tsv"
    lexicon.write_text("tomato\tt ə m ˈɑː t oʊ\n", encoding="utf-8")
    assert main(["phonemize", "tomato", "--lexicon", str(lexicon), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["phonemes"] == [" ", "t", "ə", "m", "ˈɑː", "t", "oʊ", " "]


def test_cli_durations_from_a_saved_model(tmp_path, capsys):
    from tts.checkpoint import save_weights
    from tts.features import FeatureSpec

    model = tiny_duration_model()
    path = tmp_path / "duration.safetensors"
    save_weights(path, model.state_dict(), kind="duration", config=model.config, spec=FeatureSpec())
    assert main(["phonemize", "Hello there.", "--duration-model", str(path), "--speaker", "p226"]) == 0
    assert capsys.readouterr().out.splitlines()[2].startswith("durations:  ")
    assert main(["phonemize", "Hello.", "--duration-model", str(path), "--speaker", "7"]) == 2
    assert "valid speakers: 0 (p225), 1 (p226)" in capsys.readouterr().err


@pytest.mark.parametrize("data, message", [(b"\xff\xfe bad", "not valid UTF-8 (byte 0xff at offset 0)"), (b"  \n", "empty text")])
def test_cli_bad_stdin_is_a_one_line_usage_error(monkeypatch, capsys, data, message):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["phonemize"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
