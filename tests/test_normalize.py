"""Text normalization: one table per class of written form, then the report and the hard inputs."""

import time

import pytest

from frontends.normalize import KEPT_PUNCTUATION, NormalizedText, Report, normalize


def said(text):
    return normalize(text).text


def check(table):
    return pytest.mark.parametrize("written, spoken", table, ids=[written for written, _ in table])


@check(
    [
        ("1,234,567", "one million two hundred and thirty-four thousand five hundred and sixty-seven"),
        ("2,000,000", "two million"),
        ("42", "forty-two"),
        ("0", "zero"),
        ("007", "zero zero seven"),
        ("12345678901234567", "one two three four five six seven eight nine zero one two three four five six seven"),
        ("3.14", "three point one four"),
        (".5", "point five"),
        ("-3.5", "minus three point five"),
        ("−5 and -5", "minus five and minus five"),
        ("1st and 22nd", "first and twenty-second"),
        ("the 3rd, 11th and 101st", "the third, eleventh and one hundred and first"),
        ("Version 1.2.3", "Version one point two point three"),
        ("5 - 3 = 2", "five minus three equals two"),
    ]
)
def test_numbers(written, spoken):
    assert said(written) == spoken


@check(
    [
        ("1.5M users", "one point five million users"),
        ("20M downloads", "twenty million downloads"),
        ("2.5B and 3bn", "two point five billion and three billion"),
        ("1.2k stars", "one point two thousand stars"),
        ("3M and seat 12B", "three M and seat twelve B"),
        ("4K video", "four K video"),
        ("1.5MB", "one point five megabytes"),
        ("3x faster", "three times faster"),
        ("up 10x.", "up ten times."),
        ("1920x1080", "one thousand nine hundred and twenty by one thousand and eighty"),
        ("0x1F", "zero by one F"),
    ]
)
def test_scales_and_multipliers(written, spoken):
    assert said(written) == spoken


@check(
    [
        ("3-4 days", "three to four days"),
        ("10-20", "ten to twenty"),
        ("pages 10 – 20", "pages ten to twenty"),
        ("1990–1995", "nineteen ninety to nineteen ninety-five"),
        ("1990-95", "nineteen ninety to ninety-five"),
        ("1/2", "one half"),
        ("3/4", "three quarters"),
        ("5/16", "five sixteenths"),
        ("2/3 and 1/16", "two thirds and one sixteenth"),
        ("3/100", "three hundredths"),
        ("1 1/2 cups", "one and one half cups"),
        ("1½ cups", "one and one half cups"),
        ("open 24/7", "open twenty-four seven"),
        ("a 50/50 chance", "a fifty fifty chance"),
        ("It was 9/11.", "It was nine eleven."),
        ("150/200", "one hundred and fifty over two hundred"),
        ("a ratio of 3:1", "a ratio of three to one"),
    ]
)
def test_ranges_and_fractions(written, spoken):
    assert said(written) == spoken


@check(
    [
        ("$1.50", "one dollar and fifty cents"),
        ("£3.05", "three pounds and five pence"),
        ("$0.99", "ninety-nine cents"),
        ("$0.01", "one cent"),
        ("£1", "one pound"),
        ("$1.00", "one dollar"),
        ("$1.5", "one dollar and fifty cents"),
        ("$1,000", "one thousand dollars"),
        ("$1 million", "one million dollars"),
        ("$2.5bn", "two point five billion dollars"),
        ("$5k", "five thousand dollars"),
        ("$5-10", "five to ten dollars"),
        ("-$5", "minus five dollars"),
        ("€1.50", "one euro and fifty cents"),
        ("5 USD", "five dollars"),
        ("GBP 10", "ten pounds"),
        ("10 EUR", "ten euros"),
        ("50p and 1p", "fifty pence and one penny"),
        ("¥500", "five hundred yen"),
    ]
)
def test_money(written, spoken):
    assert said(written) == spoken


