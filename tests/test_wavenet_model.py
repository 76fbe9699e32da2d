"""WaveNet model: causality, receptive field, the conditioning paths and the output distributions."""

import math

import numpy as np
import pytest
import torch

from tts.errors import TTSError
from vocoders.wavenet.config import ConditioningConfig, OutputConfig, StackConfig, WaveNetConfig
from vocoders.wavenet.distributions import mol_loss, mol_sample, mulaw_loss, mulaw_sample
from vocoders.wavenet.model import WaveNet
from vocoders.wavenet.mulaw import mulaw_decode, mulaw_encode, mulaw_quantize
from vocoders.wavenet.upsample import Upsampler

HOP = 8


def tiny(kernel_size=2, output="mol", speakers=("a", "b"), seed=0):
    torch.manual_seed(seed)
    config = WaveNetConfig(
        stack=StackConfig(layers=4, cycle=2, kernel_size=kernel_size, residual_channels=8, gate_channels=16, skip_channels=8),
        output=OutputConfig(kind=output, mulaw_channels=32, mixtures=3),
        conditioning=ConditioningConfig(n_mels=5, upsample_scales=(2, 4), speakers=speakers, speaker_dim=4),
    )
    model = WaveNet(config)
    for kernel in model.upsampler.kernels:  # away from the box initialization, so nothing is symmetric by luck
        kernel.data = torch.randn_like(kernel)
    return model.eval()


def inputs(frames=10, batch=2, seed=1):
    generator = torch.Generator().manual_seed(seed)
    mel = torch.randn(batch, frames, 5, generator=generator)
    previous = 0.3 * torch.randn(batch, frames * HOP, generator=generator)
    return previous, mel, torch.arange(batch) % 2


@pytest.mark.parametrize("kernel_size", [2, 3])
@pytest.mark.parametrize("output", ["mol", "mulaw"])
def test_output_shape_and_causality(kernel_size, output):
    model = tiny(kernel_size, output)
    previous, mel, speaker = inputs()
    params = model(previous, mel, speaker)
    assert params.shape == (2, 10 * HOP, model.config.output.channels)
    changed = previous.clone()
    changed[:, 37:] += 1.0  # perturb the future of sample 37
    after = model(changed, mel, speaker)
    assert torch.equal(after[:, :37], params[:, :37])  # the past is untouched, bit for bit
    assert not torch.allclose(after[:, 37:], params[:, 37:])


@pytest.mark.parametrize("kernel_size,expected", [(2, 1 + (1 + 2) * 2), (3, 1 + 2 * (1 + 2) * 2)])
def test_receptive_field_is_exact(kernel_size, expected):
    model = tiny(kernel_size)
    assert model.receptive_field == expected == model.config.stack.receptive_field
    previous, mel, speaker = inputs()
    t = 60
    base = model(previous, mel, speaker)[:, t]
    inside, outside = previous.clone(), previous.clone()
    inside[:, t - expected + 1] += 1.0  # the oldest sample output t sees
    outside[:, t - expected] += 1.0  # one further back
    assert not torch.equal(model(inside, mel, speaker)[:, t], base)
    assert torch.equal(model(outside, mel, speaker)[:, t], base)


def test_default_receptive_field():
    assert WaveNetConfig().stack.receptive_field == 2 * (2**10 - 1) + 1


def test_projecting_at_frame_rate_equals_projecting_at_sample_rate():
    model = tiny()
    _, mel, _ = inputs()
    weight = model.mel_projection.weight
    at_sample_rate = model.upsampler(mel) @ weight.t()
    at_frame_rate = model.upsampler(model.mel_projection(mel))
    torch.testing.assert_close(at_frame_rate, at_sample_rate, rtol=1e-5, atol=1e-5)


def test_upsampler_matches_its_stages_on_the_zero_extended_input():
    upsampler = tiny().upsampler
    x = torch.randn(3, 17, 4)
    context = upsampler.context
    padded = torch.nn.functional.pad(x, (0, 0, context, context))
    rows = upsampler.stretch(padded.transpose(1, 2).reshape(12, -1)).reshape(3, 4, -1).transpose(1, 2)
    expected = rows[:, context * HOP : (context + 17) * HOP]
    torch.testing.assert_close(upsampler(x), expected, rtol=1e-5, atol=1e-5)
    assert upsampler(x).shape == (3, 17 * HOP, 4)


@pytest.mark.parametrize("scales", [(2, 4), (4, 4, 4, 4), (8, 8, 4)])
def test_a_span_with_context_equals_the_whole(scales):
    torch.manual_seed(0)
    upsampler = Upsampler(scales)
    for kernel in upsampler.kernels:
        kernel.data = torch.randn_like(kernel)
    x = torch.randn(2, 30, 3)
    hop, c = math.prod(scales), upsampler.context
    whole = upsampler(x)
    for start, stop in [(0, 5), (c, c + 7), (12, 30)]:
        span = torch.nn.functional.pad(x, (0, 0, c, c))[:, start : stop + 2 * c]  # zeros beyond the clip
        torch.testing.assert_close(upsampler(span, trim=c), whole[:, start * hop : stop * hop], rtol=1e-5, atol=1e-6)


