"""Fast WaveNet generation (vocoders/wavenet/generate.py, kernel.py) on tiny random models, checked
against the model itself and against the plain PyTorch incremental reference (incremental.py)."""

import numpy as np
import pytest
import torch

from tts.errors import TTSError
from tts.training.checkpoints import halved
from vocoders.wavenet import kernel
from vocoders.wavenet.config import ConditioningConfig, OutputConfig, StackConfig, WaveNetConfig
from vocoders.wavenet.generate import WaveNetGenerator
from vocoders.wavenet.incremental import IncrementalWaveNet
from vocoders.wavenet.model import WaveNet
from vocoders.wavenet.mulaw import mulaw_decode

N_MELS = 5
HOP = 8  # upsample scales (2, 4)
VARIANTS = [(kind, taps, speakers) for kind in ("mulaw", "mol") for taps in (2, 3) for speakers in (0, 3)]


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tiny tensors: one thread (conftest.py)


def tiny_model(kind="mulaw", kernel_size=2, speakers=3, layers=4, cycle=2):
    config = WaveNetConfig(
        stack=StackConfig(
            layers=layers, cycle=cycle, kernel_size=kernel_size, residual_channels=8, gate_channels=16, skip_channels=8
        ),
        output=OutputConfig(kind=kind, mulaw_channels=32, mixtures=3),
        conditioning=ConditioningConfig(
            n_mels=N_MELS, upsample_scales=(2, 4), speakers=tuple(f"s{i}" for i in range(speakers)), speaker_dim=4
        ),
    )
    torch.manual_seed(0)
    model = WaveNet(config).eval()
    with torch.no_grad():
        for upsample_kernel in model.upsampler.kernels:  # not the symmetric initial average
            upsample_kernel.uniform_(0.0, 0.4)
    return model


def mels(rng, *frames):
    return [rng.standard_normal((n, N_MELS)).astype(np.float32) for n in frames]


def speaker_of(model, index):
    return index if model.config.conditioning.speakers else None


def model_conditioning(model, mel, speaker):
    """The model's own whole-utterance conditioning [L, 1, T, G]."""
    with torch.no_grad():
        return model.conditioning(torch.from_numpy(mel)[None], None if speaker is None else torch.tensor([speaker]))


def model_params(model, mel, speaker, wav):
    """The model's output params [T, C] for `wav` as the true samples."""
    previous = np.concatenate([[0.0], wav[:-1]]).astype(np.float32)
    with torch.no_grad():
        return model.stack(torch.from_numpy(previous)[None], model_conditioning(model, mel, speaker))[0].numpy()


@pytest.fixture(scope="module", params=VARIANTS, ids=lambda v: f"{v[0]}-k{v[1]}-spk{v[2]}")
def generator(request):
    return WaveNetGenerator(tiny_model(*request.param))


def test_span_conditioning_matches_the_whole_mel(generator, rng):
    model = generator.model
    (mel,) = mels(rng, 13)
    speaker = speaker_of(model, 2)
    whole = model_conditioning(model, mel, speaker)[:, 0].transpose(0, 1).numpy()  # [T, L, G]
    for chunk in (1, 4, 13):
        spans = [generator.conditioning(mel, speaker, start=s, stop=min(s + chunk, 13)) for s in range(0, 13, chunk)]
        np.testing.assert_allclose(np.concatenate(spans), whole, rtol=1e-5, atol=1e-6)


def check_teacher_forced(generator, rng):
    """Given the true previous samples, the numba kernel, the PyTorch incremental reference and
    the model's `stack` give the same output params, within 1e-4."""
    model = generator.model
    (mel,) = mels(rng, 40)
    speaker = speaker_of(model, 1)
    wav = rng.uniform(-1, 1, 40 * HOP).astype(np.float32)
    previous = np.concatenate([[0.0], wav[:-1]]).astype(np.float32)
    expected = model_params(model, mel, speaker, wav)
    fast = kernel.teacher_forced(generator.net, previous, generator.conditioning(mel, speaker))
    reference = IncrementalWaveNet(model).teacher_forced(
        torch.from_numpy(previous)[None], model_conditioning(model, mel, speaker)
    )[0].numpy()
    np.testing.assert_allclose(reference, expected, rtol=0, atol=1e-4)
    np.testing.assert_allclose(fast, reference, rtol=0, atol=1e-4)
    np.testing.assert_allclose(fast, expected, rtol=0, atol=1e-4)


