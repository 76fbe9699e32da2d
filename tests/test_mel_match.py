"""The vocoders' post-filter (tts.mel_match): a waveform that has its target log-mel passes
unchanged, another is reshaped to it within a bounded gain, streaming as in one pass, on the
NSynth codes' 8-band envelope (half-overlapping windows) and a speech mel (windows overlapping 4
times); and the NSynth decoder applies it to what the WaveNet draws, in decode and stream alike."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from music.nsynth.autoencoder import WaveNetAutoencoder
from music.nsynth.codec import NoteDecoder, encode
from music.nsynth.config import AutoencoderConfig
from music.nsynth.envelope import envelope_spec, note_envelopes
from nsynth_model_fixtures import tiny_autoencoder_config
from tts.errors import TTSError
from tts.features import FeatureSpec
from tts.mel import mel_numpy
from tts.mel_match import MAX_GAIN_DB, MelMatch

CONFIG = AutoencoderConfig()
NSYNTH = envelope_spec(CONFIG)  # 8 bands, windows of 1,024 every 512 samples, at 16 kHz
SPEECH = FeatureSpec(sample_rate=16000)  # 80 bands, windows of 1,024 every 256 samples
HOP = CONFIG.encoder.hop


def plucked(seconds=1.0, hz=220.0):
    """A decaying harmonic tone with a soft onset and a little noise: the kind of sound codes describe."""
    rng = np.random.default_rng(0)
    t = np.arange(int(seconds * 16000)) / 16000
    tone = sum(np.sin(2 * np.pi * k * hz * t) / k**2 for k in range(1, 6))
    wav = 0.4 * tone * np.minimum(t * 50, 1) * np.exp(-2 * t) + 0.003 * rng.standard_normal(len(t))
    return wav[: len(t) // HOP * HOP].astype(np.float32)


def log_mel(spec, wav):
    """The target a vocoder is given: the NSynth codes' envelope (a silent hop before the note), or
    a mel's frames."""
    return note_envelopes(CONFIG, wav, len(wav) // HOP) if spec is NSYNTH else mel_numpy(wav, spec)


def mel_error(spec, wav, targets):
    """Mean absolute log-mel difference (nats) between a waveform's and `targets`."""
    return float(np.abs(log_mel(spec, wav)[: len(targets)] - targets).mean())


@pytest.mark.parametrize("spec", [NSYNTH, SPEECH], ids=["nsynth", "speech"])
def test_a_waveform_with_its_target_passes_unchanged(spec):
    """Gains of exactly 1 leave the windows' overlap-add, a constant: the frames are the target's
    own analysis windows, aligned (a frame off, the onset would be reshaped). In silence at both
    ends, as mel_numpy reflects the edges of what it analyses."""
    wav = np.pad(plucked(), (1024, 1024))
    out = MelMatch.match(spec, log_mel(spec, wav), wav)
    assert out.dtype == np.float32 and len(out) == len(wav)
    np.testing.assert_allclose(out, wav, rtol=0, atol=1e-6)


@pytest.mark.parametrize("spec", [NSYNTH, SPEECH], ids=["nsynth", "speech"])
def test_noise_is_reshaped_to_the_target(spec):
    wav = plucked()
    targets = log_mel(spec, wav)
    noise = (0.05 * np.random.default_rng(1).standard_normal(len(wav))).astype(np.float32)
    before = mel_error(spec, noise, targets)
    after = mel_error(spec, MelMatch.match(spec, targets, noise), targets)
    assert before > 1.5 and after < 0.25 * before  # measured: 2.2 -> 0.26 nats a band (NSynth's envelope)


def test_no_band_is_raised_or_lowered_beyond_the_limit():
    wav = plucked()
    targets = log_mel(NSYNTH, wav)
    whisper = wav * 1e-4  # 80 dB under its target
    raised = MelMatch.match(NSYNTH, targets, whisper)
    ratio = np.sqrt(np.mean(raised**2) / np.mean(whisper**2))
    assert 10 ** (MAX_GAIN_DB / 20) * 0.5 < ratio <= 10 ** (MAX_GAIN_DB / 20) * 1.01
    np.testing.assert_array_equal(MelMatch.match(NSYNTH, targets, np.zeros_like(wav)), np.zeros_like(wav))


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=3000), min_size=1, max_size=8), st.sampled_from([NSYNTH, SPEECH]))
def test_streaming_in_any_chunks_equals_one_pass(cuts, spec):
    wav = plucked(0.5)
    targets = log_mel(spec, wav) + 0.5  # every band reshaped
    matcher, pieces, start = MelMatch(spec, targets), [], 0
    for cut in sorted(cuts):
        pieces.append(matcher.feed(wav[start:cut]))
        start = max(start, cut)
    pieces.append(matcher.feed(wav[start:]))
    pieces.append(matcher.finish())
    np.testing.assert_array_equal(np.concatenate(pieces), MelMatch.match(spec, targets, wav))


def test_windows_that_do_not_overlap_add_to_a_constant_are_refused():
    with pytest.raises(TTSError, match="overlap-add to a constant"):
        MelMatch(FeatureSpec(sample_rate=16000, n_fft=1024, win_length=1000, hop_length=300), np.zeros((3, 80)))


@pytest.fixture
def model():
    torch.manual_seed(0)
    return WaveNetAutoencoder(tiny_autoencoder_config()).eval()


def test_the_decoder_matches_what_it_draws_in_decode_and_stream(model):
    wav = (0.3 * np.sin(2 * np.pi * 220 * np.arange(12 * 64) / 16000)).astype(np.float32)
    codes = encode(model, wav)
    raw = NoteDecoder(model, match_envelope=False).decode([codes], [57], seed=4)[0]
    decoder = NoteDecoder(model)
    matched = decoder.decode([codes], [57], seed=4)[0]
    expected = MelMatch.match(envelope_spec(model.config), codes[:, model.config.encoder.code_dim :], raw)
    np.testing.assert_array_equal(matched, expected)
    assert not np.allclose(matched, raw, atol=1e-3)
    np.testing.assert_array_equal(np.concatenate(list(decoder.stream(codes, 57, seed=4))), matched)
    unmatched = np.concatenate(list(NoteDecoder(model, match_envelope=False).stream(codes, 57, seed=4)))
    np.testing.assert_array_equal(unmatched, raw)