@check(
    [
        ("12.5%", "twelve point five percent"),
        ("1.5%", "one point five percent"),
        ("10-20%", "ten to twenty percent"),
        ("1 km", "one kilometer"),
        ("5 km", "five kilometers"),
        ("5km", "five kilometers"),
        ("1.0 km", "one point zero kilometers"),
        ("10-20 kg", "ten to twenty kilograms"),
        ("100 km/h", "one hundred kilometers per hour"),
        ("60 mph", "sixty miles per hour"),
        ("-5 °C", "minus five degrees Celsius"),
        ("-1°C", "minus one degree Celsius"),
        ("68°F", "sixty-eight degrees Fahrenheit"),
        ("a 90° angle", "a ninety degrees angle"),
        ("64 GB and 512 kB", "sixty-four gigabytes and five hundred and twelve kilobytes"),
        ("3.5 GHz and 50 Hz", "three point five gigahertz and fifty hertz"),
        ("5 ms and 1 s", "five milliseconds and one second"),
        ("250 mg, 2 g, 5 ml, 1 l", "two hundred and fifty milligrams, two grams, five milliliters, one liter"),
        ("3 m²", "three square meters"),
        ("1 lb 8 oz", "one pound eight ounces"),
        ("6 ft", "six feet"),
        ("it's 5 in long", "it's five inches long"),
        ("5in", "five inches"),
        ("a 12 in.", "a twelve inches."),
        ("5 in the box", "five in the box"),
        ("6'2\"", "six feet two inches"),
        ("1920x1080", "one thousand nine hundred and twenty by one thousand and eighty"),
    ]
)
def test_units(written, spoken):
    assert said(written) == spoken


@check(
    [
        ("in 1984", "in nineteen eighty-four"),
        ("1984 people", "one thousand nine hundred and eighty-four people"),
        ("It was 1984.", "It was nineteen eighty-four."),
        ("since 2005", "since two thousand and five"),
        ("March 1905", "March nineteen oh-five"),
        ("1066 AD and 500 BC", "ten sixty-six A D and five hundred B C"),
        ("the year 2000 and 1200 soldiers", "the year two thousand and one thousand two hundred soldiers"),
        ("the 1990s", "the nineteen nineties"),
        ("the '80s", "the eighties"),
        ("in her 30s", "in her thirties"),
        ("the 1800s", "the eighteen hundreds"),
        ("100s of people", "hundreds of people"),
    ]
)
def test_years_and_decades(written, spoken):
    assert said(written) == spoken


@check(
    [
        ("2024-03-05", "March fifth, twenty twenty-four"),
        ("03/05/2024", "March fifth, twenty twenty-four"),
        ("25/12/2024", "the twenty-fifth of December twenty twenty-four"),
        ("05.03.2024", "the fifth of March twenty twenty-four"),
        ("March 5, 2024", "March fifth, twenty twenty-four"),
        ("Sept. 5th", "September fifth"),
        ("5 March 2024", "the fifth of March twenty twenty-four"),
        ("5th of March", "the fifth of March"),
        ("on the 5th of March", "on the fifth of March"),
        ("It may 5 times", "It may five times"),
        ("2024-13-45", "two thousand and twenty-four-thirteen to forty-five"),
    ]
)
def test_dates(written, spoken):
    assert said(written) == spoken


@check(
    [
        ("12/05/2026", "the twelfth of May twenty twenty-six"),
        ("03/05/2024", "the third of May twenty twenty-four"),
        ("12/25/2026", "December twenty-fifth, twenty twenty-six"),  # cannot be day first
        ("2024-03-05", "March fifth, twenty twenty-four"),  # ISO is always year, month, day
        ("March 5, 2024", "March fifth, twenty twenty-four"),
    ]
)
def test_day_first_date_order(written, spoken):
    assert normalize(written, date_order="day-first").text == spoken


def test_month_first_is_the_default_date_order():
    assert said("12/05/2026") == normalize("12/05/2026", date_order="month-first").text
    assert said("12/05/2026") == "December fifth, twenty twenty-six"


def test_unknown_date_order_is_a_value_error():
    with pytest.raises(ValueError, match="date_order must be one of 'month-first', 'day-first'"):
        normalize("12/05/2026", date_order="dmy")


