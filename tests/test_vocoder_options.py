"""A voice's vocoder_options (voice.json): how each vocoder renders, given to its `load`, set with
`tts build-voice --vocoder-option NAME.OPTION=VALUE` and checked before anything renders."""

import json
import shutil

import numpy as np
import pytest

from tts.cli.main import main
from tts.errors import TTSError
from tts.voice import Voice
from tts.voice_files import VOICE_FILE
from vocoders.wavenet.vocoder import WaveNetVocoder


@pytest.fixture(scope="module")
def tempered_voice(voice_dir, tmp_path_factory):
    """The tiny voice rebuilt with its WaveNet sampling voiced frames greedily, the others at 0.8."""
    parts = voice_dir.parent / "parts"
    out = tmp_path_factory.mktemp("tempered") / "voice"
    status = main([
        "build-voice", "--out", str(out), "--duration", str(parts / "duration.safetensors"),
        "--acoustic", str(parts / "acoustic.safetensors"), "--speakers", str(parts / "speakers.json"),
        "--vocoder", f"wavenet={parts / 'wavenet.safetensors'}", "--vocoder", "griffinlim",
        "--vocoder-option", "wavenet.temperature=0.8", "--vocoder-option", "wavenet.voiced_temperature=0",
    ])
    assert status == 0
    return out


def test_the_options_reach_the_vocoder_and_change_what_it_renders(tempered_voice):
    assert json.loads((tempered_voice / VOICE_FILE).read_text())["vocoder_options"] == {
        "wavenet": {"temperature": 0.8, "voiced_temperature": 0}
    }
    voice = Voice.load(tempered_voice)
    vocoder = voice.vocoder("wavenet")
    assert "f0" in vocoder.needs  # voicing comes from the acoustic model's F0
    utterance = voice.synthesize("Hello there.", vocoder="griffinlim").utterances[0]
    assert (utterance.f0 > 0).any() and (utterance.f0 == 0).any()
    weights = tempered_voice / "wavenet.safetensors"
    expected = WaveNetVocoder.load(weights, temperature=0.8, voiced_temperature=0.0).render([utterance])[0]
    np.testing.assert_array_equal(vocoder.render([utterance])[0], expected)
    assert not np.array_equal(WaveNetVocoder.load(weights).render([utterance])[0], expected)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"wavenet": {"temprature": 0.5}}, r"vocoder_options of 'wavenet': .*'temprature'"),
        ({"wavenet": {"voiced_temperature": -1}}, "temperature must be a finite number >= 0"),
    ],
)
def test_an_option_the_vocoder_cannot_take_fails_when_it_loads(tempered_voice, tmp_path, options, message):
    broken = tmp_path / "voice"
    shutil.copytree(tempered_voice, broken)
    data = json.loads((broken / VOICE_FILE).read_text())
    (broken / VOICE_FILE).write_text(json.dumps({**data, "vocoder_options": options}))
    voice = Voice.load(broken)
    with pytest.raises(TTSError, match=message):
        voice.vocoder("wavenet")
    voice.vocoder("griffinlim")  # the others still load


def test_options_for_a_vocoder_the_voice_lacks_are_refused_at_load(tempered_voice, tmp_path):
    broken = tmp_path / "voice"
    shutil.copytree(tempered_voice, broken)
    data = json.loads((broken / VOICE_FILE).read_text())
    (broken / VOICE_FILE).write_text(json.dumps({**data, "vocoder_options": {"hifigan": {"x": 1}}}))
    with pytest.raises(TTSError, match="vocoder_options must map the voice's vocoders"):
        Voice.load(broken)


@pytest.mark.parametrize(
    ("option", "message"),
    [("wavenet=0.5", "expected NAME.OPTION=VALUE"), ("hifigan.temperature=1", "not among the --vocoder names")],
)
def test_build_voice_refuses_a_malformed_option_before_building(voice_dir, tmp_path, capsys, option, message):
    parts = voice_dir.parent / "parts"
    status = main([
        "build-voice", "--out", str(tmp_path / "voice"), "--duration", str(parts / "duration.safetensors"),
        "--acoustic", str(parts / "acoustic.safetensors"), "--speakers", str(parts / "speakers.json"),
        "--vocoder", f"wavenet={parts / 'wavenet.safetensors'}", "--vocoder-option", option,
    ])
    assert status == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "voice").exists()


