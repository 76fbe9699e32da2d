"""Conditional WaveNet (van den Oord et al. 2016; Shen et al. 2018 as a vocoder).

A stack of dilated causal convolutions with gated tanh·sigmoid units, residual and skip
connections, and an output head that parameterizes the next sample's distribution (μ-law softmax
or a mixture of logistics, distributions.py). Local conditioning: the log-mel, projected for every
layer at frame rate and brought to sample rate by the learned upsampler. Global conditioning: a
speaker embedding, projected for every layer. Both are added to each layer's gate input.

    model = WaveNet(WaveNetConfig())
    params = model(previous, mel, speaker)   # [batch, time, channels]; previous: the waveform shifted right by one

`conditioning(mel, speaker)` computes every layer's conditioning once; `stack(...)` runs the
layers on it. Generation (generate.py) reuses both and runs the per-sample loop in a numba kernel.

Without local conditioning (conditioning.n_mels = 0: the music WaveNet, music.raw) the model has no
mel projection, and `model(previous, None, speaker)` conditions every sample alike on the speaker
alone (global_conditioning), with no upsampling at sample rate.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

from tts.checkpoint import load_model
from vocoders.wavenet.config import WaveNetConfig
from vocoders.wavenet.upsample import Upsampler

KIND = "wavenet"


class ResidualLayer(nn.Module):
    """One dilated causal layer, channels-last: every product is one matrix multiply (GEMM), the
    layout CPUs run fastest and the one the generation kernel reads."""

    def __init__(self, stack, dilation):
        super().__init__()
        self.dilation = dilation
        self.kernel_size = stack.kernel_size
        self.residual_channels = stack.residual_channels
        # the taps x[t - (K-1)d], ..., x[t - d], x[t], concatenated oldest first
        self.taps = nn.Linear(stack.kernel_size * stack.residual_channels, stack.gate_channels)
        self.out = nn.Linear(stack.gate_channels // 2, stack.residual_channels + stack.skip_channels)  # residual | skip

    def forward(self, x, condition):
        """x [batch, time, residual], condition [batch, time, gate] -> (next x, skip)."""
        time = x.shape[1]
        # tap k sees x delayed by (K-1-k) * d samples, zeros before the start: causal
        taps = [
            F.pad(x[:, : max(time - delay, 0)], (0, 0, min(delay, time), 0)) if delay else x
            for delay in ((self.kernel_size - 1 - k) * self.dilation for k in range(self.kernel_size))
        ]
        filter_, gate = (self.taps(torch.cat(taps, dim=-1)) + condition).chunk(2, dim=-1)
        residual, skip = self.out(torch.tanh(filter_) * torch.sigmoid(gate)).split(
            [self.residual_channels, self.out.out_features - self.residual_channels], dim=-1
        )
        return (x + residual) * math.sqrt(0.5), skip


def run_layers(layers, head, x, condition=None):
    """The residual layers and the output head on the first layer's input x [batch, time, residual]:
    output params [batch, time, channels]. condition: [layers, batch, time, gate], or None for an
    unconditional stack (the note-level WaveNet, music.notes.wavenet)."""
    skips = 0
    for layer, layer_condition in zip(layers, condition.unbind(0) if condition is not None else [0] * len(layers)):
        x, skip = layer(x, layer_condition)
        skips = skips + skip
    return head(skips * math.sqrt(1.0 / len(layers)))


class WaveNet(nn.Module):
    def __init__(self, config: WaveNetConfig):
        super().__init__()
        self.config = config
        stack, cond = config.stack, config.conditioning
        gates = stack.layers * stack.gate_channels
        self.input = nn.Linear(config.excitation.inputs, stack.residual_channels)
        self.layers = nn.ModuleList(ResidualLayer(stack, dilation) for dilation in stack.dilations)
        # every layer's 1x1 on the mel, fused; no bias (the layers' taps have one), so it commutes
        # with upsampling; none without local conditioning
        self.mel_projection = nn.Linear(cond.n_mels, gates, bias=False) if cond.n_mels else None
        self.upsampler = Upsampler(cond.upsample_scales)
        self.speaker_embedding = nn.Embedding(len(cond.speakers), cond.speaker_dim) if cond.speakers else None
        self.speaker_projection = nn.Linear(cond.speaker_dim, gates, bias=False) if cond.speakers else None
        self.head = nn.Sequential(
            nn.ReLU(),
            nn.Linear(stack.skip_channels, stack.skip_channels),
            nn.ReLU(),
            nn.Linear(stack.skip_channels, config.output.channels),
        )

    @property
    def receptive_field(self):
        return self.config.stack.receptive_field

    def speaker_vector(self, speaker):
        """Embeddings [batch, speaker_dim] from indices [batch] or mixing weights [batch, speakers]."""
        if speaker is None:
            raise ValueError("this WaveNet is multi-speaker: pass a speaker")
        if speaker.is_floating_point():
            return speaker @ self.speaker_embedding.weight
        return self.speaker_embedding(speaker)

    def frame_conditioning(self, mel, speaker=None):
        """Every layer's conditioning at frame rate: [batch, frames, layers * gate].
        mel [batch, frames, n_mels]; speaker [batch] indices or [batch, speakers] weights."""
        if self.mel_projection is not None:
            condition = self.mel_projection(mel)
        else:  # mel [batch, frames, 0]: its length alone
            condition = mel.new_zeros(*mel.shape[:2], self.config.stack.layers * self.config.stack.gate_channels)
        if self.speaker_embedding is not None:
            condition = condition + self.speaker_projection(self.speaker_vector(speaker))[:, None, :]
        return condition

    def global_conditioning(self, speaker=None):
        """Every layer's conditioning [layers, batch, 1, gate] of a WaveNet without local
        conditioning: the speaker's alone, the same at every sample (the layers broadcast it over
        time); None for one without speakers."""
        if self.speaker_embedding is None:
            return None
        layers, gate = self.config.stack.layers, self.config.stack.gate_channels
        projected = self.speaker_projection(self.speaker_vector(speaker))  # [batch, layers * gate]
        return projected.view(-1, layers, gate).transpose(0, 1)[:, :, None]

    def conditioning(self, mel, speaker=None, *, frame_mask=None, context=0):
        """Every layer's conditioning at sample rate: [layers, batch, (frames - 2 * context) * hop,
        gate], for all frames but the first and last `context`, which only condition the others.
        Layer-major, so each layer reads a contiguous block (and its gradient is not scattered
        into a zero-filled whole). `frame_mask` [batch, frames] zeroes frames beyond an
        utterance, which the upsampler takes as zero (upsample.py)."""
        condition = self.frame_conditioning(mel, speaker)
        if frame_mask is not None:
            condition = condition * frame_mask[:, :, None]
        batch, frames, _ = condition.shape
        layers, gate = self.config.stack.layers, self.config.stack.gate_channels
        by_layer = condition.view(batch, frames, layers, gate).permute(2, 0, 1, 3).reshape(layers * batch, frames, gate)
        return self.upsampler(by_layer, trim=context).view(layers, batch, -1, gate)

    def stack(self, previous, condition):
        """Output parameters [batch, time, output channels] from the previous samples
        [batch, time] (or, for an excitation model, its inputs [batch, time, excitation.inputs]: excitation.py)
        and sample-rate conditioning [layers, batch, time, gate]."""
        x = self.input(previous if previous.dim() == 3 else previous[:, :, None])
        return run_layers(self.layers, self.head, x, condition)

    def forward(self, previous, mel, speaker=None, *, frame_mask=None, context=0):
        """previous [batch, time]: the waveform shifted right by one sample (output t sees samples
        before t only), or an excitation model's inputs [batch, time, excitation.inputs]; mel
        [batch, frames, n_mels], whose first and last `context` frames are there only to condition
        the others (data.py): time = (frames - 2 * context) * hop. mel None: a WaveNet without local
        conditioning, conditioned on the speaker alone (global_conditioning)."""
        if mel is None:
            if self.mel_projection is not None:
                raise ValueError("this WaveNet reads a mel: pass one")
            return self.stack(previous, self.global_conditioning(speaker))
        return self.stack(previous, self.conditioning(mel, speaker, frame_mask=frame_mask, context=context))

    @classmethod
    def load(cls, path, *, spec=None):
        """A WaveNet in eval mode from a weights file, with the FeatureSpec it was trained for."""
        return load_model(cls, WaveNetConfig, path, kind=KIND, spec=spec)
