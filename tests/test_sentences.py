import itertools
import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontends.sentences import split_sentences


def test_splits_on_sentence_ends_but_not_abbreviations_or_decimals():
    text = ('Dr. Smith met J. R. Jones at 3.14 p.m. on Tuesday, e.g. near the lab. He said "hi!" '
            "Then left; pi is 3.14159. Apples, pears, etc. are fruit. We sell fruit etc. More? Yes!\n\nNew paragraph")
    assert list(split_sentences(text)) == [
        "Dr. Smith met J. R. Jones at 3.14 p.m. on Tuesday, e.g. near the lab.",
        'He said "hi!"',
        "Then left; pi is 3.14159.",
        "Apples, pears, etc. are fruit.",
        "We sell fruit etc.",
        "More?",
        "Yes!",
        "New paragraph",
    ]


def test_a_semicolon_is_a_pause_not_a_sentence_end():
    assert list(split_sentences("I came; I saw; I left. Then home.")) == ["I came; I saw; I left.", "Then home."]


def test_an_extension_does_not_end_a_sentence_before_its_number():
    assert list(split_sentences("Call 555-1234 ext. 42 today. Thanks.")) == ["Call 555-1234 ext. 42 today.", "Thanks."]
    assert list(split_sentences("Dial the ext. Then wait.")) == ["Dial the ext.", "Then wait."]


def test_empty_and_whitespace_give_no_chunks():
    assert list(split_sentences("")) == list(split_sentences(" \n\t ")) == []


def test_long_unpunctuated_text_is_cut_at_word_boundaries_under_the_cap(rng):
    words = [str(w) for w in rng.choice(["alpha", "beta", "gamma", "delta", "epsilon"], size=1000)]
    text = " ".join(words)
    assert len(text) > 5000
    chunks = list(split_sentences(text, max_chars=400))
    assert all(0 < len(c) <= 400 for c in chunks)
    assert [w for c in chunks for w in c.split()] == words  # no word split or lost
    assert len(chunks) == pytest.approx(len(text) / 400, abs=2)


def test_long_sentence_prefers_a_comma_and_a_giant_token_is_cut_exactly():
    clause = "word " * 30
    chunks = list(split_sentences(f"{clause}one, {clause}two.", max_chars=200))
    assert chunks[0].endswith("one,")
    assert [len(c) for c in split_sentences("x" * 1000, max_chars=400)] == [400, 400, 200]


def test_is_lazy_and_memory_is_bounded_on_endless_input():
    endless = itertools.repeat("Some words without an end ")
    chunks = split_sentences(endless, max_chars=100)
    assert isinstance(chunks, types.GeneratorType)
    first = list(itertools.islice(chunks, 5))  # would never return if the input were read first
    assert len(first) == 5 and all(len(c) <= 100 for c in first)


def test_hundred_thousand_characters_stream():
    text = "The quick brown fox jumps over the lazy dog. " * 2223
    assert len(text) > 100_000
    count = 0
    for chunk in split_sentences(text):
        assert chunk == "The quick brown fox jumps over the lazy dog."
        count += 1
    assert count == 2223


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["Dr.", "etc.", "3.14", "word", "Word", ",", ".", "?!", " ", "  ", "\n\n", "x" * 30]),
             max_size=60),
    st.lists(st.integers(0, 400), max_size=6),
    st.integers(5, 60),
)
def test_pieces_split_like_the_whole_text(tokens, cuts, max_chars):
    text = " ".join(tokens)
    bounds = sorted({min(c, len(text)) for c in cuts} | {0, len(text)})
    pieces = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    whole = list(split_sentences(text, max_chars=max_chars))
    assert list(split_sentences(pieces, max_chars=max_chars)) == whole
    assert all(len(c) <= max_chars for c in whole)
    assert "".join(text.split()) == "".join("".join(whole).split())  # nothing lost but whitespace