@check(
    [
        ("3:30 pm", "three thirty P M"),
        ("10:05 p.m.", "ten oh five P M."),
        ("at 10:05 p.m. today", "at ten oh five P M today"),
        ("15:45", "fifteen forty-five"),
        ("7 a.m.", "seven A M."),
        ("11am", "eleven A M"),
        ("3:00", "three o'clock"),
        ("15:00", "fifteen hundred"),
        ("10:05:30", "ten oh five and thirty seconds"),
        ("at noon", "at noon"),
    ]
)
def test_times(written, spoken):
    assert said(written) == spoken


@check(
    [
        ("Call 555-123-4567", "Call five five five, one two three, four five six seven"),
        ("(555) 123-4567", "five five five, one two three, four five six seven"),
        ("+44 20 7946 0958", "plus four four, two oh, seven nine four six, oh nine five eight"),
        ("call 555-1234", "call five five five, one two three four"),
        ("call 555-0100", "call five five five, oh one oh oh"),
        ("Call ext. 42", "Call extension forty-two"),
        ("555-123-4567 ext 204", "five five five, one two three, four five six seven extension two oh four"),
        ("Extension 7", "Extension seven"),
        ("Ext. 12 is busy", "Extension twelve is busy"),
    ]
)
def test_phone_numbers(written, spoken):
    assert said(written) == spoken


@check(
    [
        ("user@example.com", "user at example dot com"),
        ("john.doe+tag@mail.example.co.uk", "john dot doe plus tag at mail dot example dot C O dot U K"),
        ("https://www.example.org/path", "H T T P S colon slash slash W W W dot example dot org slash path"),
        ("see github.com/user/repo.", "see github dot com slash user slash repo."),
        ("(at www.bbc.co.uk)", "(at W W W dot B B C dot C O dot U K)"),
    ]
)
def test_web(written, spoken):
    assert said(written) == spoken


@check(
    [
        ("St. John St.", "saint John street."),
        ("Dr. Smith lives on Elm Dr.", "doctor Smith lives on Elm drive."),
        ("I live on Elm St. The house is red.", "I live on Elm street. The house is red."),
        ("Mr. and Mrs. Smith", "mister and missus Smith"),
        ("Mr Smith", "mister Smith"),
        ("Prof. Jones", "professor Jones"),
        ("Mt. Everest", "mount Everest"),
        ("apples, pears, etc. Then", "apples, pears, et cetera. Then"),
        ("e.g. this, i.e. that", "for example this, that is that"),
        ("Apple Inc. and Smith & Co.", "Apple incorporated and Smith and company."),
        ("No. 5", "number five"),
        ("see p. 45 and pp. 4-5", "see page forty-five and pages four to five"),
        ("Vol. III", "volume three"),
        ("w/ sugar, w/o milk", "with sugar, without milk"),
        ("Jan. and Dec.", "January and December."),
    ]
)
def test_abbreviations(written, spoken):
    assert said(written) == spoken


@check(
    [
        ("NASA and the FBI", "NASA and the F B I"),
        ("NATO, UNESCO and AIDS", "NATO, UNESCO and AIDS"),
        ("HTML and HTTP and JSON", "H T M L and H T T P and JSON"),
        ("the CEO's son", "the C E O's son"),
        ("3 CDs", "three C D's"),
        ("U.S. troops", "U S troops"),
        ("in the U.S.", "in the U S."),
        ("THE FBI AND CIA", "THE F B I AND C I A"),
        ("the IT department", "the I T department"),
        ("OK", "okay"),
        ("MP3 and B2B", "M P three and B two B"),
        ("COVID-19", "COVID-nineteen"),
    ]
)
def test_acronyms(written, spoken):
    assert said(written) == spoken


