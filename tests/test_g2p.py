import shutil
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontends.g2p import G2P, G2PTimeoutError
from frontends.inventory import SPECIAL_SYMBOLS, WORD_SEPARATOR
from frontends.lexicon import Lexicon
from tts.errors import TTSError


class SpyBackend:
    """Stands in for espeak: one symbol per letter, records every batch it is asked for."""

    def __init__(self, log, silent=()):
        self.log = log
        self.silent = set(silent)

    def __call__(self, words):
        self.log.append(list(words))
        return [() if w in self.silent else tuple(c for c in w.lower() if c in "ptkbdmnsz") or ("ə",) for w in words]


def spy_g2p(log, silent=(), **kwargs):
    return G2P(backend_factory=lambda: SpyBackend(log, silent), **kwargs)


@pytest.fixture(scope="module")
def g2p():
    # the set-up (make test) installs espeak-ng: without it these tests fail, they do not skip
    assert shutil.which("espeak-ng"), "espeak-ng is not installed; `make test` installs it"
    return G2P()


@pytest.mark.parametrize("word, phonemes", [
    ("cat", "k ˈæ t"), ("hello", "h ə l ˈoʊ"), ("church", "tʃ ˈɜː tʃ"), ("judge", "dʒ ˈʌ dʒ"),
    ("ring", "ɹ ˈɪ ŋ"), ("thimble", "θ ˈɪ m b əl"), ("oyster", "ˈɔɪ s t ɚ"), ("treasure", "t ɹ ˈɛ ʒ ɚ"),
])
def test_known_words(g2p, word, phonemes):
    assert g2p.phonemize(word).phonemes == tuple(phonemes.split())


def test_article_a_is_not_the_letter_name(g2p):
    assert g2p.phonemize("a cat").phonemes == ("ɐ", " ", "k", "ˈæ", "t")
    assert g2p.phonemize("U S A").phonemes[-1] == "ˈeɪ"  # a spelled capital keeps its letter name


def test_batches_unique_words_and_caches_them():
    log = []
    g2p = spy_g2p(log, batch_size=2)
    first = g2p.phonemize("bat tab bat mad dam")
    assert sorted(w for batch in log for w in batch) == ["bat", "dam", "mad", "tab"]  # unique words only
    assert [len(batch) for batch in log] == [2, 2]
    log.clear()
    assert g2p.phonemize("dam bat. mad tab") and log == []  # all cached: espeak not called
    assert g2p.phonemize("bat tab bat mad dam") == first


def test_cache_is_bounded_lru():
    log = []
    g2p = spy_g2p(log, cache_size=2)
    g2p.phonemize("bat")
    g2p.phonemize("tab")
    g2p.phonemize("mad")  # evicts the least recently used, "bat"
    log.clear()
    g2p.phonemize("tab mad")
    assert log == []
    g2p.phonemize("bat")
    assert log == [["bat"]]


def test_lexicon_overrides_espeak_case_insensitively():
    log = []
    g2p = spy_g2p(log, lexicon=Lexicon({"Tomato": "t ə m ˈ ɑː t oʊ"}))
    p = g2p.phonemize("TOMATO tomato")
    assert p.phonemes == ("t", "ə", "m", "ˈɑː", "t", "oʊ", " ", "t", "ə", "m", "ˈɑː", "t", "oʊ")
    assert log == []


def test_lexicon_file_loads_with_comments_and_blank_lines(tmp_path):
    path = tmp_path / "lexicon.tsv"
    path.write_text("# my words\n\nGIF\tdʒ ˈɪ f\ntomato\tt ə m ˈ ɑː t oʊ\n", encoding="utf-8")
    lexicon = Lexicon.load(path)
    assert len(lexicon) == 2
    assert lexicon.lookup("gif") == ("dʒ", "ˈɪ", "f")
    assert lexicon.lookup("Tomato") == ("t", "ə", "m", "ˈɑː", "t", "oʊ")
    assert lexicon.lookup("potato") is None


@pytest.mark.parametrize("bad_line, message", [
    ("cat k ˈæ t", "expected 'word<TAB>phonemes'"),
    ("cat\tk ˈæ\tt", "expected 'word<TAB>phonemes'"),
    ("cat\t   ", "'cat' has no phonemes"),
    ("\tk ˈæ t", "the word must be non-empty"),
    ("big cat\tk ˈæ t", "the word must be non-empty and have no spaces"),
    ("cat\tˈ", "only stress marks"),
    ("GOOD\tk", "'GOOD' is already defined on line 2"),
])
def test_malformed_lexicon_lines_name_the_line(tmp_path, bad_line, message):
    path = tmp_path / "lexicon.tsv"
    path.write_text(f"# header\ngood\tɡ ˈʊ d\n{bad_line}\n", encoding="utf-8")
    with pytest.raises(TTSError, match=message) as error:
        Lexicon.load(path)
    assert str(error.value).startswith(f"{path}:3: ")


