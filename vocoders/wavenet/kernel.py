"""The compiled per-sample loop of WaveNet generation (numba, on float32 NumPy arrays).

One call runs a whole chunk of samples: for each sample, every layer's dilated convolution reads
its past inputs from a per-layer ring buffer, then the gated unit, the residual and skip paths, the
output head, and the draw of the next sample, which is fed back as the next input. No Python runs
per sample. Conditioning arrives precomputed at sample rate (generate.py).

Random numbers come from a counter-based hash: splitmix64 of (seed, sample index, draw number).
An utterance's samples therefore depend on its own conditioning, temperature and seed only, so it
comes out bitwise the same alone, in a batch, or streamed in chunks.
"""

from collections import namedtuple

import numba
import numpy as np

MULAW, MOL = 0, 1

# The network laid out for the loop. Matrices are [in, out], the transpose of torch's Linear: a
# product adds rows scaled by the inputs into the outputs (_accumulate), which vectorizes over the
# outputs.
Net = namedtuple(
    "Net",
    [
        "input_weight",  # [R]: previous sample -> first layer input
        "input_bias",  # [R]
        "conv_weight",  # [L * K * R, G]: row (l * K + k) * R + r multiplies layer l's x[t - (K - 1 - k) * dilation][r]
        "conv_bias",  # [L, G]
        "out_weight",  # [L * G / 2, R + S]: layer l's rows l * G / 2 ..., its residual and skip 1x1s side by side (residual / sqrt 2)
        "residual_bias",  # [L, R]: the residual 1x1's bias / sqrt 2
        "skip_bias",  # [S]: the skip 1x1s' biases summed over the layers
        "head_weight1",  # [S, S]
        "head_bias1",  # [S]
        "head_weight2",  # [S, C]
        "head_bias2",  # [C]
        "skip_scale",  # float32: sqrt(1 / L)
        "dilations",  # [L] int64
        "ring_offsets",  # [L + 1] int64: layer l's ring is rows ring_offsets[l]:ring_offsets[l + 1], (K - 1) * dilation + 1 of them
        "kind",  # MULAW or MOL
        "log_scale_min",  # float32: floor of a logistic's log scale (MOL)
        "mulaw_values",  # [C] float32: the waveform value of each μ-law class (MULAW)
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
DRAWS = np.uint64(2)  # random numbers per sample: component or class, then the logistic's noise
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
def _workspace(net):
    residual = len(net.input_bias)
    gates = net.conv_weight.shape[1]
    skip = len(net.head_bias1)
    return (
        np.empty(residual + skip, np.float32),  # the current layer's input x | the running skip sum
        np.empty(gates, np.float32),  # the gate's input
        np.empty((1, gates // 2), np.float32),  # the gated unit's output z
        np.empty((2, skip), np.float32),  # the head's input and its hidden layer
        np.empty(len(net.head_bias2), np.float64),  # class or component probabilities
    )


# Every loop below indexes whole arrays: a view (a row, a slice) costs two atomic reference-count
# updates, more than the arithmetic of a row in these small layers.
@numba.njit(cache=True, error_model="numpy", fastmath={"contract"}, inline="always")
def _accumulate(weight, first, rows, source, row, y):
    """y += weight[first : first + rows].T @ source[row, :rows], weight [in, out]: the weight rows
    scaled by their inputs and added to `y`, four at a time so that each pass over `y` makes four
    fused multiply-adds per element. It vectorizes over `y` with no horizontal sums, and the
    order of the sums is fixed when it compiles."""
    i = 0
    while i + 4 <= rows:
        a, b, c, d = source[row, i], source[row, i + 1], source[row, i + 2], source[row, i + 3]
        w = first + i
        for j in range(len(y)):
            y[j] = y[j] + weight[w, j] * a + weight[w + 1, j] * b + weight[w + 2, j] * c + weight[w + 3, j] * d
        i += 4
    while i < rows:
        a = source[row, i]
        for j in range(len(y)):
            y[j] = y[j] + weight[first + i, j] * a
        i += 1


@numba.njit(cache=True, error_model="numpy", fastmath={"contract"})
def _step(net, ring, sample, previous, condition, work, params):
    """Output params [C] for `sample` from the previous sample and its conditioning [L, G]; pushes
    each layer's input into its ring."""
    state, gate, z, head, _ = work
    residual = len(net.input_bias)
    layers, gates = net.conv_bias.shape
    kernel = net.conv_weight.shape[0] // (layers * residual)
    half = gates // 2
    skip = len(state) - residual
    for r in range(residual):
        state[r] = net.input_weight[r] * previous + net.input_bias[r]
    for s in range(skip):
        state[residual + s] = net.skip_bias[s]  # every layer's skip bias, summed
    for layer in range(layers):
        dilation = net.dilations[layer]
        base = net.ring_offsets[layer]
        size = net.ring_offsets[layer + 1] - base
        now = base + sample % size
        for r in range(residual):
            ring[now, r] = state[r]  # x[t], over x[t - size]: the one sample no tap needs
        for g in range(gates):
            gate[g] = net.conv_bias[layer, g] + condition[layer, g]
        for k in range(kernel):  # tap k reads x[t - (K - 1 - k) * dilation]
            tap = base + (sample - (kernel - 1 - k) * dilation) % size
            _accumulate(net.conv_weight, (layer * kernel + k) * residual, residual, ring, tap, gate)
        for h in range(half):
            z[0, h] = _tanh(gate[h]) * (HALF * _tanh(HALF * gate[half + h]) + HALF)  # tanh · sigmoid
        # x <- (x + residual) / sqrt 2 and skips += skip in one product: out_weight's residual
        # columns and residual_bias come divided by sqrt 2
        for r in range(residual):
            state[r] = state[r] * SQRT_HALF + net.residual_bias[layer, r]
        _accumulate(net.out_weight, layer * half, half, z, 0, state)
    for s in range(skip):
        head[0, s] = max(state[residual + s] * net.skip_scale, ZERO)
    hidden = head[1]
    hidden[:] = net.head_bias1
    _accumulate(net.head_weight1, 0, skip, head, 0, hidden)
    for s in range(skip):
        hidden[s] = max(hidden[s], ZERO)
    params[:] = net.head_bias2
    _accumulate(net.head_weight2, 0, skip, head, 1, params)


@numba.njit(cache=True)
def _categorical(logits, temperature, u, probs):
    """Index drawn from softmax(logits / temperature) with the uniform `u`."""
    top = np.float64(logits.max())
    total = 0.0
    for i in range(len(logits)):
        probs[i] = np.exp((np.float64(logits[i]) - top) / temperature)
        total += probs[i]
    threshold = u * total
    for i in range(len(logits)):
        threshold -= probs[i]
        if threshold < 0.0:
            return i
    return len(logits) - 1  # rounding left u * total past the last partial sum


@numba.njit(cache=True)
def _draw(net, params, temperature, seed, sample, probs):
    """The next sample in [-1, 1] from the head's params; temperature 0 is deterministic."""
    if net.kind == MULAW:
        if temperature == 0.0:
            return net.mulaw_values[np.argmax(params)]
        return net.mulaw_values[_categorical(params, temperature, _uniform(seed, sample, 0), probs)]
    mixtures = len(params) // 3
    logits = params[:mixtures]
    if temperature == 0.0:  # the mean of the most likely component
        k = np.argmax(logits)
        return np.float32(min(max(np.float64(params[mixtures + k]), -1.0), 1.0))
    # like distributions.mol_sample: pick a component by its weight, scale its noise by temperature
    k = _categorical(logits, 1.0, _uniform(seed, sample, 0), probs)
    u = min(max(_uniform(seed, sample, 1), 1e-5), 1.0 - 1e-5)
    scale = np.exp(np.float64(max(params[2 * mixtures + k], net.log_scale_min)))
    value = np.float64(params[mixtures + k]) + temperature * scale * (np.log(u) - np.log1p(-u))
    return np.float32(min(max(value, -1.0), 1.0))


@numba.njit(cache=True, nogil=True)
def generate_chunk(net, ring, start, previous, seed, temperature, condition, out):
    """Samples start .. start + len(out) of one utterance into `out`, from their conditioning
    [len(out), L, G], the utterance's rings [rows, R] (updated in place) and the sample before
    `start`; returns the last sample. It releases the GIL, so threads run utterances in parallel
    (numba's own threads would spin against torch's OpenMP pool between chunks)."""
    work = _workspace(net)
    params = np.empty(len(net.head_bias2), np.float32)
    for i in range(len(out)):
        _step(net, ring, start + i, previous, condition[i], work, params)
        previous = _draw(net, params, temperature, seed, start + i, work[-1])
        out[i] = previous
    return previous


@numba.njit(cache=True)
def teacher_forced(net, previous, condition):
    """Output params [T, C] given the true previous samples [T] (previous[0] = 0) and the
    conditioning [T, L, G]: the incremental path, to check against the model's `stack`."""
    ring = np.zeros((net.ring_offsets[-1], len(net.input_bias)), np.float32)
    work = _workspace(net)
    params = np.empty((len(previous), len(net.head_bias2)), np.float32)
    for t in range(len(previous)):
        _step(net, ring, t, previous[t], condition[t], work, params[t])
    return params
