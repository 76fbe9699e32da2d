"""WaveNet generation in plain PyTorch, one sample at a time: the reference that the numba kernel
(kernel.py) is checked against (tests/test_wavenet_generate.py) and timed against
(bench/wavenet_generation.py).

It is made as fast as plain eager PyTorch allows at one sample per step, so that the kernel's
speed-up over it is a fair one (the fast-wavenet / r9y9 incremental scheme):
- every layer's conditioning is computed once per utterance by the model, and the taps' bias is
  added to it there, so a layer's gate input is one addmm per step;
- each layer keeps a ring buffer of its past inputs, so a step does one step's work;
- no autograd (inference_mode); the model's own weights, as transposed views, in torch.addmm on
  one time step of the whole batch (calling the Linear modules, then adding the conditioning,
  took twice as long on the default config); in-place ops where they save an allocation.
What remains per sample is a Python loop over the layers issuing about ten small torch ops each:
the per-op overhead that the kernel's compiled loop removes. One torch thread is fastest here.

    reference = IncrementalWaveNet(model)
    condition = reference.conditioning(mel, speaker)   # [layers, batch, time, gate]
    wav = reference.generate(condition, temperature=0)  # [batch, time]
    params = reference.teacher_forced(previous, condition)  # == model.stack(previous, condition)
"""

import math

import torch

from vocoders.wavenet.distributions import mol_sample
from vocoders.wavenet.mulaw import mulaw_decode


class IncrementalWaveNet:
    def __init__(self, model):
        self.model = model
        self.config = model.config

    def conditioning(self, mel, speaker=None):
        """The model's conditioning [layers, batch, frames * hop, gate] of mel [batch, frames, n_mels]."""
        with torch.inference_mode():
            return self.model.conditioning(mel, speaker)

    def teacher_forced(self, previous, condition):
        """Output params [batch, time, channels] given the true previous samples [batch, time]:
        what model.stack(previous, condition) computes, one step at a time."""
        params = []

        def feed(t, step_params):
            params.append(step_params)
            return previous[:, t + 1 : t + 2]

        self.run(condition, previous[:, :1], feed)
        return torch.stack(params, dim=1)

    def generate(self, condition, *, temperature=1.0, generator=None):
        """Waveform [batch, time], each sample drawn from the params of the previous ones. μ-law: a
        class from the softmax at `temperature` (0: the most likely); mixture of logistics:
        distributions.mol_sample (0: the mean of the most likely component)."""
        output = self.config.output
        values = mulaw_decode(torch.arange(output.mulaw_channels), output.mulaw_channels)  # the kernel's table
        mixtures = output.mixtures
        samples = []

        def draw(t, params):
            if output.kind == "mulaw":
                if temperature == 0:
                    index = params.argmax(dim=-1)
                else:
                    index = torch.multinomial(torch.softmax(params / temperature, dim=-1), 1, generator=generator)[:, 0]
                sample = values[index]
            elif temperature == 0:  # as mol_sample at 0, without its noise draw
                component = params[:, :mixtures].argmax(dim=-1, keepdim=True)
                sample = params[:, mixtures:].gather(1, component)[:, 0].clamp(-1, 1)
            else:
                sample = mol_sample(
                    params[:, None], log_scale_min=output.log_scale_min, temperature=temperature, generator=generator
                )[:, 0]
            samples.append(sample)
            return sample[:, None]

        self.run(condition, condition.new_zeros(condition.shape[1], 1), draw)  # silence before sample 0
        return torch.stack(samples, dim=1) if samples else condition.new_zeros(condition.shape[1], 0)

    def run(self, condition, first, next_input, *, steps=None):
        """The per-step loop over condition [layers, batch, time, gate]. Step 0's input is `first`
        [batch, inputs]; next_input(t, params [batch, channels]) returns step t + 1's, or None to stop
        before the condition ends (the note-level WaveNet, music.notes.compose, stops at a bar count).
        With `steps`, a condition of one time step conditions every one of `steps` steps alike (an
        unconditional stack), so no per-step copy of it is made."""
        model, stack = self.model, self.config.stack
        residual, kernel_size = stack.residual_channels, stack.kernel_size
        layers, batch, time, _ = condition.shape
        shared = steps is not None
        with torch.inference_mode():
            taps_bias = torch.stack([layer.taps.bias for layer in model.layers])[:, None, None]
            gate_inputs = (condition + taps_bias).permute(2, 0, 1, 3).contiguous()  # [time, layers, batch, gate]
            # [(taps weight, out weight, out bias, dilation, ring)]: layer l's ring holds its inputs
            # x[t - (K-1) d] .. x[t - 1], slot t % size the oldest (x[t - size])
            per_layer = [
                (layer.taps.weight.t(), layer.out.weight.t(), layer.out.bias, layer.dilation,
                 condition.new_zeros((kernel_size - 1) * layer.dilation, batch, residual))
                for layer in model.layers
            ]
            head1, head2 = model.head[1], model.head[3]
            input_weight, sqrt_half, skip_scale = model.input.weight.t(), math.sqrt(0.5), math.sqrt(1.0 / layers)
            sample = first
            for t in range(steps if shared else time):
                x = torch.addmm(model.input.bias, sample, input_weight)
                skips = x.new_zeros(batch, stack.skip_channels)
                step_inputs = gate_inputs[0 if shared else t]
                for (taps_weight, out_weight, out_bias, dilation, ring), gate_input in zip(per_layer, step_inputs):
                    size = len(ring)
                    past = [ring[(t - (kernel_size - 1 - k) * dilation) % size] for k in range(kernel_size - 1)]
                    taps = torch.cat([*past, x], dim=1)  # oldest first, as layer.taps expects
                    ring[t % size] = x  # after the read: this slot held the oldest tap
                    filter_, gate = torch.addmm(gate_input, taps, taps_weight).chunk(2, dim=1)
                    out = torch.addmm(out_bias, torch.tanh(filter_).mul_(torch.sigmoid(gate)), out_weight)
                    x = torch.add(x, out[:, :residual]).mul_(sqrt_half)
                    skips.add_(out[:, residual:])
                hidden = torch.addmm(head1.bias, skips.mul_(skip_scale).relu_(), head1.weight.t()).relu_()
                sample = next_input(t, torch.addmm(head2.bias, hidden, head2.weight.t()))
                if sample is None:
                    break
