"""SSML through the Voice and `tts synth`: breaks, speakers, rate, pitch, volume, reports, errors."""

import io

import numpy as np
import pytest
import soundfile

from frontends.ssml import SSMLError
from test_ssml import BILLION_LAUGHS, EXTERNAL_ENTITY
from tts.cli.main import main
from tts.errors import UsageError
from tts.voice import SENTENCE_GAP_SECONDS
from voice_fixtures import SPEC

CAT, DOG = "The cat sat.", "A dog barked!"


def samples(seconds):
    return int(round(seconds * SPEC.sample_rate))


def test_a_break_replaces_the_sentence_gap_with_its_own_silence(voice):
    cat, dog = voice.synthesize(CAT).audio, voice.synthesize(DOG).audio
    result = voice.synthesize(f'<speak>{CAT}<break time="500ms"/>{DOG}<break time="40ms"/></speak>', ssml=True)
    expected = np.concatenate([cat, np.zeros(samples(0.5)), dog, np.zeros(samples(0.04))])
    np.testing.assert_array_equal(result.audio, expected.astype(np.float32))
    plain = voice.synthesize(f"{CAT} {DOG}").audio
    assert len(plain) == len(cat) + samples(SENTENCE_GAP_SECONDS) + len(dog)


def test_a_leading_break_opens_with_silence_and_breaks_in_a_row_add_up(voice):
    cat = voice.synthesize(CAT).audio
    result = voice.synthesize(f'<speak><break time="100ms"/><break time="200ms"/>{CAT}</speak>', ssml=True)
    np.testing.assert_array_equal(result.audio, np.concatenate([np.zeros(samples(0.3), np.float32), cat]))


def test_only_a_break_is_silence_and_nothing_at_all_is_an_error(voice):
    result = voice.synthesize('<speak><break time="250ms"/></speak>', ssml=True)
    assert len(result.audio) == samples(0.25) and not result.audio.any() and result.utterances == ()
    with pytest.raises(UsageError, match="nothing to speak"):
        voice.synthesize("<speak> </speak>", ssml=True)
    with pytest.raises(UsageError, match="nothing to speak"):
        voice.synthesize("<speak>?! <s>...</s></speak>", ssml=True)


def test_voice_switches_the_speaker_within_one_text(voice):
    result = voice.synthesize(f'<speak>{CAT} <voice name="p227">{DOG}</voice> <voice name="0">{CAT}</voice></speak>',
                              ssml=True, speaker=1)
    assert [u.speaker for u in result.utterances] == [1, voice.speakers.index("p227"), 0]
    alone = voice.synthesize(DOG, speaker="p227").utterances[0]
    np.testing.assert_array_equal(result.utterances[1].wav, alone.wav)


def test_an_unknown_voice_name_fails_before_any_model_runs(voice, monkeypatch):
    monkeypatch.setattr(voice.acoustic_model, "synthesize_batch", _must_not_run)
    with pytest.raises(UsageError, match="p999"):
        voice.stream(f'<speak>{CAT}<voice name="p999">{DOG}</voice></speak>', ssml=True)


def test_malformed_ssml_fails_when_the_stream_is_asked_for(voice, monkeypatch):
    monkeypatch.setattr(voice.acoustic_model, "synthesize_batch", _must_not_run)
    with pytest.raises(SSMLError, match="line 1, column"):
        voice.stream("<speak>Hello", ssml=True)


def _must_not_run(*args, **kwargs):
    raise AssertionError("a model ran before the input was checked")


def test_prosody_rate_scales_durations_like_the_speed_argument(voice):
    slow = voice.synthesize(f'<speak><prosody rate="50%">{CAT}</prosody></speak>', ssml=True, speed=2.0)
    same = voice.synthesize(CAT, speed=1.0)
    np.testing.assert_array_equal(slow.utterances[0].durations, same.utterances[0].durations)
    faster = voice.synthesize(f'<speak><prosody rate="x-fast">{CAT}</prosody></speak>', ssml=True)
    assert faster.utterances[0].durations.sum() < same.utterances[0].durations.sum()


def test_prosody_speed_outside_the_range_is_clamped_and_reported(voice):
    result = voice.synthesize(f'<speak><prosody rate="1000%">{CAT}</prosody></speak>', ssml=True, speed=2.0)
    np.testing.assert_array_equal(result.utterances[0].durations, voice.synthesize(CAT, speed=4.0).utterances[0].durations)
    assert "prosody speed 20.00 is outside 0.25..4; 4 is used" in result.utterances[0].report["warnings"]