def test_teacher_forced_kernel_matches_the_model_and_the_torch_reference(generator, rng):
    check_teacher_forced(generator, rng)


@pytest.mark.parametrize("kernel_size", [2, 3])
def test_teacher_forced_with_long_dilations(kernel_size, rng):
    """Dilations up to 32: rings of up to 64 rows, wrapped several times in 320 samples."""
    check_teacher_forced(WaveNetGenerator(tiny_model("mol", kernel_size, layers=7, cycle=6)), rng)


@pytest.mark.parametrize("kind, kernel_size, speakers", VARIANTS, ids=lambda v: str(v))
def test_greedy_generation_matches_the_torch_reference(kind, kernel_size, speakers, rng):
    """Temperature 0 on both paths, each feeding back its own samples.

    μ-law: the same class at every sample, so the same waveform bit for bit. The head and the
    conditioning are scaled up so that the most likely class changes along the utterance (a
    random tiny model's greedy path is nearly constant); along this path the top two logits stay
    at least 2e-4 apart, where the paths' logits differ by under 1e-5 (summation order).
    Mixture of logistics: the sample is the chosen component's mean itself, a float that the two
    paths sum in different orders (BLAS, the kernel's blocked multiply-adds), so it can differ in
    its last bits and cannot be compared bitwise; the choice of component is what must agree, and
    another component would move the sample by far more than the 1e-5 asserted."""
    model = tiny_model(kind, kernel_size, speakers)
    if kind == "mulaw":
        with torch.no_grad():
            for weight in (model.head[1].weight, model.head[3].weight, model.mel_projection.weight):
                weight.mul_(10.0)
    (mel,) = mels(rng, 30)
    speaker = speaker_of(model, 1)
    fast = WaveNetGenerator(model).generate([mel], [speaker], temperature=0)[0]
    reference = IncrementalWaveNet(model).generate(model_conditioning(model, mel, speaker), temperature=0)[0].numpy()
    assert reference.dtype == fast.dtype == np.float32 and reference.shape == fast.shape == (30 * HOP,)
    if kind == "mulaw":
        assert len(np.unique(fast)) >= 5  # not a constant path
        np.testing.assert_array_equal(fast, reference)
    else:
        assert len(np.unique(fast)) > 100
        np.testing.assert_allclose(fast, reference, rtol=0, atol=1e-5)


def half_rounded(model):
    """`model` with every weight rounded to float16, as a voice built with --half stores it."""
    model.load_state_dict(halved(model.state_dict()))
    return model


def test_half_weights_are_float16_bits_only_where_they_hold_exactly(monkeypatch):
    monkeypatch.setattr(kernel, "HALF_IN_HARDWARE", True)
    exact = np.array([[0.5, -1.25, 65504.0], [np.float16(3e-6), 0.0, -np.float16(0.1)]], np.float32)  # one subnormal
    bits = kernel.half_weights(exact)
    assert bits.dtype == np.uint16 and bits.shape == exact.shape
    np.testing.assert_array_equal(bits.view(np.float16).astype(np.float32), exact)
    for inexact in (0.1, 70000.0, 1e-9):  # between two float16s, beyond their range, below their smallest
        assert kernel.half_weights(np.array([[0.5, inexact]], np.float32)) is None
    monkeypatch.setattr(kernel, "HALF_IN_HARDWARE", False)
    assert kernel.half_weights(exact) is None


@pytest.mark.parametrize("kind, kernel_size, speakers", VARIANTS, ids=lambda v: str(v))
def test_a_float16_model_multiplies_from_float16_and_generates_bitwise_as_in_float32(
    kind, kernel_size, speakers, rng
):
    """The widening is exact and the products keep their order, so the same draws come out."""
    model = half_rounded(tiny_model(kind, kernel_size, speakers))
    half, full = WaveNetGenerator(model), WaveNetGenerator(model, half_weights=False)
    stored = np.uint16 if kernel.HALF_IN_HARDWARE else np.float32
    for name in ("conv_weight", "out_weight", "head_weight1", "head_weight2"):
        assert getattr(half.net, name).dtype == stored and getattr(full.net, name).dtype == np.float32
    (mel,) = mels(rng, 12)
    speaker = speaker_of(model, 1)
    wav = rng.uniform(-1, 1, 12 * HOP).astype(np.float32)
    previous = np.concatenate([[0.0], wav[:-1]]).astype(np.float32)
    condition = half.conditioning(mel, speaker)
    params = kernel.teacher_forced(half.net, previous, condition)
    np.testing.assert_array_equal(params, kernel.teacher_forced(full.net, previous, condition))
    np.testing.assert_allclose(params, model_params(model, mel, speaker, wav), rtol=0, atol=1e-4)
    np.testing.assert_array_equal(
        half.generate([mel], [speaker], temperature=0.9, seed=3)[0], full.generate([mel], [speaker], temperature=0.9, seed=3)[0]
    )


