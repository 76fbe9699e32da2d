"""Properties of `normalize` over arbitrary text: it never raises, its output is clean, it is
deterministic, no character vanishes without a record, and no number is silently deleted."""

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from frontends.normalize import KEPT_PUNCTUATION, normalize

FAST = settings(max_examples=300, deadline=None)

INVISIBLE = ["\x00", "\x1b", "\x7f", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202e",
             "\u2066", "\ufeff", "\u00ad", "\ud800", "\udfff", "\udc00"]  # fmt: skip
# Visible characters that no pass speaks and that NFKC leaves as they are, so their counts can be
# compared exactly with the report.
FOREIGN = ["😀", "🎉", "👍", "🏽", "👨", "👩", "中", "文", "한", "α", "ж", "ע", "١", "🇺", "🇸", "\U000f0000"]
SNIPPETS = ["$1.50", "3:30 pm", "St. ", "Dr.", "VIII", "12.5%", "user@example.com", "1990s", "-5", "1/2",
            "555-123-4567", "https://x.org/a", "NASA", "5 in", ".....", "2024-03-05", "\r\n", "—", "½",
            "m²"]  # fmt: skip
# Printable ASCII no pass speaks: each must be reported exactly as often as it was written.
NEVER_SPOKEN = "|`"

any_character = st.characters(codec=None, exclude_categories=())  # surrogates, controls, unassigned: all
messy_text = st.lists(
    st.one_of(st.text(any_character, max_size=8), st.sampled_from(INVISIBLE + FOREIGN + SNIPPETS)), max_size=20
).map("".join)
accountable_text = st.lists(
    st.one_of(
        st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=6),
        st.sampled_from(INVISIBLE + FOREIGN + SNIPPETS),
    ),
    max_size=20,
).map("".join)

LATIN_LETTERS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
ALLOWED = re.compile(f"[{LATIN_LETTERS} {re.escape(KEPT_PUNCTUATION)}]*")
NUMBER_WORD = re.compile(  # stems, so that ordinals ("fiftieth", "ninth") count too
    r"zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twel|thir|fif|teen|twent|fort|"
    r"hundred|thousand|illion|first|second|ninth|half|halves|quarter"
)


@FAST
@given(messy_text)
def test_never_raises_and_output_is_clean(text):
    result = normalize(text)
    result.text.encode("utf-8")  # no lone surrogates survive
    assert ALLOWED.fullmatch(result.text), result.text
    assert not any(unicodedata.category(char).startswith("C") for char in result.text)
    assert result.text == result.text.strip() and "  " not in result.text
    assert not [warning for warning in result.report.warnings if "failed" in warning]
    result.report.warning_line().encode("utf-8")
    result.report.sanitized_line().encode("utf-8")
    assert normalize(text) == result


@FAST
@given(accountable_text)
def test_nothing_vanishes_silently(text):
    report = normalize(text).report
    for char in set(text) & set(INVISIBLE + FOREIGN + list(NEVER_SPOKEN)):
        assert report.count_of(char) == text.count(char), (char, report)


@FAST
@given(
    number=st.integers(min_value=0, max_value=10**12),
    small=st.integers(min_value=0, max_value=59),
    template=st.sampled_from(
        ["{n}", "${n}", "{n}%", "{n} km", "{n}th", "{n}s", "-{n}", "{n}.{m}", "£{n}.{m:02d}", "{m}:{m:02d}",
         "{n}/{m}", "{n}-{m}", "{n:,}", "in {n}", "#{n}", "{n}x{m}", "~{n}", "No. {n}", "{n} USD",
         "{m} a.m."]  # fmt: skip
    ),
)
def test_numbers_are_never_silently_deleted(number, small, template):
    written = "We saw " + template.format(n=number, m=small) + " today."
    spoken = normalize(written).text
    assert not re.search(r"[0-9]", spoken)
    assert NUMBER_WORD.search(spoken.removeprefix("We saw ")), (written, spoken)
