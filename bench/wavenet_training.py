"""WaveNet training throughput: this toolkit's training step against a plain PyTorch step of the
same model size, batch and segment, in one run.

The plain step is the textbook layout (r9y9/wavenet_vocoder): Conv1d layers over [batch, channels,
time], the mel upsampled to sample rate first and projected by a 1x1 convolution in every layer,
full fp32. Ours: channels-last GEMM layers, each layer's mel projection at frame rate and upsampled
after (exactly equal, see vocoders/wavenet/upsample.py), bf16 autocast, optionally torch.compile.
Prints training samples per second for each and ends with one JSON line.
Usage: python bench/wavenet_training.py [--steps 5] [--batch 8] [--segment-frames 16] [--no-compile]
"""

import argparse
import json
import math
import platform
import time

import torch
import torch.nn.functional as F
from torch import nn

from vocoders.wavenet.config import ConditioningConfig, OutputConfig, StackConfig, WaveNetConfig
from vocoders.wavenet.distributions import mol_loss
from vocoders.wavenet.model import WaveNet
from vocoders.wavenet.upsample import Upsampler, upsample_context


class PlainLayer(nn.Module):
    def __init__(self, stack, n_mels, dilation):
        super().__init__()
        self.dilation = dilation
        self.conv = nn.Conv1d(stack.residual_channels, stack.gate_channels, stack.kernel_size, dilation=dilation)
        self.condition = nn.Conv1d(n_mels, stack.gate_channels, 1, bias=False)
        self.residual = nn.Conv1d(stack.gate_channels // 2, stack.residual_channels, 1)
        self.skip = nn.Conv1d(stack.gate_channels // 2, stack.skip_channels, 1)

    def forward(self, x, mel, speaker):
        gate = self.conv(F.pad(x, ((self.conv.kernel_size[0] - 1) * self.dilation, 0))) + self.condition(mel) + speaker
        a, b = gate.chunk(2, dim=1)
        z = torch.tanh(a) * torch.sigmoid(b)
        return (x + self.residual(z)) * math.sqrt(0.5), self.skip(z)


class PlainWaveNet(nn.Module):
    """The same sizes as WaveNet(config), laid out the textbook way."""

    def __init__(self, config):
        super().__init__()
        stack, cond = config.stack, config.conditioning
        self.input = nn.Conv1d(1, stack.residual_channels, 1)
        self.upsampler = Upsampler(cond.upsample_scales)
        self.speakers = nn.Embedding(len(cond.speakers), cond.speaker_dim)
        self.speaker_projections = nn.ModuleList(
            nn.Linear(cond.speaker_dim, stack.gate_channels, bias=False) for _ in range(stack.layers)
        )
        self.layers = nn.ModuleList(PlainLayer(stack, cond.n_mels, d) for d in stack.dilations)
        self.head = nn.Sequential(
            nn.ReLU(), nn.Conv1d(stack.skip_channels, stack.skip_channels, 1), nn.ReLU(),
            nn.Conv1d(stack.skip_channels, config.output.channels, 1),
        )

    def forward(self, previous, mel, speaker, context):
        mel = self.upsampler(mel, trim=context).transpose(1, 2)  # [batch, n_mels, time]
        embedding = self.speakers(speaker)
        x, skips = self.input(previous[:, None]), 0
        for layer, projection in zip(self.layers, self.speaker_projections):
            x, skip = layer(x, mel, projection(embedding)[:, :, None])
            skips = skips + skip
        return self.head(skips * math.sqrt(1.0 / len(self.layers))).transpose(1, 2)


def step_seconds(model, forward, batch, *, steps, bf16):
    """Best wall time of one training step (forward, MoL loss, backward, AdamW update)."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    output = OutputConfig(kind="mol")

    def step():
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            params = forward(model, batch)
        loss = mol_loss(params, batch["target"], bins=output.mol_bins, log_scale_min=output.log_scale_min)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    step()  # warm-up (and compilation)
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--segment-frames", type=int, default=16)
    parser.add_argument("--no-compile", action="store_true", help="skip the torch.compile row")
    args = parser.parse_args()
    # the sizes of the plain-PyTorch measurement, with the mixture-of-logistics head
    config = WaveNetConfig(
        stack=StackConfig(residual_channels=64, gate_channels=128, skip_channels=64),
        output=OutputConfig(kind="mol"),
        conditioning=ConditioningConfig(n_mels=80, speakers=tuple(f"s{i}" for i in range(8))),
    )
    hop, context = config.hop_length, upsample_context(config.conditioning.upsample_scales)
    samples = args.segment_frames * hop
    generator = torch.Generator().manual_seed(0)
    batch = {
        "previous": 0.1 * torch.randn(args.batch, samples, generator=generator),
        "target": (0.1 * torch.randn(args.batch, samples, generator=generator)).clamp(-1, 1),
        "mel": torch.randn(args.batch, args.segment_frames + 2 * context, 80, generator=generator),
        "speaker": torch.arange(args.batch) % 8,
    }

    def ours(model, b):
        return model(b["previous"], b["mel"], b["speaker"], context=context)

    def plain(model, b):
        return model(b["previous"], b["mel"], b["speaker"], context)

    stack = config.stack
    print(
        f"WaveNet training step: {stack.layers} layers, residual {stack.residual_channels}, gate "
        f"{stack.gate_channels}, skip {stack.skip_channels}, MoL, batch {args.batch} x {samples} samples, "
        f"torch threads {torch.get_num_threads()}"
    )
    print(f"{'path':<24} {'step s':>8} {'samples/s':>10} {'vs plain':>9}", flush=True)
    paths = [
        ("plain PyTorch, fp32", PlainWaveNet, plain, False, False),
        ("ours, fp32", WaveNet, ours, False, False),
        ("ours, bf16 autocast", WaveNet, ours, True, False),
    ]
    if not args.no_compile:
        paths.append(("ours, bf16 + compile", WaveNet, ours, True, True))
    figures, plain_seconds = {}, None
    for name, cls, forward, bf16, compile_ in paths:
        torch.manual_seed(0)
        model = cls(config)
        if compile_:
            model.compile()
        seconds = step_seconds(model, forward, batch, steps=args.steps, bf16=bf16)
        plain_seconds = plain_seconds or seconds
        speed, ratio = args.batch * samples / seconds, plain_seconds / seconds
        figures[name] = {"step_s": round(seconds, 3), "samples_per_s": round(speed), "vs_plain": round(ratio, 2)}
        print(f"{name:<24} {seconds:>8.3f} {speed:>10.0f} {ratio:>8.2f}x", flush=True)
    print(
        json.dumps(
            {
                "benchmark": "wavenet_training",
                "machine": f"{platform.machine()} {torch.get_num_threads()} threads",
                **figures,
            }
        )
    )


if __name__ == "__main__":
    main()