def test_frame_mask_makes_padding_equal_to_a_shorter_clip():
    model = tiny()
    previous, mel, speaker = inputs(frames=10)
    padded_mel = torch.cat([mel, torch.randn(2, 4, 5)], dim=1)
    mask = torch.cat([torch.ones(2, 10), torch.zeros(2, 4)], dim=1)
    padded = model.conditioning(padded_mel, speaker, frame_mask=mask)[:, :, : 10 * HOP]
    torch.testing.assert_close(padded, model.conditioning(mel, speaker), rtol=1e-5, atol=1e-6)


def test_speakers_change_the_output_and_mix_like_embeddings():
    model = tiny()
    previous, mel, _ = inputs(batch=1)
    first = model(previous, mel, torch.tensor([0]))
    second = model(previous, mel, torch.tensor([1]))
    assert not torch.allclose(first, second)
    torch.testing.assert_close(model(previous, mel, torch.tensor([[1.0, 0.0]])), first)
    half = model.frame_conditioning(mel, torch.tensor([[0.5, 0.5]]))
    average = (model.frame_conditioning(mel, torch.tensor([0])) + model.frame_conditioning(mel, torch.tensor([1]))) / 2
    torch.testing.assert_close(half, average)


def test_single_speaker_model_has_no_speaker_table_and_multi_speaker_needs_one():
    single = tiny(speakers=())
    previous, mel, _ = inputs()
    assert single.speaker_embedding is None
    assert single(previous, mel).shape[1] == previous.shape[1]
    with pytest.raises(ValueError, match="multi-speaker"):
        tiny()(previous, mel)


def test_config_validation():
    with pytest.raises(TTSError, match="kernel_size"):
        WaveNetConfig(stack=StackConfig(kernel_size=4))
    with pytest.raises(TTSError, match="output.kind"):
        WaveNetConfig(output=OutputConfig(kind="wav"))
    assert WaveNetConfig().hop_length == 256


# --- μ-law and the output distributions --------------------------------------------------------------


def test_mulaw_round_trip_and_monotonic():
    x = torch.linspace(-1, 1, 2001)
    index = mulaw_encode(x, 256)
    assert index.min() == 0 and index.max() == 255
    assert torch.all(index[1:] >= index[:-1])
    decoded = mulaw_decode(index, 256)
    assert (decoded - x).abs().max() < 0.032  # the coarsest μ-law step near full scale
    small = torch.linspace(-0.01, 0.01, 101)
    assert (mulaw_quantize(small, 256) - small).abs().max() < 2.5e-4  # fine steps near zero
    assert torch.equal(mulaw_quantize(mulaw_quantize(x, 256), 256), mulaw_quantize(x, 256))


def test_mulaw_loss_and_sampling():
    target = torch.tensor([[0.0, 0.5, -0.25]])
    classes = mulaw_encode(target, 32)
    params = torch.full((1, 3, 32), -10.0).scatter(-1, classes[..., None], 10.0)
    assert mulaw_loss(params, target, 32) < 1e-6
    assert torch.equal(mulaw_sample(params, temperature=0), mulaw_quantize(target, 32))
    generator = torch.Generator().manual_seed(0)
    assert torch.equal(mulaw_sample(params, generator=generator), mulaw_quantize(target, 32))


def logistic_params(weights, means, scales):
    """[1, 1, 3 * mixtures] from plain lists."""
    logits = torch.log(torch.tensor(weights))
    return torch.cat([logits, torch.tensor(means), torch.log(torch.tensor(scales))])[None, None]


def test_mol_loss_is_the_discretized_likelihood():
    bins, x = 256, 0.1
    params = logistic_params([0.3, 0.7], [0.0, 0.2], [0.05, 0.1])
    half = 1 / (bins - 1)

    def cdf(v, mean, scale):
        return 1 / (1 + math.exp(-(v - mean) / scale))

    expected = 0.3 * (cdf(x + half, 0.0, 0.05) - cdf(x - half, 0.0, 0.05)) + 0.7 * (
        cdf(x + half, 0.2, 0.1) - cdf(x - half, 0.2, 0.1)
    )
    loss = mol_loss(params, torch.tensor([[x]]), bins=bins, log_scale_min=-9.0)
    assert loss.item() == pytest.approx(-math.log(expected), rel=1e-5)
    # the edge bins take the tails
    edge = mol_loss(params, torch.tensor([[1.0]]), bins=bins, log_scale_min=-9.0)
    tail = 0.3 * (1 - cdf(1 - half, 0.0, 0.05)) + 0.7 * (1 - cdf(1 - half, 0.2, 0.1))
    assert edge.item() == pytest.approx(-math.log(tail), rel=1e-4)


def test_mol_sampling_follows_the_mixture():
    params = logistic_params([0.25, 0.75], [-0.5, 0.5], [0.01, 0.01]).expand(1, 20000, 6)
    generator = torch.Generator().manual_seed(0)
    samples = mol_sample(params, log_scale_min=-9.0, generator=generator)
    assert (samples > 0).float().mean().item() == pytest.approx(0.75, abs=0.02)
    assert samples[samples > 0].mean().item() == pytest.approx(0.5, abs=0.01)
    greedy = mol_sample(params[:, :3], log_scale_min=-9.0, temperature=0)
    assert torch.equal(greedy, torch.full((1, 3), 0.5))


def test_mol_loss_gradients_are_finite_at_the_edges():
    params = torch.randn(2, 50, 9, requires_grad=True)
    target = torch.tensor(np.r_[np.full(25, -1.0), np.full(25, 1.0)], dtype=torch.float32).expand(2, 50)
    mol_loss(params, target, bins=65536, log_scale_min=-9.0).backward()
    assert torch.isfinite(params.grad).all()
