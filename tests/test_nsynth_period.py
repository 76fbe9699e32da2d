"""The decoder's period predictor (music.nsynth.period): what it predicts, and that the generation
kernel decodes with it exactly as the decoder trains with it."""

import numpy as np
import pytest
import scipy.signal
import torch

from music.nsynth.autoencoder import WaveNetAutoencoder
from music.nsynth.codec import NoteDecoder, encode
from music.nsynth.period import mean_pitch, order_for, period_coefficients, period_samples
from music.nsynth.task import LoadedNote, NoteCrops
from nsynth_model_fixtures import tiny_autoencoder_config
from tts.errors import TTSError
from tts.lpc import deemphasize, lpc_predict, lpc_synthesize
from vocoders.wavenet import excitation_kernel
from vocoders.wavenet.mulaw import mulaw_encode

pytestmark = pytest.mark.usefixtures("one_torch_thread")
RATE = 16000
QUIET = -5.75  # a log-mel level whose excitation scale keeps a random decoder's greedy path within [-1, 1]


def harmonic_tone(pitch, seconds=0.5, harmonics=(1.0, 0.5, 0.3, 0.2, 0.1, 0.05)):
    f0 = 440.0 * 2 ** ((pitch - 69) / 12)
    t = np.arange(int(seconds * RATE)) / RATE
    return sum(a * np.sin(2 * np.pi * (k + 1) * f0 * t + k) for k, a in enumerate(harmonics)).astype(np.float32)


def predicted(signal, coefficients):
    order = len(coefficients)
    padded = torch.from_numpy(np.concatenate([np.zeros(order, np.float32), signal]))[None]
    per_sample = torch.from_numpy(coefficients)[None, None].expand(1, len(signal), order)
    return lpc_predict(padded, per_sample)[0].numpy()


@pytest.mark.parametrize("pitch", [40, 61, 83])  # periods 334.8, 57.7 and 16.3 samples: fractional
def test_the_predictor_repeats_a_harmonic_tone_one_period_ago(pitch):
    """With gain 1, the prediction of a steady tone whose harmonics reach 2 to 6 kHz is the tone
    itself, within 3 % after its first period: the cubic interpolation keeps the upper harmonics
    (a 6 kHz one, 0.2 sample off, is what the 3 % allows)."""
    order = order_for(36, RATE)
    tone = harmonic_tone(pitch)
    prediction = predicted(tone, period_coefficients(pitch, order=order, sample_rate=RATE, gain=1.0))
    settled = slice(int(period_samples(pitch, RATE)) + 3, None)
    error = np.sqrt(np.mean((tone[settled] - prediction[settled]) ** 2) / np.mean(tone[settled] ** 2))
    assert error < 0.03
    # linear interpolation, for comparison, loses far more at the upper harmonics
    whole, fraction = divmod(period_samples(pitch, RATE), 1)
    linear = np.zeros(order, np.float32)
    linear[int(whole) - 1], linear[int(whole)] = 1 - fraction, fraction
    linear_error = np.sqrt(np.mean((tone[settled] - predicted(tone, linear)[settled]) ** 2) / np.mean(tone[settled] ** 2))
    assert linear_error > 2 * error


def test_the_predictor_holds_the_periods_its_order_allows():
    order = order_for(36, RATE)
    assert order == int(period_samples(36, RATE)) + 3  # 244.6 samples: lags 243 .. 246
    coefficients = period_coefficients(36, order=order, sample_rate=RATE, gain=0.9)
    assert np.flatnonzero(coefficients).tolist() == [242, 243, 244, 245]  # a[k - 1] weighs the sample k ago
    assert coefficients.sum() == pytest.approx(0.9)  # the interpolation passes a steady level at the gain
    assert not period_coefficients(35, order=order, sample_rate=RATE, gain=0.9).any()  # too long a period
    assert not period_coefficients(120, order=order, sample_rate=RATE, gain=0.9).any()  # under two samples
    weights = np.zeros(128)
    weights[[57, 64]] = 0.75, 0.25
    assert mean_pitch(weights) == pytest.approx(58.75)  # a morph glides between the two periods


