"""The NSynth-style autoencoder's model: the encoder's reach and windowing, training crops that see
what encoding the whole note gives, generation conditioned exactly as training is, morph ends."""

import numpy as np
import pytest
import torch

from music.nsynth.autoencoder import WaveNetAutoencoder
from music.nsynth.codec import NoteDecoder, encode, mixed_codes, morph, pitch_weights
from music.nsynth.config import AutoencoderConfig, EncoderConfig
from music.nsynth.encoder import encode_audio, frames_of
from music.nsynth.envelope import frame_envelopes
from music.nsynth.models import load_autoencoder
from music.nsynth.task import LoadedNote, NoteCrops
from nsynth_model_fixtures import tiny_autoencoder_config
from tts.errors import TTSError
from vocoders.wavenet.config import ConditioningConfig, WaveNetConfig

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture
def model():
    torch.manual_seed(0)
    return WaveNetAutoencoder(tiny_autoencoder_config()).eval()


def tone(rng, samples, hz=220.0):
    t = np.arange(samples) / 16000
    return (0.3 * np.sin(2 * np.pi * hz * t) + 0.01 * rng.standard_normal(samples)).astype(np.float32)


def test_encoding_in_windows_equals_one_pass(model, rng):
    audio = torch.from_numpy(tone(rng, 3000))
    whole = encode_audio(model.encoder, audio)
    assert whole.shape == (frames_of(3000, 64), 4) == (47, 4)
    for window_frames in (1, 5, 46):
        torch.testing.assert_close(encode_audio(model.encoder, audio, window_frames=window_frames), whole,
                                   rtol=0, atol=1e-6)


def test_a_code_depends_on_its_frame_and_the_encoders_reach_alone(model, rng):
    """Non-causal: a change at sample p moves the codes of every frame within `reach` samples of it,
    before and after, and of no other."""
    reach, hop = model.config.encoder.reach, 64
    audio = torch.from_numpy(tone(rng, 40 * hop))
    changed = audio.clone()
    p = 20 * hop + 10
    changed[p] += 0.5
    moved = (encode_audio(model.encoder, changed) - encode_audio(model.encoder, audio)).abs().amax(dim=1)
    within = [(f + 1) * hop + reach > p >= f * hop - reach for f in range(40)]
    assert reach == 8 and sum(within) == 1 + (10 < reach)
    assert torch.all(moved[torch.tensor(within)] > 0)
    assert torch.all(moved[~torch.tensor(within)] < 1e-6)


@pytest.mark.parametrize("start_frame", [0, 5, 1000])
def test_a_training_crop_sees_what_encoding_the_whole_note_gives(model, rng, start_frame):
    """The crop's codes, context frames included, equal the whole note's; frames beyond the note
    are masked (their conditioning zero, as in generation)."""
    audio = tone(rng, 30 * 64 - 20)  # the last frame is part silence
    crops = NoteCrops([LoadedNote("n", audio, 57)], model.config, window_frames=8, starts=[start_frame])
    item = crops[0]
    start = min(start_frame, 30 - 8)
    whole = encode_audio(model.encoder, torch.from_numpy(audio))
    with torch.no_grad():
        codes = model.encoder(item["encoder_input"][None])[0]
    frames = np.arange(start - 3, start + 8 + 3)
    inside = (frames >= 0) & (frames < 30)
    assert item["frame_mask"].tolist() == inside.astype(float).tolist()
    torch.testing.assert_close(codes[torch.from_numpy(inside)], whole[frames[inside]], rtol=0, atol=1e-6)
    history = model.config.predictor_order + 2  # what the predictor's first inputs reach back to
    signal = np.concatenate([np.zeros(history, np.float32), audio, np.zeros(20, np.float32)])
    np.testing.assert_array_equal(item["signal"].numpy(), signal[start * 64 : (start + 8) * 64 + history])
    # the envelopes of the same frames, silence beyond the note
    in_silence = np.pad(audio, (64 * 4, 64 * 16))
    expected = frame_envelopes(model.config, in_silence, 64 * (start + 1), 8 + 2 * 3)
    np.testing.assert_allclose(item["envelope"].numpy(), expected, rtol=0, atol=1e-5)


def test_generation_is_conditioned_exactly_as_training_is(model, rng):
    """The numba generator's per-sample conditioning of a whole note equals the decoder's in the
    training forward (codes from the crop's encoder input, masks at the note's edges)."""
    audio = tone(rng, 12 * 64)
    item = NoteCrops([LoadedNote("n", audio, 60)], model.config, window_frames=12, starts=[0])[0]
    with torch.no_grad():
        codes = torch.cat([model.encoder(item["encoder_input"][None]), item["envelope"][None]], dim=-1)
        condition = model.decoder_input(codes, torch.tensor([60]))
        training = model.decoder.conditioning(condition, frame_mask=item["frame_mask"][None], context=model.context)
    decoder = NoteDecoder(model)
    generation = decoder.generator.conditioning(decoder.conditioning(encode(model, audio), 60))
    np.testing.assert_allclose(generation, training[:, 0].permute(1, 0, 2).numpy(), rtol=0, atol=1e-5)