@check(
    [
        ("I saw Henry VIII", "I saw Henry the eighth"),
        ("Chapter XII", "Chapter twelve"),
        ("Chapter IV", "Chapter four"),
        ("chapter iv", "chapter four"),
        ("World War II", "World War two"),
        ("Chapter I", "Chapter one"),
        ("Louis XIV's court", "Louis the fourteenth's court"),
        ("John Smith III", "John Smith the third"),
        ("Henry V", "Henry the fifth"),
        ("I think I can", "I think I can"),
        ("Elizabeth I said", "Elizabeth I said"),
        ("Malcolm X", "Malcolm X"),
        ("Malcolm X.", "Malcolm X."),
        ("Elizabeth I", "Elizabeth the first"),
        ("under Elizabeth I, England", "under Elizabeth the first, England"),
        ("Elizabeth I's reign", "Elizabeth the first's reign"),
        ("Charles I of England", "Charles the first of England"),
        ("Queen Elizabeth I said", "Queen Elizabeth the first said"),
        ("Pope Pius X", "Pope Pius the tenth"),
        ("King Henry VIII", "King Henry the eighth"),
        ("Then I.", "Then I."),
        ("Only I?", "Only I?"),
        ("When I met Elizabeth I was young", "When I met Elizabeth I was young"),
    ]
)
def test_roman_numerals(written, spoken):
    assert said(written) == spoken


@check(
    [
        ("AT&T and R&D", "A T and T and R and D"),
        ("C++", "C plus plus"),
        ("@user", "at user"),
        ("#1 and #win", "number one and hashtag win"),
        ("2 × 3 and 8 ÷ 2", "two times three and eight divided by two"),
        ("~5 and <3", "about five and less than three"),
        ("x^2", "x squared"),
        ("Node.js and snake_case", "Node dot js and snake underscore case"),
        ("and/or", "and slash or"),
        ("§ 5", "section five"),
    ]
)
def test_symbols(written, spoken):
    assert said(written) == spoken


@check(
    [
        ('"Hello," she said — and left... (really) [yes]', '"Hello," she said - and left... (really) (yes)'),
        ("testing testing..........", "testing testing..."),
        ("What?!?", "What?"),
        ("wait,,, no", "wait, no"),
        ("a--b", "a - b"),
        ("Section 3(a)", "Section three (a)"),
        ("café, naïve, Zürich", "café, naïve, Zürich"),
        ("‘curly’ “quotes”", "'curly' \"quotes\""),
        ("line one\r\nline two\ttab", "line one line two tab"),
        ("ﬁne ＡＢＣ １２", "fine A B C twelve"),
        ("  spaced   out  ", "spaced out"),
    ]
)
def test_punctuation_and_unicode(written, spoken):
    assert said(written) == spoken


def test_report_counts_emoji_and_other_scripts():
    result = normalize("Hello 😀 world 😀 中文 👨‍👩‍👧 🇺🇸 👍🏽!")
    assert result.text == "Hello world!"
    assert result.report.dropped == {"😀": 2, "中": 1, "文": 1, "👨‍👩‍👧": 1, "🇺🇸": 1, "👍🏽": 1}
    assert result.report.warning_line() == (
        "dropped 7 characters: '😀' ×2, '中' ×1, '文' ×1, '👨\u200d👩\u200d👧' ×1, '🇺🇸' ×1, '👍🏽' ×1"
    )
    assert result.report.sanitized == {}


def test_report_names_many_kinds_briefly():
    result = normalize("".join(chr(0x4E00 + i) for i in range(15)))
    assert result.report.warning_line().endswith("and 5 more")
    assert result.is_silent


def test_invisible_characters_are_sanitized_not_dropped():
    result = normalize("\ufeffab\u200bc\u200f de\u00ad \ud800f")
    assert result.text == "abc de f"
    assert result.report.dropped == {}
    assert result.report.sanitized == dict.fromkeys("\ufeff\u200b\u200f\u00ad\ud800", 1)
    line = result.report.sanitized_line()
    assert line.startswith("removed 5 invisible characters: U+FEFF ZERO WIDTH NO-BREAK SPACE ×1")
    assert "U+200F RIGHT-TO-LEFT MARK ×1" in line and "U+D800 ×1" in line
    line.encode("utf-8")  # a lone surrogate is named, never printed