def test_prosody_volume_is_a_gain_on_the_sentence(voice):
    plain = voice.synthesize(CAT).audio
    softer = voice.synthesize(f'<speak><prosody volume="-6dB">{CAT}</prosody></speak>', ssml=True).audio
    np.testing.assert_allclose(softer, plain * 10 ** (-6 / 20), rtol=1e-6, atol=1e-7)
    silent = voice.synthesize(f'<speak><prosody volume="silent">{CAT}</prosody></speak>', ssml=True).audio
    assert len(silent) == len(plain) and not silent.any()


def test_prosody_pitch_in_semitones_matches_the_pitch_shift_argument(voice):
    marked = voice.synthesize(f'<speak><prosody pitch="+3st">{CAT}</prosody></speak>', ssml=True, pitch_shift=1.0)
    np.testing.assert_array_equal(marked.utterances[0].f0, voice.synthesize(CAT, pitch_shift=4.0).utterances[0].f0)


def test_markup_warnings_reach_the_first_utterances_report(voice):
    result = voice.synthesize(f"<speak><foo>{CAT}</foo> {DOG}</speak>", ssml=True)
    assert result.utterances[0].report["warnings"] == ["unknown SSML element <foo>: its text is spoken"]
    assert "warnings" not in result.utterances[1].report or not result.utterances[1].report["warnings"]


def test_streamed_pieces_with_ssml_join_to_the_whole(voice):
    text = f'<speak>{CAT}<break time="300ms"/><prosody volume="-3dB">{DOG}</prosody></speak>'
    whole = voice.synthesize(text, ssml=True, vocoder="wavenet").audio
    pieces = [chunk.audio for chunk in voice.stream(text, ssml=True, vocoder="wavenet", chunk_frames=4)]
    assert len(pieces) > 2
    np.testing.assert_array_equal(np.concatenate(pieces), whole)


def test_cli_reads_ssml_when_the_text_starts_with_speak(voice_dir, tmp_path, capsys):
    out = tmp_path / "ssml.wav"
    assert main(["synth", f'<speak><foo>{CAT}</foo><break time="1s"/>{DOG}</speak>', "--voice", str(voice_dir),
                 "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "warning: unknown SSML element <foo>" in err and "2 sentences" in err
    assert out.exists()


@pytest.mark.parametrize("argv_text, flag, message", [
    ("<speak>Hello <s>there</speak>", [], "tts: error: malformed SSML at line 1, column 24: mismatched tag"),
    ("Hello there", ["--ssml"], "tts: error: malformed SSML at line 1, column 1: syntax error"),
    ('<speak><voice name="nobody">Hi</voice></speak>', [], "tts: error: unknown speaker 'nobody'"),
])
def test_cli_ssml_errors_are_one_line_and_write_nothing(voice_dir, tmp_path, capsys, argv_text, flag, message):
    out = tmp_path / "bad.wav"
    assert main(["synth", argv_text, *flag, "--voice", str(voice_dir), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("data, message", [
    (BILLION_LAUGHS.encode(), "tts: error: SSML with a DTD or entity declarations is refused"),
    (EXTERNAL_ENTITY.encode(), "tts: error: SSML with a DTD or entity declarations is refused"),
    (("<speak>" * 10_000 + "x" + "</speak>" * 10_000).encode(), "tts: error: SSML nests elements more than 100 deep"),
    (b"<speak>Hello <prosody rate='slow'>there", "tts: error: malformed SSML at line 1, column 40: no element found"),
    ("<speak>caf\u00e9</speak>".encode("latin-1"), "tts: error: standard input is not valid UTF-8 (byte 0xe9 at offset 10)"),
])
def test_cli_hostile_ssml_on_stdin_is_one_line_and_writes_nothing(voice_dir, tmp_path, capsys, monkeypatch, data, message):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    out = tmp_path / "hostile.wav"
    assert main(["synth", "-", "--voice", str(voice_dir), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_cli_clamps_a_huge_break_and_says_so(voice_dir, tmp_path, capsys):
    out = tmp_path / "long.wav"
    assert main(["synth", '<speak>Hi.<break time="99999s"/></speak>', "--voice", str(voice_dir), "-o", str(out)]) == 0
    assert "breaks longer than 10 s are cut to 10 s" in capsys.readouterr().err
    audio, rate = soundfile.read(out)
    assert 10.0 <= len(audio) / rate < 12.0