def test_a_model_with_a_weight_off_float16_keeps_every_matrix_in_float32():
    model = half_rounded(tiny_model())
    with torch.no_grad():
        model.head[3].weight[0, 0] += 1e-6  # no longer a float16
    net = WaveNetGenerator(model).net
    assert {w.dtype for w in (net.conv_weight, net.out_weight, net.head_weight1, net.head_weight2)} == {np.dtype(np.float32)}


def test_torch_reference_draws_valid_samples(rng):
    """The reference's sampling at a temperature: μ-law values from the kernel's table, mixture
    samples in [-1, 1], reproducible with a torch generator."""
    for kind in ("mulaw", "mol"):
        model = tiny_model(kind, speakers=0)
        reference = IncrementalWaveNet(model)
        condition = model_conditioning(model, mels(rng, 6)[0], None)
        first, again = (
            reference.generate(condition, temperature=0.8, generator=torch.Generator().manual_seed(3)) for _ in range(2)
        )
        torch.testing.assert_close(first, again, rtol=0, atol=0)
        assert first.shape == (1, 6 * HOP) and first.abs().max() <= 1
        if kind == "mulaw":
            assert np.isin(first.numpy(), WaveNetGenerator(model).net.mulaw_values).all()


def test_lengths_range_and_dtype(generator, rng):
    batch = mels(rng, 1, 7, 0, 30)
    wavs = generator.generate(batch, [speaker_of(generator.model, i % 3) for i in range(4)], chunk_frames=4)
    assert [len(wav) for wav in wavs] == [n * HOP for n in (1, 7, 0, 30)]
    for wav in wavs:
        assert wav.dtype == np.float32 and np.all(np.abs(wav) <= 1.0)
    if generator.config.output.kind == "mulaw":
        values = mulaw_decode(torch.arange(32), 32).numpy()
        assert np.isin(np.concatenate(wavs), values).all()


def test_seed_reproduces_and_varies(generator, rng):
    (mel,) = mels(rng, 12)
    speaker = [speaker_of(generator.model, 0)]
    first, again, other = (generator.generate([mel], speaker, seed=s)[0] for s in (5, 5, 6))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_batch_single_and_stream_are_bitwise_equal(generator, rng):
    batch = mels(rng, 13, 5, 21)
    speakers = [speaker_of(generator.model, i) for i in range(3)]
    together = generator.generate(batch, speakers, temperature=0.7, seed=[3, 4, 5], chunk_frames=4)
    for mel, speaker, seed, wav in zip(batch, speakers, [3, 4, 5], together):
        alone = generator.generate([mel], [speaker], temperature=0.7, seed=seed, chunk_frames=4)[0]
        chunks = list(generator.stream(mel, speaker, temperature=0.7, seed=seed, chunk_frames=4))
        assert [len(c) for c in chunks[:-1]] == [4 * HOP] * (len(chunks) - 1)
        np.testing.assert_array_equal(alone, wav)
        np.testing.assert_array_equal(np.concatenate(chunks), wav)
    # one seed for the whole batch: each utterance still comes out as it would alone
    np.testing.assert_array_equal(
        generator.generate(batch, speakers, seed=9, chunk_frames=4)[1],
        generator.generate(batch[1:2], speakers[1:2], seed=9, chunk_frames=4)[0],
    )