@check(
    [
        ("Hello\x01\x1b[31m world\x7f", "Hello world"),
        ("Hello\x00world", "Hello world"),
        ("d\x00e\x1b f", "d e f"),
        ("\x1b]0;my title\x07Done\x1b[0m.", "Done."),
        ("\x1b]8;;http://x.org\x1b\\link\x1b]8;;\x1b\\ here", "link here"),
        ("a\x9b1;2Hb\x85c", "a b c"),
        ("\x1b]0;no end Done", ") zero; no end Done"),  # no terminator: only the ESC goes
        ("page\x0cbreak\x0bhere", "page break here"),
    ]
)
def test_control_characters_and_escape_sequences_are_separators(written, spoken):
    assert said(written) == spoken


def test_control_characters_and_escape_sequences_are_reported_as_dropped():
    result = normalize("Hello\x01\x1b[31m world\x7f\x1b[31m\x1b]0;title\x07")
    assert result.report.dropped == {"\x01": 1, "\x1b[31m": 2, "\x7f": 1, "\x1b]0;title\x07": 1}
    assert result.report.sanitized == {}
    assert result.report.warning_line() == (
        "dropped 5 characters: '\\x1b[31m' ×2, '\\x01' ×1, '\\x7f' ×1, '\\x1b]0;title\\x07' ×1"
    )


def test_unspeakable_symbols_are_reported():
    result = normalize("a * b | c ===== d `e`")
    assert result.text == "a b c d e"
    assert result.report.dropped == {"*": 1, "|": 1, "=": 5, "`": 2}


def test_combining_mark_without_a_precomposed_letter_is_reported():
    result = normalize("q\u0303 and Greek αβ")
    assert result.text == "q and Greek"
    assert result.report.dropped == {"\u0303": 1, "α": 1, "β": 1}
    assert "U+0303 COMBINING TILDE ×1" in result.report.warning_line()


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "...", "?!", "😀"])
def test_nothing_to_speak_is_silent_not_an_error(text):
    result = normalize(text)
    assert result.is_silent
    assert isinstance(result, NormalizedText) and isinstance(result.report, Report)


def test_punctuation_only_warns():
    assert normalize("...").report.warnings == ("nothing left to speak: only punctuation",)


def test_report_as_dict_is_plain_data():
    report = normalize("hi 😀\u200b").report
    assert report.as_dict() == {"dropped": {"😀": 1}, "sanitized": {"\u200b": 1}, "warnings": []}


def test_output_keeps_only_letters_spaces_and_kept_punctuation():
    text = normalize("It's 5:30 on 2024-03-05; $3.50 for 2 kg (5%) — NASA & the FBI! 😀 *").text
    assert set(text) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ " + KEPT_PUNCTUATION)


def test_non_str_is_a_type_error():
    with pytest.raises(TypeError):
        normalize(b"bytes")


@pytest.mark.parametrize(
    "text",
    [
        "testing testing.........." * 1000,
        " ".join(["word"] * 1000)[:5000],
        "a." * 50_000,
        "1," * 50_000,
        "1-" * 50_000,
        "Henry VIII " * 9_000,
        "a@b" * 30_000,
        "www." * 25_000,
        "😀\u200d" * 30_000,
    ],
    ids=["dots", "no-punctuation", "dotted-letters", "commas", "hyphens", "roman", "at-signs", "www", "zwj"],
)
def test_long_inputs_stay_linear(text):
    start = time.perf_counter()
    normalize(text)
    assert time.perf_counter() - start < 5.0  # quadratic behaviour would take minutes


def test_typical_sentence_is_well_under_a_millisecond():
    sentences = [
        "Dr. Smith lives at 221 Baker St. and earns $1,250.50 a week.",
        "On March 5, 2024, at 3:30 pm, the FBI raided the office.",
        "It was the best of times, it was the worst of times.",
    ] * 100
    start = time.perf_counter()
    for sentence in sentences:
        normalize(sentence)
    assert (time.perf_counter() - start) / len(sentences) < 1e-3