def test_match_mel_reshapes_the_wavenets_output_to_its_mel_in_render_and_stream(tempered_voice):
    """`wavenet.match_mel`: each generated frame reshaped to the mel it was given (tts.mel_match),
    the same in batch and streaming."""
    from tts.mel_match import MelMatch

    utterance = Voice.load(tempered_voice).synthesize("Hello there.", vocoder="griffinlim").utterances[0]
    weights = tempered_voice / "wavenet.safetensors"
    raw = WaveNetVocoder.load(weights).render([utterance])[0]
    matching = WaveNetVocoder.load(weights, match_mel=True)
    matched = matching.render([utterance])[0]
    np.testing.assert_array_equal(matched, MelMatch.match(matching.spec, np.asarray(utterance.mel), raw))
    assert len(matched) == len(raw) and not np.allclose(matched, raw, atol=1e-3)
    np.testing.assert_array_equal(np.concatenate(list(matching.stream(utterance, chunk_frames=7))), matched)


def test_the_pitch_comb_runs_before_the_mel_match_in_render_and_stream(tempered_voice):
    """`wavenet.comb_periods` and `comb_decay`: the generated waveform through a comb at the
    utterance's F0 (tts.pitch_comb), then the mel match, the same in batch and streaming; the
    vocoder then needs the F0."""
    from tts.mel_match import MelMatch
    from tts.pitch_comb import PitchComb

    utterance = Voice.load(tempered_voice).synthesize("Hello there.", vocoder="griffinlim").utterances[0]
    weights = tempered_voice / "wavenet.safetensors"
    raw = WaveNetVocoder.load(weights).render([utterance])[0]
    combed = WaveNetVocoder.load(weights, match_mel=True, comb_periods=3, comb_decay=0.8)
    assert "f0" in combed.needs and "f0" not in WaveNetVocoder.load(weights).needs
    out = combed.render([utterance])[0]
    expected = MelMatch.match(combed.spec, utterance.mel, PitchComb.apply(combed.spec, utterance.f0, raw, periods=3,
                                                                         decay=0.8))
    np.testing.assert_array_equal(out, expected)
    assert not np.allclose(out, MelMatch.match(combed.spec, utterance.mel, raw), atol=1e-3)
    np.testing.assert_array_equal(np.concatenate(list(combed.stream(utterance, chunk_frames=5))), out)
    twice = WaveNetVocoder.load(weights, match_mel=True, comb_periods=3, comb_decay=0.8, post_passes=2)
    again = MelMatch.match(combed.spec, utterance.mel, PitchComb.apply(combed.spec, utterance.f0, out, periods=3,
                                                                      decay=0.8))
    np.testing.assert_array_equal(twice.render([utterance])[0], again)
    np.testing.assert_array_equal(np.concatenate(list(twice.stream(utterance, chunk_frames=5))), again)
    with pytest.raises(TTSError, match="post_passes must be a whole number of passes, 1 or more"):
        WaveNetVocoder.load(weights, post_passes=0)


def test_the_combs_guard_reads_the_utterances_mel(tempered_voice):
    """`wavenet.comb_guard`: the comb's taps weighed by how alike the mel frames are
    (tts.pitch_comb), in render and stream alike; a bad value fails at load."""
    from tts.mel_match import MelMatch
    from tts.pitch_comb import PitchComb

    utterance = Voice.load(tempered_voice).synthesize("Hello there.", vocoder="griffinlim").utterances[0]
    weights = tempered_voice / "wavenet.safetensors"
    raw = WaveNetVocoder.load(weights).render([utterance])[0]
    guarded = WaveNetVocoder.load(weights, match_mel=True, comb_periods=3, comb_decay=0.8, comb_guard=0.5)
    out = guarded.render([utterance])[0]
    combed = PitchComb.apply(guarded.spec, utterance.f0, raw, periods=3, decay=0.8, mel=utterance.mel, guard=0.5)
    np.testing.assert_array_equal(out, MelMatch.match(guarded.spec, utterance.mel, combed))
    unguarded = PitchComb.apply(guarded.spec, utterance.f0, raw, periods=3, decay=0.8)
    assert not np.allclose(out, MelMatch.match(guarded.spec, utterance.mel, unguarded), atol=1e-3)
    np.testing.assert_array_equal(np.concatenate(list(guarded.stream(utterance, chunk_frames=5))), out)
    with pytest.raises(TTSError, match="guard must be a number of nats, 0 or more"):
        WaveNetVocoder.load(weights, comb_periods=3, comb_guard=-1)
