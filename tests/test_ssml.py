"""SSML parsing: elements onto parts and styles, say-as readings, attribute values, hostile markup."""

import math
from html import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontends.ssml import Pause, Speech, SSMLError, Style, looks_like_ssml, parse_ssml
from frontends.ssml.document import MAX_DEPTH, PARAGRAPH_PAUSE_SECONDS
from frontends.ssml.values import BREAK_STRENGTH_SECONDS, MAX_BREAK_SECONDS


def parts(body):
    return parse_ssml(f"<speak>{body}</speak>").parts


def spoken(body):
    """The text of the one Speech part, spaces collapsed."""
    [speech] = parts(body)
    return " ".join(speech.text.split())


def test_breaks_prosody_voice_and_emphasis_split_the_text_into_styled_parts():
    document = parse_ssml(
        '<speak xmlns="http://www.w3.org/2001/10/synthesis" version="1.1">Hello <break time="300ms"/>'
        '<prosody rate="slow" pitch="+2st" volume="-6dB">my friend</prosody> and '
        '<voice name="p227"><emphasis level="strong">you</emphasis></voice>.</speak>'
    )
    assert document.parts == (
        Speech("Hello ", Style()),
        Pause(0.3),
        Speech("my friend", Style(speed=0.8, semitones=2.0, volume_db=-6.0)),
        Speech(" and ", Style()),
        Speech("you.", Style(voice="p227", speed=0.8, semitones=2.0)),  # punctuation alone joins the part before
    )
    assert document.warnings == ()


def test_sentences_split_and_paragraphs_pause_only_between_each_other():
    assert parts("<p><s>One</s><s>two</s></p><p>Three</p>") == (
        Speech("One"), Speech("two"), Pause(PARAGRAPH_PAUSE_SECONDS), Speech("Three"),
    )


def test_text_around_inline_elements_stays_one_part():
    assert parts('I owe <say-as interpret-as="cardinal">1,234</say-as> <sub alias="dollars">USD</sub>.') == (
        Speech("I owe  one thousand two hundred and thirty-four   dollars .", Style()),
    )


@pytest.mark.parametrize("content, interpret_as, date_format, said", [
    ("R2D2", "characters", None, "R two D two"),
    ("abc", "spell-out", None, "A B C"),
    ("-1,234.5", "cardinal", None, "minus one thousand two hundred and thirty-four point five"),
    ("3rd", "ordinal", None, "third"),
    ("21", "ordinal", None, "twenty-first"),
    ("2026", "digits", None, "two zero two six"),
    ("+1 555-0100", "telephone", None, "plus one, five five five, oh one oh oh"),
    ("12/05/2026", "date", None, "December fifth, twenty twenty-six"),
    ("12/05/2026", "date", "dmy", "the twelfth of May twenty twenty-six"),
    ("2026-12-05", "date", "ymd", "December fifth, twenty twenty-six"),
    ("3/2026", "date", "my", "March twenty twenty-six"),
    ("3:30 pm", "time", None, "3:30 pm"),  # the normalizer's clock reader speaks it
])
def test_say_as_reads_through_the_normalizers_own_readers(content, interpret_as, date_format, said):
    attributes = f'interpret-as="{interpret_as}"' + (f' format="{date_format}"' if date_format else "")
    assert spoken(f"<say-as {attributes}>{content}</say-as>") == said


def test_say_as_that_cannot_read_its_content_warns_and_keeps_the_text():
    document = parse_ssml('<speak><say-as interpret-as="cardinal">many</say-as> '
                          '<say-as interpret-as="date" format="dmy">99/99/2020</say-as> '
                          '<say-as interpret-as="vxml:boolean">1</say-as></speak>')
    assert " ".join(document.parts[0].text.split()) == "many 99/99/2020 1"
    assert len(document.warnings) == 3
    assert "'many' is not a number" in document.warnings[0]
    assert "not a calendar date" in document.warnings[1]
    assert "'vxml:boolean' is not supported" in document.warnings[2]


def test_phoneme_becomes_inline_phonemes_with_stress_on_the_vowel():
    assert spoken('<phoneme alphabet="ipa" ph="təˈmɑːtoʊ">tomato</phoneme>') == "[[ t ə m ˈɑː t oʊ ]]"
    assert spoken('<phoneme ph="gʊd]]x">good</phoneme>') == "[[ ɡ ʊ d x ]]"  # ASCII g; brackets cannot escape


def test_phoneme_in_another_alphabet_speaks_its_text_with_a_warning():
    document = parse_ssml('<speak><phoneme alphabet="x-sampa" ph="t@\'mA:toU">tomato</phoneme></speak>')
    assert document.parts == (Speech("tomato"),)
    assert document.warnings == ("<phoneme> with alphabet 'x-sampa' is not supported: its text is spoken",)


def test_unknown_elements_are_spoken_through_and_counted_once():
    document = parse_ssml("<speak><foo>one</foo> <foo>two</foo> <bar>three</bar><mark name='m'/></speak>")
    assert " ".join(document.parts[0].text.split()) == "one two three"
    assert document.warnings == (
        "unknown SSML element <foo>: its text is spoken (×2)", "unknown SSML element <bar>: its text is spoken",
    )


def test_metadata_is_not_spoken():
    assert parts("<meta name='a' content='b'/><metadata>secret</metadata>Hi") == (Speech("Hi"),)


@pytest.mark.parametrize("attributes, seconds", [
    ('time="250ms"', 0.25), ('time="1.5s"', 1.5), ('time=" 2 s "', 2.0),
    ('strength="x-strong"', BREAK_STRENGTH_SECONDS["x-strong"]), ('strength="none"', 0.0),
    ("", BREAK_STRENGTH_SECONDS["medium"]), ('time="10ms" strength="x-strong"', 0.01),
])
def test_break_lengths(attributes, seconds):
    assert parts(f"<break {attributes}/>") == (Pause(seconds),)


