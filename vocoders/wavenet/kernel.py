"""The compiled per-sample loop of WaveNet generation (numba, on float32 NumPy arrays).

One call runs a whole chunk of samples: for each sample, every layer's dilated convolution reads
its past inputs from a per-layer ring buffer, then the gated unit, the residual and skip paths, the
output head, and the draw of the next sample, which is fed back as the next input. No Python runs
per sample. Conditioning arrives at frame rate, every layer's (generate.py), with the upsampler's
phases: each sample mixes the frames around it as the model's upsampler does (condition_row), so
no sample-rate conditioning is ever stored (5 KB a sample for the default model). The excitation
model's loop, linear prediction around the same step, is excitation_kernel.py.

Random numbers come from a counter-based hash: splitmix64 of (seed, sample index, draw number).
An utterance's samples therefore depend on its own conditioning, temperature and seed only, so it
comes out bitwise the same alone, in a batch, or streamed in chunks.

What makes it fast (bench/wavenet_generation.py), for layers this small: each matrix product
adds weight rows, eight at a time, into its outputs, so it vectorizes over the outputs with no
horizontal sums (_accumulate); the loops index whole flat arrays, with no views (each costs atomic
reference counting) and no negative-index checks (which turn vector loads into gathers); the
float division of the gated unit and the sampler's exp are plain arithmetic under
error_model="numpy" (numba's default raises ZeroDivisionError, a branch that keeps a loop scalar).
"""

import math
import platform
from collections import namedtuple

import numba
import numpy as np
from llvmlite import binding, ir
from numba import types
from numba.extending import intrinsic, overload

MULAW, MOL = 0, 1

# The network laid out for the loop. Matrices are [in, out], the transpose of torch's Linear: a
# product adds rows scaled by the inputs into the outputs (_accumulate), which vectorizes over the
# outputs.
Net = namedtuple(
    "Net",
    [
        "input_weight",  # [I, R] flattened: the I inputs (the previous sample; or x, p, e) -> first layer input
        "input_bias",  # [R]
        "conv_weight",  # [L, K * R, G] flattened: [l, k * R + r] multiplies layer l's x[t - (K - 1 - k) * dilation][r]
        "conv_bias",  # [L, G]
        "out_weight",  # [L, G / 2, R + S] flattened: the residual and skip 1x1s side by side
        "residual_bias",  # [L, R]: the residual 1x1's bias
        "skip_bias",  # [S]: the skip 1x1s' biases summed over the layers
        "head_weight1",  # [S, S] flattened
        "head_bias1",  # [S]
        "head_weight2",  # [S, C] flattened
        "head_bias2",  # [C]
        "skip_scale",  # float32: sqrt(1 / L)
        "dilations",  # [L] int64
        # [L + 1] int64: layer l's ring is rows ring_offsets[l]:ring_offsets[l + 1], (K - 1) * dilation + 1 of them
        "ring_offsets",
        "kind",  # MULAW or MOL
        "log_scale_min",  # float32: floor of a logistic's log scale (MOL)
        "mulaw_values",  # [C] float32: the waveform value of each μ-law class (MULAW)
        "preemphasis",  # float32: α of an excitation model (0 for a plain one)
        "dc_pole",  # float32: R of the DC blocker on an excitation model's draws (0: none)
        "reads_signal",  # bool: an excitation model that reads x[t - 1] and p[t] beside e[t - 1]
    ],
)