def test_voiced_frames_are_sampled_at_the_voiced_temperature(generator, rng):
    """Frames with F0 > 0 draw at voiced_temperature, the others at temperature: up to where the
    voicing first changes, the output is exactly the run at that one temperature."""
    (mel,) = mels(rng, 12)
    speaker = [speaker_of(generator.model, 1)]
    voiced_first = np.array([120.0] * 5 + [0.0] * 7)

    def run(f0=None, **sampling):
        return generator.generate([mel], speaker, f0s=None if f0 is None else [f0], seed=4, chunk_frames=4, **sampling)[0]

    greedy, warm = run(temperature=0), run(temperature=1.0)
    mixed = run(voiced_first, temperature=1.0, voiced_temperature=0.0)
    np.testing.assert_array_equal(mixed[: 5 * HOP], greedy[: 5 * HOP])
    assert not np.array_equal(mixed[5 * HOP :], greedy[5 * HOP :])
    np.testing.assert_array_equal(run(voiced_first[::-1], temperature=1.0, voiced_temperature=0.0)[: 7 * HOP], warm[: 7 * HOP])
    np.testing.assert_array_equal(run(np.zeros(12), temperature=1.0, voiced_temperature=0.0), warm)
    # streamed, the same
    chunks = generator.stream(mel, speaker[0], f0=voiced_first, temperature=1.0, voiced_temperature=0.0, seed=4, chunk_frames=4)
    np.testing.assert_array_equal(np.concatenate(list(chunks)), mixed)


def test_temperature_zero_is_the_models_most_likely_value(generator, rng):
    model = generator.model
    (mel,) = mels(rng, 10)
    speaker = speaker_of(model, 1)
    wav = generator.generate([mel], [speaker], temperature=0, seed=1)[0]
    np.testing.assert_array_equal(wav, generator.generate([mel], [speaker], temperature=0, seed=2)[0])
    params = model_params(model, mel, speaker, wav)
    logits = params if generator.config.output.kind == "mulaw" else params[:, :3]
    best = logits.argmax(axis=1)
    if generator.config.output.kind == "mulaw":
        expected = mulaw_decode(torch.from_numpy(best), 32).numpy()
    else:
        expected = np.clip(params[np.arange(len(wav)), 3 + best], -1, 1)
    runner_up, top = np.sort(logits, axis=1)[:, -2:].T
    clear = top - runner_up > 1e-3  # where float rounding cannot change the choice
    assert clear.mean() > 0.9
    np.testing.assert_allclose(wav[clear], expected[clear], rtol=0, atol=1e-5)


def test_chunked_generation_matches_unchunked(generator, rng):
    (mel,) = mels(rng, 20)
    speaker = speaker_of(generator.model, 2)
    whole = generator.generate([mel], [speaker], temperature=0, chunk_frames=20)[0]
    for chunk in (1, 7):
        np.testing.assert_allclose(generator.generate([mel], [speaker], temperature=0, chunk_frames=chunk)[0], whole, atol=1e-5)


def test_long_input_is_conditioned_chunk_by_chunk(rng):
    """Memory stays bounded: conditioning is computed for one chunk and its margins at a time, at
    frame rate, and never upsampled whole."""
    generator = WaveNetGenerator(tiny_model())
    lengths, upsampled = [], []
    generator.model.mel_projection.register_forward_hook(lambda module, args, out: lengths.append(out.shape[1]))
    generator.model.upsampler.register_forward_hook(lambda module, args, out: upsampled.append(out.shape[1]))
    (wav,) = generator.generate(mels(rng, 203), [0], chunk_frames=8)
    context = generator.context
    assert len(wav) == 203 * HOP and len(lengths) == 26 and upsampled == []
    # 26 chunks, each with `context` frames of margin on both sides but at the utterance's two ends
    assert max(lengths) == 8 + 2 * context and sum(lengths) == 203 + (2 * 26 - 2) * context


def test_kernel_state_carries_across_chunks(generator, rng):
    (mel,) = mels(rng, 9)
    frames = generator.conditioning_frames(mel, speaker_of(generator.model, 0))
    samples = len(mel) * generator.hop
    temperatures = np.linspace(0.5, 1.0, len(mel))  # per frame: chunks that start mid-frame must index them right
    outs = []
    for pieces in ([0, samples], [0, 5, 8, 40, samples]):
        ring, previous = kernel.new_rings(generator.net, 1)[0], np.float32(0.0)
        out = np.empty(samples, np.float32)
        for start, stop in zip(pieces, pieces[1:]):
            previous = kernel.generate_chunk(
                generator.net, ring, start, previous, np.uint64(7), temperatures, frames, generator.phases, start,
                out[start:stop],
            )
        assert previous == out[-1]
        outs.append(out)
    np.testing.assert_array_equal(*outs)


