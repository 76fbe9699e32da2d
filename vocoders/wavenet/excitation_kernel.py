"""The compiled per-sample loop of the excitation WaveNet (excitation.py): kernel.py's step, with
linear prediction around it.

Per sample: the frame's linear prediction p[t] from the past pre-emphasized output x, the network's
draw of the excitation e[t], then x[t] = p[t] + e[t] and de-emphasis s[t] = x[t] + α s[t - 1]. An
utterance's state between chunks is one float32 array [order + EXTRA_STATE]: x[t - 1] .. x[t -
order] (newest first), e[t - 1], s[t - 1], then the DC blocker's last input and output (the scaled
draw before and after it; zero without one).
"""

import numba
import numpy as np

from vocoders.wavenet.kernel import HALF, ZERO, condition_row, draw_sample, network_step, new_workspace

ONE = np.float32(1.0)
EXTRA_STATE = 4


def new_excitation_states(net, batch, order):
    """Silence before every utterance: zero history and output, and the excitation the μ-law
    level nearest 0 (with an even number of classes, 0 itself is not one), as training sees it."""
    states = np.zeros((batch, order + EXTRA_STATE), dtype=np.float32)
    states[:, order] = _mulaw_level(net, ZERO)
    return states


@numba.njit(cache=True, error_model="numpy", inline="always")
def _compand(net, value):
    """The μ-law curve (mulaw.mulaw_compand) in float32."""
    mu = np.float32(len(net.mulaw_values) - 1)
    companded = np.log1p(mu * min(abs(value), ONE)) / np.float32(np.log1p(np.float64(mu)))
    return companded if value >= ZERO else -companded


def sparse_predictor(coefficients):
    """(lags, coefficients [frames, len(lags)]) of predictor coefficients [frames, order]: the lags
    (a[k - 1]'s indices k - 1) that some frame weighs, and their coefficients, which is all the
    kernel reads. A period predictor (music.nsynth) weighs a few dozen of its hundreds of lags; a
    dense one keeps them all, and skipping a weight of zero changes no sum."""
    lags = np.flatnonzero(np.any(coefficients != 0, axis=0))
    return lags, np.ascontiguousarray(coefficients[:, lags])


@numba.njit(cache=True, error_model="numpy")
def _excitation_inputs(net, state, lags, coefficients, frame, source, inputs):
    """p[t] from the frame's coefficients at `lags` (sparse_predictor) and the history in `state`;
    fills the network's inputs (x[t - 1] and p[t] when it reads the signal, e[t - 1], companded,
    then `source`, the sine at F0, when it reads one) and returns p[t]."""
    order = len(state) - EXTRA_STATE
    prediction = ZERO
    for j in range(len(lags)):
        prediction += coefficients[frame, j] * state[lags[j]]
    slot = 0
    if net.reads_signal:
        inputs[0] = _compand(net, state[0])
        inputs[1] = _compand(net, prediction)
        slot = 2
    inputs[slot] = _compand(net, state[order])
    if len(inputs) > slot + 1:
        inputs[slot + 1] = source
    return prediction


@numba.njit(cache=True, error_model="numpy")
def _advance(net, state, x, excitation):
    """Pushes x[t] and e[t] into the state and returns s[t]."""
    order = len(state) - EXTRA_STATE
    for k in range(order - 1, 0, -1):
        state[k] = state[k - 1]
    state[0] = x
    state[order] = excitation
    output = x + net.preemphasis * state[order + 1]
    state[order + 1] = output
    return output


@numba.njit(cache=True, error_model="numpy")
def _mulaw_level(net, value):
    """The μ-law level nearest `value` (mulaw.mulaw_quantize)."""
    mu = len(net.mulaw_values) - 1
    index = int(np.floor((_compand(net, value) + ONE) * HALF * np.float32(mu) + HALF))
    return net.mulaw_values[min(max(index, 0), mu)]


@numba.njit(cache=True, nogil=True)
def generate_excitation_chunk(net, ring, state, start, seed, temperatures, frames, phases, lags, coefficients,
                              scales, source, out):
    """Samples start .. start + len(out) of one utterance of an excitation model into `out`, the
    first len(out) samples of the conditioning frames and phases (condition_row; the chunk
    starts on a frame, hop = len(phases)), from the predictor of their frames (sparse_predictor: its
    lags and coefficients [frames, len(lags)]), what each frame's
    drawn excitation is multiplied by [frames] (1 unless the model draws it normalized), the
    sampling temperature of each of the utterance's frames and the sine at F0 [len(out)] (empty
    for a model without one), updating its rings and `state` in place. The output is not clipped
    here (generate.py clips it), so a test can recompute every step from it. Like generate_chunk,
    it releases the GIL."""
    work = new_workspace(net)
    params = np.empty(len(net.head_bias2), np.float32)
    inputs = np.empty(len(net.input_weight) // len(net.input_bias), np.float32)
    row = np.empty(net.conv_bias.shape, np.float32)
    hop = len(phases)
    for i in range(len(out)):
        prediction = _excitation_inputs(net, state, lags, coefficients, i // hop, source[i] if len(source) else ZERO,
                                        inputs)
        condition_row(frames, phases, i, row)
        network_step(net, ring, start + i, inputs, row, work, params)
        excitation = draw_sample(net, params, temperatures[(start + i) // hop], seed, start + i, work[-2], work[-1])
        out[i] = _advance(net, state, prediction + _dc_blocked(net, state, scales[i // hop] * excitation), excitation)


@numba.njit(cache=True, error_model="numpy", inline="always")
def _dc_blocked(net, state, drawn):
    """The scaled draw through the DC blocker y[t] = v[t] - v[t - 1] + R y[t - 1] (R = net.dc_pole),
    or as it is without one."""
    if net.dc_pole == ZERO:
        return drawn
    order = len(state) - EXTRA_STATE
    blocked = drawn - state[order + 2] + net.dc_pole * state[order + 3]
    state[order + 2] = drawn
    state[order + 3] = blocked
    return blocked


def teacher_forced_excitation(net, audio, condition, coefficients, source, hop, scales=None):
    """An excitation model's output params [T, C] given the true waveform [T] from its first
    sample, its conditioning [T, L, G], its frames' coefficients [frames, order], its sine at F0
    (or an empty array) and its frames' excitation scales (None: 1): the incremental path, to
    check against the model on excitation.training_pairs."""
    scales = np.ones(len(coefficients), np.float32) if scales is None else np.asarray(scales, np.float32)
    return _teacher_forced_excitation(net, audio, condition, coefficients.shape[1], *sparse_predictor(coefficients),
                                      scales, source, hop)


@numba.njit(cache=True)
def _teacher_forced_excitation(net, audio, condition, order, lags, coefficients, scales, source, hop):
    ring = np.zeros((net.ring_offsets[-1], len(net.input_bias)), np.float32)
    state = np.zeros(order + EXTRA_STATE, np.float32)
    state[order] = _mulaw_level(net, ZERO)
    work = new_workspace(net)
    params = np.empty((len(audio), len(net.head_bias2)), np.float32)
    inputs = np.empty(len(net.input_weight) // len(net.input_bias), np.float32)
    for t in range(len(audio)):
        prediction = _excitation_inputs(net, state, lags, coefficients, t // hop, source[t] if len(source) else ZERO,
                                        inputs)
        network_step(net, ring, t, inputs, condition[t], work, params[t])
        x = audio[t] - net.preemphasis * state[order + 1]
        _advance(net, state, x, _mulaw_level(net, (x - prediction) / scales[t // hop]))
        state[order + 1] = audio[t]  # the true s[t], not x + α s[t - 1] rounded
    return params