def test_lexicon_that_is_not_utf8_or_missing_is_a_clear_error(tmp_path):
    path = tmp_path / "lexicon.tsv"
    path.write_bytes("good\tɡ ˈʊ d\n".encode() + b"caf\xe9\tk\n")
    with pytest.raises(TTSError, match=r"lexicon.tsv:2: not valid UTF-8 \(byte 0xe9 at offset 18\)"):
        Lexicon.load(path)
    with pytest.raises(TTSError, match="cannot read lexicon"):
        Lexicon.load(tmp_path / "missing.tsv")


def test_inline_phonemes_pass_through_verbatim():
    log = []
    p = spy_g2p(log).phonemize("say [[ h ə l ˈ oʊ ]] now")
    assert p.words == ("say", "[[h ə l ˈ oʊ]]", "now")
    assert p.phonemes[p.word_of.index(1):p.word_of.index(1) + 4] == ("h", "ə", "l", "ˈoʊ")
    assert sorted(w for batch in log for w in batch) == ["now", "say"]


def test_past_tense_read_is_chosen_from_context_before_the_word_cache():
    log = []
    g2p = spy_g2p(log)
    present, past = g2p.phonemize("I read it"), g2p.phonemize("I have read it")
    assert present.words == past.words[:1] + past.words[2:] and "read" in past.words
    read = past.words.index("read")
    assert tuple(s for s, w in zip(past.phonemes, past.word_of) if w == read) == ("ɹ", "ˈɛ", "d")
    assert tuple(s for s, w in zip(present.phonemes, present.word_of) if w == 1) == ("d",)  # the spy's "read"
    assert g2p.phonemize("I read it") == present  # the cache keeps the present-tense word


@pytest.mark.parametrize("text", ["have read", "Has she read", "had not yet read", "was read", "were all read",
                                  "it's been read", "to be read", "I've read", "hasn't read", "is READ"])
def test_read_after_a_perfect_or_passive_auxiliary_is_red(text):
    p = spy_g2p([]).phonemize(text)
    assert p.phonemes[-3:] == ("ɹ", "ˈɛ", "d")


@pytest.mark.parametrize("text", ["read", "I read", "have to read", "had him read", "was, read", "have a read",
                                  "been read-only", "have reread", "did read", "I have read access"])
def test_read_elsewhere_is_left_to_espeak(text):
    p = spy_g2p([]).phonemize(text)
    assert ("ɹ", "ˈɛ", "d") != p.phonemes[-3:]


def test_a_lexicon_entry_for_read_wins_over_the_context():
    g2p = spy_g2p([], lexicon=Lexicon({"read": "ɹ ˈiː d"}))
    assert g2p.phonemize("have read").phonemes[-3:] == ("ɹ", "ˈiː", "d")


def test_pause_tokens_and_word_of_are_exact():
    p = spy_g2p([]).phonemize("(Bad), dam... mad?! Tab; bat")
    assert p.words == ("Bad", "dam", "mad", "Tab", "bat")
    assert p.phonemes == ("b", "d", ",", " ", "d", "m", ".", " ", "m", "d", "?", " ", "t", "b", ",", " ", "b", "t")
    assert p.word_of == (0, 0, -1, -1, 1, 1, -1, -1, 2, 2, -1, -1, 3, 3, -1, -1, 4, 4)


def test_word_of_maps_every_phoneme_to_its_word(g2p):
    p = g2p.phonemize("Well, the 1984 edition—a naïve café's menu—costs more?! Yes.")
    assert len(p.phonemes) == len(p.word_of)
    per_word = g2p.word_phonemes(p.words)
    for index, word in enumerate(p.words):
        assert tuple(s for s, w in zip(p.phonemes, p.word_of) if w == index) == per_word[word]
    assert all((w == -1) == (s in SPECIAL_SYMBOLS) for s, w in zip(p.phonemes, p.word_of))
    assert [s for s, w in zip(p.phonemes, p.word_of) if w == -1].count(WORD_SEPARATOR) == len(p.words) - 1