def constant_head_draws(kind, bias, temperature, seed, samples=16000):
    """Samples from a tiny model whose head ignores its input, so every step draws from the
    distribution that `bias` parameterizes."""
    model = tiny_model(kind, speakers=0)
    with torch.no_grad():
        model.head[3].weight.zero_()
        model.head[3].bias.copy_(torch.tensor(bias))
    net = WaveNetGenerator(model).net
    frames = np.zeros((samples, *net.conv_bias.shape), np.float32)
    out = np.empty(samples, np.float32)
    temperatures = np.full(samples, float(temperature))  # hop 1: a frame per sample
    kernel.generate_chunk(
        net, kernel.new_rings(net, 1)[0], 0, np.float32(0.0), np.uint64(seed), temperatures, frames,
        np.ones((1, 1), np.float32), 0, out,
    )
    return out


@pytest.mark.parametrize("temperature", [1.0, 0.5])
def test_mulaw_draws_follow_the_tempered_softmax(temperature, rng):
    logits = rng.normal(0, 1.5, 32).astype(np.float32)
    wav = constant_head_draws("mulaw", logits, temperature, seed=3)
    values = mulaw_decode(torch.arange(32), 32).numpy()
    frequencies = (wav[:, None] == values[None]).mean(axis=0)
    expected = torch.softmax(torch.from_numpy(logits) / temperature, 0).numpy()
    assert np.abs(frequencies - expected).max() < 0.01


@pytest.mark.parametrize("temperature", [1.0, 0.3])
def test_mol_draws_follow_the_mixture(temperature):
    logits, means, log_scales = [0.0, 1.0, -0.5], [-0.5, 0.1, 0.6], [-3.0, -2.0, -2.5]
    wav = np.sort(constant_head_draws("mol", logits + means + log_scales, temperature, seed=4))
    weights = torch.softmax(torch.tensor(logits), 0).numpy()
    scales = temperature * np.exp(log_scales)
    cdf = sum(w / (1 + np.exp(-(wav[:, None] - m) / s)) for w, m, s in zip(weights, means, scales))[:, 0]
    empirical = np.arange(1, len(wav) + 1) / len(wav)
    assert np.abs(cdf - empirical).max() < 0.02  # Kolmogorov-Smirnov distance


def test_speaker_mix_of_one_is_that_speaker(rng):
    generator = WaveNetGenerator(tiny_model("mol", speakers=3))
    (mel,) = mels(rng, 10)
    one = generator.generate([mel], [0], seed=1)[0]
    np.testing.assert_array_equal(generator.generate([mel], [{0: 1.0}], seed=1)[0], one)
    assert not np.array_equal(generator.generate([mel], [{0: 0.5, 1: 0.5}], seed=1)[0], one)


@pytest.mark.parametrize(
    "speakers, call",
    [
        (3, lambda g, mel: g.generate([mel], [3])),
        (3, lambda g, mel: g.generate([mel], [None])),
        (3, lambda g, mel: g.generate([mel], [{5: 1.0}])),
        (3, lambda g, mel: g.generate([mel], [0, 1])),
        (0, lambda g, mel: g.generate([mel], [0])),
        (0, lambda g, mel: g.generate([mel[:, :3]])),
        (0, lambda g, mel: g.generate([mel], temperature=-1.0)),
        (0, lambda g, mel: g.generate([mel], seed=[1, 2])),
        (0, lambda g, mel: g.generate([mel], voiced_temperature=0.5)),  # voicing needs the F0
        (0, lambda g, mel: g.generate([mel], f0s=[np.full(4, 100.0)], voiced_temperature=-0.5)),
        (0, lambda g, mel: g.generate([mel], f0s=[np.full(3, 100.0)], voiced_temperature=0.5)),
        (0, lambda g, mel: g.generate([mel], f0s=[np.full(4, 100.0)])),  # an F0 nothing reads
        (0, lambda g, mel: list(g.stream(mel, chunk_frames=0))),
    ],
)
def test_bad_input_is_a_clear_error(speakers, call, rng):
    generator = WaveNetGenerator(tiny_model(speakers=speakers))
    with pytest.raises(TTSError):
        call(generator, mels(rng, 4)[0])