def random_model(preemphasis=0.85):
    torch.manual_seed(0)
    model = WaveNetAutoencoder(tiny_autoencoder_config(preemphasis=preemphasis)).eval()
    with torch.no_grad():
        model.decoder.head[3].weight.mul_(8.0)  # a random head that does not sit on one class
    return model


@pytest.fixture
def model():
    return random_model()


@pytest.mark.parametrize("preemphasis", [0.0, 0.85])
def test_the_kernel_decodes_as_the_decoder_trains(preemphasis, rng):
    """Teacher-forced on a note, the numba kernel's output params at every sample, predictor (the
    codes' envelope cascaded with the period) and pre-emphasis included, equal the PyTorch
    decoder's on the training path to 1e-4."""
    model = random_model(preemphasis)
    audio = harmonic_tone(62, seconds=12 * 64 / RATE) * 0.6 + 0.01 * rng.standard_normal(12 * 64).astype(np.float32)
    item = NoteCrops([LoadedNote("n", audio, 62)], model.config, window_frames=12, starts=[0])[0]
    batch = {key: value[None] for key, value in item.items()}
    with torch.no_grad():
        expected = model(batch["encoder_input"], batch["envelope"], batch["signal"], batch["pitch"], batch["period"],
                         batch["frame_mask"])[0][0].numpy()
    decoder = NoteDecoder(model)
    codes = encode(model, audio)
    condition = decoder.conditioning(codes, 62)
    coefficients, scales = decoder.predictor(codes, 62)
    assert np.all(np.abs(scales - 1) > 0.1) and np.ptp(scales) > 0  # scales that matter, frame by frame
    fast = excitation_kernel.teacher_forced_excitation(
        decoder.generator.net, audio, decoder.generator.conditioning(condition), coefficients,
        np.zeros(0, np.float32), 64, scales,
    )
    assert np.abs(expected).max() > 0.1
    np.testing.assert_allclose(fast, expected, rtol=0, atol=1e-4)


def test_greedy_decoding_draws_what_the_decoder_predicts_of_its_own_output():
    """Temperature 0: each decoded sample's residual is the decoder's most likely class given the
    samples decoded before it, as the training path computes it. Without pre-emphasis: de-emphasis
    would sum a random decoder's steady draws up to the clip (pre-emphasis agrees teacher-forced above)."""
    model = random_model(preemphasis=0.0)
    decoder = model.decoder
    decoder.config.excitation.dc_pole = 0.0  # the blocker changes x below 20 Hz, which training's residual never sees
    with torch.no_grad():  # a greedy path that changes class along the note and stays within [-1, 1]
        for weight in (decoder.head[1].weight, decoder.head[3].weight, decoder.mel_projection.weight, decoder.input.weight):
            weight.mul_(10.0)
    codes = encode(model, harmonic_tone(62, seconds=12 * 64 / RATE))
    envelope = slice(model.config.encoder.code_dim, None)
    codes[:, envelope] = QUIET  # a flat, quiet envelope: the tone's own rings a random decoder up to the clip
    decoder = NoteDecoder(model, match_envelope=False)  # the kernel's own output, before the post-filter
    wav = decoder.decode([codes], [62], temperature=0)[0]
    assert np.abs(wav).max() < 1  # not clipped: the kernel's own output, which training reads back
    item = NoteCrops([LoadedNote("n", wav, 62)], model.config, window_frames=12, starts=[0])[0]
    item["encoder_input"] = NoteCrops([LoadedNote("n", harmonic_tone(62, seconds=12 * 64 / RATE), 62)], model.config,
                                      window_frames=12, starts=[0])[0]["encoder_input"]
    item["envelope"][:] = QUIET
    batch = {key: value[None] for key, value in item.items()}
    with torch.no_grad():
        params, residual = model(batch["encoder_input"], batch["envelope"], batch["signal"], batch["pitch"],
                                 batch["period"], batch["frame_mask"])
        params = params[0].numpy()
    classes = mulaw_encode(residual[0], 256).numpy()
    assert len(np.unique(classes)) >= 3  # not a constant path
    top_two = np.sort(params, axis=1)[:, -2:]
    decided = top_two[:, 1] - top_two[:, 0] > 1e-3  # near-ties can go either way on 1e-6 differences
    assert decided.mean() > 0.9
    assert np.array_equal(params.argmax(axis=1)[decided], classes[decided])