def test_unknown_symbols_and_silent_words_are_reported_and_skipped():
    p = spy_g2p([], silent={"zzz"}).phonemize("bat zzz [[ b ʘ ]] [[ ʘ ]] 😀 tab")
    assert p.words == ("bat", "[[b ʘ]]", "tab")
    assert p.phonemes == ("b", "t", " ", "b", " ", "t", "b")
    assert p.report == {"unspoken_words": ["zzz", "[[ʘ]]"], "unknown_symbols": {"ʘ": 2},
                        "dropped_characters": {"😀": 1}}


def test_separator_and_pause_symbols_inside_a_word_are_skipped():
    p = spy_g2p([]).phonemize("[[ b , d ]]")
    assert (p.phonemes, p.word_of, p.report["unknown_symbols"]) == (("b", "d"), (0, 0), {",": 1})


def test_empty_and_punctuation_only_text_give_empty_records():
    for text in ("", "   \n", "...", "?!,;"):
        p = spy_g2p([]).phonemize(text)
        assert (p.words, p.phonemes, p.word_of) == ((), (), ())


def test_a_list_of_words_and_a_batch_agree_with_single_calls():
    g2p = spy_g2p([])
    assert g2p.phonemize(["bad", "dam"]) == g2p.phonemize("bad dam")
    texts = ["bad dam.", "mad, tab?", ""]
    assert g2p.phonemize_batch(texts) == [g2p.phonemize(t) for t in texts]


def test_hung_backend_times_out_and_the_next_call_gets_a_fresh_one():
    release = threading.Event()
    backends = []

    def hung_backend(words):
        release.wait()
        return [("b",)] * len(words)

    def factory():  # the first backend hangs, later ones answer
        backends.append("hung" if not backends else "fresh")
        return hung_backend if backends[-1] == "hung" else SpyBackend([])

    g2p = G2P(backend_factory=factory, timeout_s=0.2)
    with pytest.raises(G2PTimeoutError, match="did not answer within 0.2 s"):
        g2p.phonemize("testing testing..")
    assert g2p.phonemize("bat").phonemes == ("b", "t")
    assert backends == ["hung", "fresh"]
    release.set()


def test_missing_espeak_is_a_one_line_error_with_the_install_command(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda command: None)
    with pytest.raises(TTSError, match="apt-get install espeak-ng") as error:
        G2P()
    assert "\n" not in str(error.value)


def test_concurrent_threads_get_the_same_results(g2p):
    texts = [f"Thread {i} reads {w} words, quickly!" for i, w in enumerate(["seven", "eleven", "twelve", "many"] * 10)]
    reference = G2P()
    expected = [reference.phonemize(t) for t in texts]
    fresh = G2P(batch_size=3)
    results = [None] * len(texts)

    def work(offset):
        for i in range(offset, len(texts), 4):
            results[i] = fresh.phonemize(texts[i])

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected


@pytest.mark.parametrize("text", [
    "testing testing..", "." * 20000, "Hi\x00there", "\ud800 lone surrogate", "emoji 😀👍🏽 here",
    "\u202eRTL\u202c mark \u200f", "Zalgo z̸̢͎a̶l̷g̵o", "中文 العربية हिन्दी", "x" * 3000,
])
def test_hostile_text_never_raises_with_real_espeak(g2p, text):
    assert_consistent(g2p.phonemize(text), g2p.inventory)


any_unicode = st.lists(
    st.one_of(
        st.characters(exclude_categories=()),  # everything, lone surrogates and NUL included
        st.sampled_from(["\ud800", "\udfff", "\x00", "\u200f", "\u202e", "😀",
                         "[[", "]]", ".", "'", "-", " ", "zzz", "bat"]),
    ),
    max_size=40,
).map("".join)


def assert_consistent(p, inventory):
    assert len(p.phonemes) == len(p.word_of)
    assert set(p.word_of) <= set(range(-1, len(p.words)))
    assert all(s in inventory for s in p.phonemes)
    assert p.phonemes[:1] != (WORD_SEPARATOR,) and p.phonemes[-1:] != (WORD_SEPARATOR,)


@settings(max_examples=80, deadline=None)
@given(any_unicode)
def test_any_unicode_phonemizes_consistently(text):
    g2p = spy_g2p([], silent={"zzz"})
    assert_consistent(g2p.phonemize(text), g2p.inventory)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(any_unicode)
def test_any_unicode_through_real_espeak(g2p, text):
    assert_consistent(g2p.phonemize(text), g2p.inventory)