ZERO = np.float32(0.0)
HALF = np.float32(0.5)
SQRT_HALF = np.float32(np.sqrt(0.5))
# tanh as Eigen's rational fit on [-7.9, 7.9] (error < 4e-7): plain arithmetic, so the gated unit
# vectorizes, where libm's tanhf and expf are scalar calls that cost as much as the convolution.
TANH_CLAMP = np.float32(7.90531110763549805)
# numerator / x and denominator, in powers of x², highest first
P0, P1, P2, P3, P4, P5, P6 = (
    np.float32(c)
    for c in (-2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-08,
              1.48572235717979e-05, 6.37261928875436e-04, 4.89352455891786e-03)
)
Q0, Q1, Q2, Q3 = (np.float32(c) for c in (1.19825839466702e-06, 1.18534705686654e-04, 2.26843463243900e-03, 4.89352518554385e-03))
# exp in float32 (_categorical): ln 2 split in a short high part and the rest (Cody and Waite),
# then 1 / k! for the Taylor series; e^-87 is about the smallest normal float32
LOG2E = np.float32(1.4426950408889634)
LN2_HI = np.float32(0.693359375)
LN2_LO = np.float32(-2.12194440e-4)
E0, E1, E2, E3, E4, E5, E6, E7 = (np.float32(1.0 / math.factorial(k)) for k in range(8))
EXP_FLOOR = np.float32(-87.0)
FLOAT32_BIAS, FLOAT32_MANTISSA = np.int32(127), np.int32(23)
DRAWS = np.uint64(2)  # random numbers per sample: component or class, then the logistic's noise
# float16 weights are widened by the CPU's own instruction: x86's F16C (since 2012), or any 64-bit Arm
HALF_IN_HARDWARE = platform.machine().lower() in ("aarch64", "arm64") or bool(
    binding.get_host_cpu_features().get("f16c", False)
)
GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)


def new_rings(net, batch):
    """Zeroed ring buffers [batch, rows, R]: zeros are the causal left padding of every layer."""
    return np.zeros((batch, net.ring_offsets[-1], len(net.input_bias)), dtype=np.float32)


@numba.njit(cache=True)
def _splitmix64(z):
    z = z + GOLDEN
    z = (z ^ (z >> np.uint64(30))) * MIX1
    z = (z ^ (z >> np.uint64(27))) * MIX2
    return z ^ (z >> np.uint64(31))


@numba.njit(cache=True)
def _uniform(seed, sample, draw):
    """A float64 in (0, 1), a pure function of its arguments."""
    z = _splitmix64(_splitmix64(seed) + np.uint64(sample) * DRAWS + np.uint64(draw))
    return (np.float64(z >> np.uint64(11)) + 0.5) / 9007199254740992.0  # 53 bits


@numba.njit(cache=True, error_model="numpy", inline="always")
def _tanh(x):
    x = min(max(x, -TANH_CLAMP), TANH_CLAMP)
    x2 = x * x
    p = ((((((P0 * x2 + P1) * x2 + P2) * x2 + P3) * x2 + P4) * x2 + P5) * x2 + P6) * x
    q = ((Q0 * x2 + Q1) * x2 + Q2) * x2 + Q3
    return p / q


@numba.njit(cache=True)
def _kernel_size(net):
    """K, from layer 0's ring: (K - 1) * dilation + 1 rows."""
    return (net.ring_offsets[1] - net.ring_offsets[0] - 1) // net.dilations[0] + 1