def test_generation_blocks_the_dc_the_period_loop_would_pile_up():
    """The decoder's scaled draws pass a DC blocker before the synthesis filter: a decoder that
    always draws one small class decodes to exactly the cascade's synthesis of those draws blocked
    (then de-emphasized), which settles; without the blocker the period's loop piles the same draws
    up (1 / (1 - gain) at DC, 50 at 0.98)."""
    model = random_model()
    level = 0.02
    with torch.no_grad():  # every draw is the μ-law class nearest `level`
        model.decoder.head[3].weight.zero_()
        model.decoder.head[3].bias.zero_()
        model.decoder.head[3].bias[int(mulaw_encode(torch.tensor(level), 256))] = 50.0
    codes = encode(model, harmonic_tone(62, seconds=24 * 64 / RATE))
    codes[:, model.config.encoder.code_dim :] = QUIET
    decoder = NoteDecoder(model, match_envelope=False)  # the kernel's own output, before the post-filter
    coefficients, scales = decoder.predictor(codes, 62)
    blocked = decoder.decode([codes], [62], temperature=0)[0]
    pole = model.config.dc_pole
    assert pole == pytest.approx(np.exp(-2 * np.pi * 20 / RATE))
    drawn = decoder.generator.net.mulaw_values[int(mulaw_encode(torch.tensor(level), 256))]
    draws = np.repeat(scales.astype(np.float64), 64) * drawn
    expected = deemphasize(lpc_synthesize(scipy.signal.lfilter([1, -1], [1, -pole], draws), coefficients.astype(np.float64), 64),
                           model.config.preemphasis)
    np.testing.assert_allclose(blocked, expected, rtol=0, atol=1e-4 * np.abs(expected).max())
    model.decoder.config.excitation.dc_pole = 0.0
    piled = NoteDecoder(model, match_envelope=False).decode([codes], [62], temperature=0)[0]
    assert np.abs(piled[-256:]).mean() > 10 * np.abs(blocked[-256:]).mean()


def test_the_generator_checks_the_predictors_it_is_given(model):
    generator = NoteDecoder(model).generator
    condition = np.zeros((5, model.config.conditioning_dim), np.float32)
    order = model.config.predictor_order
    with pytest.raises(TTSError, match=rf"predictor 0 must be finite values of shape \(5, {order}\), got shape \(5, 3\)"):
        generator.generate([condition], predictors=[np.zeros((5, 3))])
    with pytest.raises(TTSError, match="got 2 predictors for 1 mels"):
        generator.generate([condition], predictors=[np.zeros((5, order))] * 2)
    with pytest.raises(TTSError, match="without one, pass its predictors"):
        generator.generate([condition])
    with pytest.raises(TTSError, match=r"excitation scales 0 must be 5 finite values > 0 \(one per frame\), got shape \(4,\)"):
        generator.generate([condition], predictors=[np.zeros((5, order))], scales=[np.ones(4)])
    with pytest.raises(TTSError, match="must be 5 finite values > 0"):
        generator.generate([condition], predictors=[np.zeros((5, order))], scales=[np.zeros(5)])
    with pytest.raises(TTSError, match="come with the predictors they were made for"):
        generator.generate([condition], scales=[np.ones(5)])
    plain = WaveNetAutoencoder(tiny_autoencoder_config(pitch_conditioning=False))
    with pytest.raises(TTSError, match="has no predictor"):
        NoteDecoder(plain).generator.generate([np.zeros((5, 4), np.float32)], predictors=[np.zeros((5, 1))])
