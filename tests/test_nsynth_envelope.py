"""The codes' envelope (music.nsynth.envelope): its cascade with the period predictor, and that the
decoder's predictor follows the codes."""

import numpy as np
import pytest
import torch

from music.nsynth.autoencoder import WaveNetAutoencoder
from music.nsynth.codec import NoteDecoder, encode
from music.nsynth.config import AutoencoderConfig
from music.nsynth.envelope import HEADROOM, SCALE_FLOOR, cascaded_predictor, envelope_spec, frame_envelopes
from music.nsynth.period import note_predictor
from nsynth_model_fixtures import tiny_autoencoder_config
from tts.errors import TTSError
from tts.lpc import deemphasize, lpc_from_mel, lpc_residual, lpc_synthesize
from tts.mel import mel_numpy

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def bright_and_dull(config, rng, seconds=0.25):
    """Two noises of one level: one rising towards Nyquist, one falling from DC."""
    white = rng.standard_normal(int(seconds * config.sample_rate))
    bright, dull = np.diff(white, prepend=0.0), np.cumsum(white) * 0.05
    return [(0.3 * wav / np.std(wav)).astype(np.float32) for wav in (bright, dull)]


def test_the_cascade_leaves_what_the_envelope_then_the_period_leave(rng):
    """One predictor does both filters' work: the residual of the cascaded coefficients equals
    the period filter's residual of the envelope filter's residual, to float32 rounding."""
    config = tiny_autoencoder_config()
    wav = bright_and_dull(config, rng)[0]
    envelope = torch.from_numpy(mel_numpy(wav, envelope_spec(config))[5:6])  # one frame's, held
    period = torch.from_numpy(note_predictor(config, 67))
    combined, scale = cascaded_predictor(config, envelope, period)
    combined = combined.numpy()
    assert combined.shape == (1, config.predictor_order)
    short_term = lpc_from_mel(envelope.numpy(), envelope_spec(config), order=config.envelope_order,
                              preemphasis=config.preemphasis)
    a = short_term.coefficients
    # the excitation's scale is the level of what the envelope's filter leaves, with headroom
    np.testing.assert_allclose(scale.numpy(), HEADROOM * short_term.gain, rtol=1e-5)
    samples = len(wav)
    short_term = lpc_residual(wav.astype(np.float64), a.astype(np.float64), samples)
    both = lpc_residual(short_term, period.numpy()[None].astype(np.float64), samples)
    at_once = lpc_residual(wav.astype(np.float64), combined.astype(np.float64), samples)
    assert np.abs(both - short_term).max() > 0.1  # the period's filter does something
    np.testing.assert_allclose(at_once, both, rtol=0, atol=1e-5)


def test_without_a_period_the_predictor_is_the_envelopes_lpc(rng):
    config = tiny_autoencoder_config()
    config.period_prediction = False
    envelope = torch.from_numpy(mel_numpy(bright_and_dull(config, rng)[1], envelope_spec(config)))
    expected = lpc_from_mel(envelope, envelope_spec(config), order=config.envelope_order,
                            preemphasis=config.preemphasis).coefficients
    torch.testing.assert_close(cascaded_predictor(config, envelope, torch.zeros(0))[0], expected, rtol=0, atol=1e-6)


def test_silence_gets_the_floor_scale():
    config = AutoencoderConfig()
    silence = torch.from_numpy(mel_numpy(np.zeros(10 * config.encoder.hop, np.float32), envelope_spec(config)))
    _, scale = cascaded_predictor(config, silence, torch.from_numpy(note_predictor(config, 60)))
    assert torch.all(scale == SCALE_FLOOR)


def test_a_crops_envelope_is_the_notes_own_log_mel(rng):
    config = tiny_autoencoder_config()
    wav = bright_and_dull(config, rng)[0]
    hop = config.encoder.hop
    padded = np.pad(wav, 2 * hop)
    whole = mel_numpy(padded, envelope_spec(config))
    # frame f of the padded note covers its samples [f * hop - hop / 2, f * hop + 3 hop / 2)
    np.testing.assert_allclose(frame_envelopes(config, padded, 2 * hop, 10), whole[2:12], rtol=0, atol=1e-6)


def test_the_predictor_follows_the_codes_envelope(rng):
    """The predictor of a bright and a dull sound's codes, and of their codes mixed half and half,
    filters white noise into sounds whose centroids are in that order, the mix's between the two
    (what a morph's timbre rides on), whatever the learnt values: here a random encoder's."""
    config = tiny_autoencoder_config()
    config.period_prediction = False
    torch.manual_seed(0)
    model = WaveNetAutoencoder(config).eval()
    codes = [encode(model, wav) for wav in bright_and_dull(config, rng)]
    assert codes[0].shape[1] == config.encoder.code_dim + config.envelope_mels
    decoder = NoteDecoder(model)
    hop = config.encoder.hop
    noise = rng.standard_normal(len(codes[0]) * hop)

    def centroid(frame_codes):
        coefficients, scales = decoder.predictor(frame_codes, None)
        filtered = deemphasize(lpc_synthesize(noise * np.repeat(scales, hop), coefficients.astype(np.float64), hop),
                               config.preemphasis)
        power = np.abs(np.fft.rfft(filtered)) ** 2
        return float(np.sum(np.fft.rfftfreq(len(filtered), 1 / config.sample_rate) * power) / np.sum(power))

    bright, dull, mixed = centroid(codes[0]), centroid(codes[1]), centroid(0.5 * (codes[0] + codes[1]))
    assert bright > 2 * dull
    assert dull < mixed < bright


def test_envelope_settings_are_checked():
    with pytest.raises(TTSError, match="envelope_order in 1..64"):
        AutoencoderConfig(envelope_order=65)
    with pytest.raises(TTSError, match="envelope_mels must be >= 0"):
        AutoencoderConfig(envelope_mels=-1)
    config = AutoencoderConfig()
    assert config.code_size == 16 and config.decoder.excitation.lpc_order == 16 + 584
    assert AutoencoderConfig(envelope_mels=0, period_prediction=False).decoder.excitation.lpc_order == 0