@numba.njit(cache=True)
def new_workspace(net):
    residual = len(net.input_bias)
    gates = net.conv_bias.shape[1]
    skip = len(net.head_bias1)
    return (
        np.empty(residual + skip, np.float32),  # the current layer's input x | the running skip sum
        np.empty(_kernel_size(net) * residual, np.float32),  # the taps, oldest first
        np.empty(gates, np.float32),  # the gate's input
        np.empty(gates // 2, np.float32),  # the gated unit's output z
        np.empty(skip, np.float32),  # the head's input
        np.empty(skip, np.float32),  # the head's hidden layer
        np.empty(len(net.head_bias2), np.float32),  # class or component probabilities
        np.empty(len(net.head_bias2), np.int32),  # their powers of 2 (_categorical)
    )


# The loops below index whole flat arrays: a view (a row, a slice) costs two atomic reference-count
# updates, and 2-D indexing reloads strides, each more than the arithmetic of a row here.
@numba.njit(cache=True, error_model="numpy", fastmath={"contract"}, inline="always")
def _accumulate(weight, matrix, x, y):
    """y += W.T @ x, W the `matrix`-th [len(x), len(y)] block of `weight` (float32, or float16
    bits: _widened): its rows scaled by their inputs and added into `y`, eight at a time, so that
    each pass over `y` makes eight multiply-adds per element in two independent chains. It
    vectorizes over `y` without horizontal sums; the order of the sums is fixed when it compiles."""
    rows, columns = len(x), np.uint64(len(y))
    first = np.uint64(matrix) * np.uint64(rows) * columns
    i = 0
    while i + 8 <= rows:
        a, b, c, d, e, f, g, h = x[i], x[i + 1], x[i + 2], x[i + 3], x[i + 4], x[i + 5], x[i + 6], x[i + 7]
        # unsigned offsets: numba then needs no check for negative indices, which would turn the
        # loads into gathers
        w0 = first + np.uint64(i) * columns
        w1 = w0 + columns
        w2 = w1 + columns
        w3 = w2 + columns
        w4 = w3 + columns
        w5 = w4 + columns
        w6 = w5 + columns
        w7 = w6 + columns
        for j in range(columns):
            y[j] += (
                _widened(weight[w0 + j]) * a + _widened(weight[w1 + j]) * b
                + _widened(weight[w2 + j]) * c + _widened(weight[w3 + j]) * d
            ) + (
                _widened(weight[w4 + j]) * e + _widened(weight[w5 + j]) * f
                + _widened(weight[w6 + j]) * g + _widened(weight[w7 + j]) * h
            )
        i += 8
    while i < rows:
        a, w0 = x[i], first + np.uint64(i) * columns
        for j in range(columns):
            y[j] += _widened(weight[w0 + j]) * a
        i += 1


def _widened(weight):
    """A stored weight as float32: a float32 as it is, a float16 (its bits, a uint16) converted
    exactly (one vcvtph2ps for eight of them on x86 with F16C). Compiled code only: the overload
    below picks the conversion by the array's type."""
    raise NotImplementedError("kernel._widened runs inside compiled code only")


@overload(_widened, inline="always")
def _widened_for(weight):
    if weight == types.uint16:
        return lambda weight: _float32_of_half(weight)
    return lambda weight: weight


@intrinsic
def _float32_of_half(typingctx, bits):
    """The float16 whose bits are the uint16 `bits`, widened to float32 (exact)."""
    if bits != types.uint16:
        return None

    def codegen(context, builder, signature, args):
        return builder.fpext(builder.bitcast(args[0], ir.HalfType()), ir.FloatType())

    return types.float32(types.uint16), codegen


def half_weights(matrix):
    """`matrix`'s float16 bits (uint16) where every value of it is a float16 and this CPU widens
    them in hardware, else None: a voice stored in float16 (tts build-voice --half) multiplies
    from half the bytes, the same products."""
    if not HALF_IN_HARDWARE:
        return None
    matrix = np.ascontiguousarray(matrix, np.float32)
    with np.errstate(over="ignore"):
        half = matrix.astype(np.float16)
    return half.view(np.uint16) if np.array_equal(half.astype(np.float32), matrix) else None


@numba.njit(cache=True, error_model="numpy", fastmath={"contract"})
def network_step(net, ring, sample, inputs, condition, work, params):
    """Output params [C] for `sample` from its inputs [I] (the previous sample; or x, p, e) and its
    conditioning [L, G]; pushes each layer's input into its ring."""
    state, taps, gate, z, head, hidden = work[:6]
    residual = len(net.input_bias)
    layers, gates = net.conv_bias.shape
    kernel = len(taps) // residual
    half = gates // 2
    skip = len(head)
    for r in range(residual):
        state[r] = net.input_bias[r]
    for i in range(len(inputs)):
        for r in range(residual):
            state[r] += net.input_weight[i * residual + r] * inputs[i]
    for s in range(skip):
        state[residual + s] = net.skip_bias[s]  # every layer's skip bias, summed
    for layer in range(layers):
        dilation = net.dilations[layer]
        base = net.ring_offsets[layer]
        size = net.ring_offsets[layer + 1] - base
        now = base + sample % size
        for r in range(residual):
            ring[now, r] = state[r]  # x[t], over x[t - size]: the one sample no tap needs
        for k in range(kernel):  # tap k is x[t - (K - 1 - k) * dilation]
            tap = base + (sample - (kernel - 1 - k) * dilation) % size
            for r in range(residual):
                taps[k * residual + r] = ring[tap, r]
        for g in range(gates):
            gate[g] = net.conv_bias[layer, g] + condition[layer, g]
        _accumulate(net.conv_weight, layer, taps, gate)
        for h in range(half):
            z[h] = _tanh(gate[h]) * (HALF * _tanh(HALF * gate[half + h]) + HALF)  # tanh · sigmoid
        # x <- (x + residual) / sqrt 2 and skips += skip, both 1x1s in one product; the scale comes
        # after it, as the model's, so that the weights stay as trained (float16 ones too)
        for r in range(residual):
            state[r] += net.residual_bias[layer, r]
        _accumulate(net.out_weight, layer, z, state)
        for r in range(residual):
            state[r] *= SQRT_HALF
    for s in range(skip):
        head[s] = max(state[residual + s] * net.skip_scale, ZERO)
    hidden[:] = net.head_bias1
    _accumulate(net.head_weight1, 0, head, hidden)
    for s in range(skip):
        hidden[s] = max(hidden[s], ZERO)
    params[:] = net.head_bias2
    _accumulate(net.head_weight2, 0, hidden, params)


@numba.njit(cache=True, error_model="numpy", fastmath={"contract"})
def _categorical(logits, temperature, u, probs, exponents):
    """Index drawn from softmax(logits / temperature) with the uniform `u`. The weights are
    exp((logit - top) / temperature) in float32, computed as 2^n · e^r with |r| <= ln 2 / 2 and a
    Taylor polynomial (relative error < 1e-6, far below what a draw resolves): plain arithmetic
    eight lanes wide, where libm's exp is a scalar call that would cost a tenth of a sample.
    `exponents` is an int32 buffer, `probs` a float32 buffer, each as long as the logits."""
    top = logits.max()
    inverse = np.float32(1.0 / temperature)
    for i in range(len(logits)):
        x = max((logits[i] - top) * inverse, EXP_FLOOR)
        n = np.floor(x * LOG2E + HALF)
        r = (x - n * LN2_HI) - n * LN2_LO
        probs[i] = ((((((E7 * r + E6) * r + E5) * r + E4) * r + E3) * r + E2) * r + E1) * r + E0
        exponents[i] = (np.int32(n) + FLOAT32_BIAS) << FLOAT32_MANTISSA  # the bits of the float32 2^n
    powers = exponents.view(np.float32)
    total = ZERO
    for i in range(len(logits)):
        probs[i] *= powers[i]
        total += probs[i]
    threshold = np.float32(u) * total
    for i in range(len(logits)):
        threshold -= probs[i]
        if threshold < ZERO:
            return i
    return len(logits) - 1  # rounding left u * total past the last partial sum


@numba.njit(cache=True)
def draw_sample(net, params, temperature, seed, sample, probs, exponents):
    """The next sample in [-1, 1] from the head's params; temperature 0 is deterministic."""
    if net.kind == MULAW:
        if temperature == 0.0:
            return net.mulaw_values[np.argmax(params)]
        return net.mulaw_values[_categorical(params, temperature, _uniform(seed, sample, 0), probs, exponents)]
    mixtures = len(params) // 3
    logits = params[:mixtures]
    if temperature == 0.0:  # the mean of the most likely component
        k = np.argmax(logits)
        return np.float32(min(max(np.float64(params[mixtures + k]), -1.0), 1.0))
    # like distributions.mol_sample: pick a component by its weight, scale its noise by temperature
    k = _categorical(logits, 1.0, _uniform(seed, sample, 0), probs, exponents)
    u = min(max(_uniform(seed, sample, 1), 1e-5), 1.0 - 1e-5)
    scale = np.exp(np.float64(max(params[2 * mixtures + k], net.log_scale_min)))
    value = np.float64(params[mixtures + k]) + temperature * scale * (np.log(u) - np.log1p(-u))
    return np.float32(min(max(value, -1.0), 1.0))


@numba.njit(cache=True, error_model="numpy", fastmath={"contract"})
def condition_row(frames, phases, sample, row):
    """row [L, G] = the conditioning of `sample` of a span: frames [F, L, G] (every layer's
    conditioning at frame rate, from (window - 1) / 2 frames before the span's first) mixed by the
    weights phases[sample % hop] [window] of frames sample // hop .. + window - 1, as the model's
    upsampler computes it (Upsampler.phases). Flat views, so that each frame's mix is one
    vectorized pass over L * G values."""
    hop, window = phases.shape
    first, phase = sample // hop, sample % hop
    mixed, rows = row.reshape(-1), frames.reshape(-1)
    width = np.uint64(len(mixed))
    base = np.uint64(first) * width
    weight = phases[phase, 0]
    for c in range(width):
        mixed[c] = weight * rows[base + c]
    for w in range(1, window):
        weight = phases[phase, w]
        base += width
        for c in range(width):
            mixed[c] += weight * rows[base + c]


@numba.njit(cache=True)
def upsample(frames, phases):
    """Every sample's conditioning [samples, L, G] of a span: what generation mixes one sample at a
    time (condition_row), all of it, for checks and the teacher-forced paths."""
    hop, window = phases.shape
    out = np.empty(((len(frames) - window + 1) * hop, *frames.shape[1:]), np.float32)
    for sample in range(len(out)):
        condition_row(frames, phases, sample, out[sample])
    return out


@numba.njit(cache=True, nogil=True)
def generate_chunk(net, ring, start, previous, seed, temperatures, frames, phases, offset, out):
    """Samples start .. start + len(out) of one utterance into `out`, the span's samples offset ..
    offset + len(out) of the conditioning frames and phases (condition_row; hop = len(phases)),
    from the sampling temperature of each of the utterance's frames, its rings [rows, R]
    (updated in place) and the sample before `start`; returns the last sample. It releases the
    GIL, so threads run utterances in parallel (numba's own threads would spin against torch's
    OpenMP pool between chunks)."""
    work = new_workspace(net)
    params = np.empty(len(net.head_bias2), np.float32)
    inputs = np.empty(1, np.float32)
    row = np.empty(net.conv_bias.shape, np.float32)
    hop = len(phases)
    for i in range(len(out)):
        inputs[0] = previous
        condition_row(frames, phases, offset + i, row)
        network_step(net, ring, start + i, inputs, row, work, params)
        previous = draw_sample(net, params, temperatures[(start + i) // hop], seed, start + i, work[-2], work[-1])
        out[i] = previous
    return previous


@numba.njit(cache=True, nogil=True)
def prime_chunk(net, ring, start, previous, samples, frames, phases):
    """Runs samples start .. start + len(samples) of one utterance, whose values are known (a prime),
    through its rings [rows, R] (updated in place), the span's first len(samples) samples of the
    conditioning frames and phases, from the sample before `start`: each step reads the one before
    it, as in generate_chunk, and nothing is drawn. Returns the last sample, the input of the step
    after."""
    work = new_workspace(net)
    params = np.empty(len(net.head_bias2), np.float32)
    inputs = np.empty(1, np.float32)
    row = np.empty(net.conv_bias.shape, np.float32)
    for i in range(len(samples)):
        inputs[0] = previous
        condition_row(frames, phases, i, row)
        network_step(net, ring, start + i, inputs, row, work, params)
        previous = samples[i]
    return previous


@numba.njit(cache=True)
def teacher_forced(net, previous, condition):
    """Output params [T, C] given the true previous samples [T] (previous[0] = 0) and the
    conditioning [T, L, G]: the incremental path, to check against the model's `stack`."""
    ring = np.zeros((net.ring_offsets[-1], len(net.input_bias)), np.float32)
    work = new_workspace(net)
    params = np.empty((len(previous), len(net.head_bias2)), np.float32)
    for t in range(len(previous)):
        network_step(net, ring, t, previous[t : t + 1], condition[t], work, params[t])
    return params