def test_morph_ends_are_the_two_notes_decoded(model, rng):
    a, b = tone(rng, 10 * 64, 220.0), tone(rng, 12 * 64, 330.0)
    ends = morph(model, a, b, [0.0, 1.0], pitches=(57, 64), temperature=0.8, seed=3)
    decoder = NoteDecoder(model)
    alone_a = decoder.decode([encode(model, a)], [57], temperature=0.8, seed=3)[0]
    alone_b = decoder.decode([encode(model, b)[:10]], [64], temperature=0.8, seed=3)[0]
    np.testing.assert_array_equal(ends[0], alone_a)
    np.testing.assert_array_equal(ends[1], alone_b)
    assert len(ends[0]) == 10 * 64 and not np.array_equal(ends[0], ends[1])
    assert pitch_weights(57, 64, 0.25)[[57, 64]].tolist() == [0.75, 0.25]


def test_a_mix_interpolates_learnt_values_and_sums_envelope_magnitudes(rng):
    a, b = rng.normal(size=(6, 5)).astype(np.float32), rng.normal(size=(7, 5)).astype(np.float32)
    half = mixed_codes(a, b, 0.25, envelope_mels=2)
    np.testing.assert_allclose(half[:, :3], 0.75 * a[:, :3] + 0.25 * b[:6, :3], rtol=1e-6)
    np.testing.assert_allclose(np.exp(half[:, 3:]), 0.75 * np.exp(a[:, 3:]) + 0.25 * np.exp(b[:6, 3:]), rtol=1e-5)
    # above the log-mels' linear mix (their geometric mean) wherever the two differ
    assert np.all(half[:, 3:] > 0.75 * a[:, 3:] + 0.25 * b[:6, 3:])
    np.testing.assert_array_equal(mixed_codes(a, b, 0.0, envelope_mels=2), a)
    np.testing.assert_array_equal(mixed_codes(a, b, 1.0, envelope_mels=2), b[:6])
    np.testing.assert_allclose(mixed_codes(a, b, 0.25), 0.75 * a + 0.25 * b[:6], rtol=1e-6)


def test_decoding_checks_codes_and_pitch(model):
    decoder = NoteDecoder(model)
    with pytest.raises(TTSError, match=r"shape \[frames, 8\], got shape \(5, 3\)"):
        decoder.decode([np.zeros((5, 3))], [60])
    with pytest.raises(TTSError, match="decodes at a pitch"):
        decoder.decode([np.zeros((5, 8))], [None])
    with pytest.raises(TTSError, match="MIDI note in 0..127"):
        decoder.decode([np.zeros((5, 8))], [128])
    # the unpitched tiny model has no envelope: codes of its 4 learnt values
    unpitched = NoteDecoder(WaveNetAutoencoder(tiny_autoencoder_config(pitch_conditioning=False)).eval())
    with pytest.raises(TTSError, match="no pitch conditioning"):
        unpitched.decode([np.zeros((5, 4))], [60])
    assert len(unpitched.decode([np.zeros((5, 4))], [None])[0]) == 5 * 64
    with pytest.raises(TTSError, match=r"a mix must lie in \[0, 1\]"):
        morph(model, np.ones(640, np.float32), np.ones(640, np.float32), [1.5], pitches=(60, 60))


def test_the_decoders_hop_must_be_the_encoders():
    with pytest.raises(TTSError, match="multiply to 64; they must give encoder.hop"):
        AutoencoderConfig(encoder=EncoderConfig(hop=512),
                          decoder=WaveNetConfig(conditioning=ConditioningConfig(upsample_scales=(4, 4, 4))))
    with pytest.raises(TTSError, match="kernel_size must be odd"):
        EncoderConfig(kernel_size=2)
    assert AutoencoderConfig().decoder.conditioning.n_mels == 16 + 128


def test_the_bundled_autoencoder_loads_and_decodes():
    """The shipped checkpoint fits the code's model (a changed config would stop `tts nsynth` at once)."""
    model = load_autoencoder()
    codes = np.zeros((2, model.config.code_size), np.float32)
    wav = NoteDecoder(model).decode([codes], [60])[0]
    assert wav.shape == (2 * model.config.encoder.hop,) and np.all(np.isfinite(wav))


def test_noise_injection_moves_the_decoders_past_and_not_its_targets_note(model, rng):
    """`data.injected_noise`: training reads a past moved by up to that many μ-law levels of the
    normalized draws (vocoders.wavenet.excitation's arithmetic, tested there); at 0 it is the clean
    crop's loss exactly, and out of range it is a one-line error."""
    from music.nsynth.config import NSynthDataConfig
    from music.nsynth.task import crop_nll

    crops = NoteCrops([LoadedNote("n", tone(rng, 20 * 64), 57)], model.config, window_frames=8, starts=[0, 6])
    batch = {key: torch.stack([crops[0][key], crops[1][key]]) for key in crops[0]}
    with torch.no_grad():
        clean = crop_nll(model, batch)
        assert crop_nll(model, batch, injected_noise=0.0) == clean
        torch.manual_seed(1)
        noisy = crop_nll(model, batch, injected_noise=6.0)
    assert torch.isfinite(noisy) and noisy != clean
    for levels in (-1, 64):
        with pytest.raises(TTSError, match="data.injected_noise must be in"):
            NSynthDataConfig(injected_noise=levels)