def test_an_overlong_break_is_clamped_and_reported():
    document = parse_ssml('<speak>a<break time="99999s"/>b</speak>')
    assert document.parts[1] == Pause(MAX_BREAK_SECONDS)
    assert document.warnings == ("breaks longer than 10 s are cut to 10 s",)


@pytest.mark.parametrize("rate, speed", [
    ("x-slow", 0.6), ("fast", 1.25), ("150%", 1.5), ("+20%", 2.4), ("-50%", 1.0), ("1.5", 3.0), ("medium", 1.0),
])
def test_rate_values_against_an_enclosing_double_speed(rate, speed):
    [speech] = parts(f'<prosody rate="200%"><prosody rate="{rate}">x</prosody></prosody>')
    assert speech.style.speed == pytest.approx(speed)


@pytest.mark.parametrize("pitch, semitones, hz", [
    ("high", 4.0, None), ("+2st", 3.0, None), ("-1.5st", -0.5, None), ("+100%", 13.0, None),
    ("-50%", -11.0, None), ("180Hz", 0.0, 180.0),
])
def test_pitch_values_inside_a_one_semitone_raise(pitch, semitones, hz):
    [speech] = parts(f'<prosody pitch="+1st"><prosody pitch="{pitch}">x</prosody></prosody>')
    assert speech.style.semitones == pytest.approx(semitones) and speech.style.pitch_hz == hz


def test_relative_pitch_inside_an_absolute_one_moves_from_it():
    [speech] = parts('<prosody pitch="200Hz"><emphasis>x</emphasis></prosody>')
    assert (speech.style.pitch_hz, speech.style.semitones, speech.style.speed) == (200.0, 1.0, 0.9)


@pytest.mark.parametrize("volume, db", [("loud", 4.0), ("+6dB", 9.0), ("-3.5dB", -0.5), ("silent", -math.inf)])
def test_volume_values_inside_a_3db_boost(volume, db):
    [speech] = parts(f'<prosody volume="+3dB"><prosody volume="{volume}">x</prosody></prosody>')
    assert speech.style.volume_db == db


@pytest.mark.parametrize("markup, warning", [
    ('<prosody rate="quick">x</prosody>', "prosody rate 'quick' is not a name"),
    ('<prosody rate="-100%">x</prosody>', "would stop speech"),
    ('<prosody pitch="+50Hz">x</prosody>', "prosody pitch '+50Hz' is not a name"),
    ('<prosody volume="11">x</prosody>', "prosody volume '11' is not a name"),
    ('<break time="soon"/>x', "break time 'soon' is not like '300ms'"),
    ('<emphasis level="max">x</emphasis>', "emphasis level 'max' is not one of"),
])
def test_bad_attribute_values_are_ignored_with_a_warning(markup, warning):
    document = parse_ssml(f"<speak>{markup}</speak>")
    assert any(isinstance(part, Speech) and part.text == "x" for part in document.parts)
    assert len(document.warnings) == 1 and warning in document.warnings[0]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE speak [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<speak>&lol3;</speak>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE speak [<!ENTITY secret SYSTEM "file:///etc/passwd">]><speak>&secret;</speak>"""


@pytest.mark.parametrize("markup, message", [
    (BILLION_LAUGHS, "DTD or entity declarations is refused"),
    (EXTERNAL_ENTITY, "DTD or entity declarations is refused"),
    ('<!DOCTYPE speak SYSTEM "http://example.com/x.dtd"><speak>x</speak>', "DTD or entity declarations is refused"),
    ("<speak>" * 10_000 + "x" + "</speak>" * 10_000, f"more than {MAX_DEPTH} deep"),
    ("<speak>Hello <prosody rate='slow'>there</speak>", "malformed SSML at line 1, column 42: mismatched tag"),
    ("<speak>Hello\n<break time='1s'>", "malformed SSML at line 2, column 18: no element found"),
    ("<speak>&nbsp;</speak>", "malformed SSML at line 1, column 8: undefined entity"),
    ("<voice name='x'>Hi</voice>", "must have <speak> as its root element, not <voice>"),
])
def test_hostile_and_malformed_markup_is_one_ssml_error(markup, message):
    with pytest.raises(SSMLError, match=message) as raised:
        parse_ssml(markup)
    assert "\n" not in str(raised.value)


def test_nesting_at_the_limit_is_read():
    depth = MAX_DEPTH - 1  # the <speak> root is one level
    assert parts("<s>" * depth + "deep" + "</s>" * depth) == (Speech("deep"),)


@pytest.mark.parametrize("text, expected", [
    ("<speak>Hi</speak>", True), ('  \n<?xml version="1.0"?>\n<speak version="1.1">Hi</speak>', True),
    ("<speak/>", True), (BILLION_LAUGHS, True), ('<!DOCTYPE speak SYSTEM "x.dtd"><speak/>', True),
    ("Hello <speak>", False), ("<speaker>", False), ("2 < 3", False), ("<xml>", False),
])
def test_looks_like_ssml(text, expected):
    assert looks_like_ssml(text) is expected


XML_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xD7FF, exclude_characters="\r"), min_size=1)


@given(XML_TEXT)
def test_any_escaped_text_comes_back_as_one_part_verbatim(text):
    document = parse_ssml(f"<speak>{escape(text, quote=False)}</speak>")
    if text.strip():
        assert document.parts == (Speech(text),)
    else:
        assert document.parts == ()
