"""The codes' spectral envelope: what makes a decoded note's timbre follow its codes.

With the period predictor alone (period.py), a decoder's past and the note's period explain most
of each sample, and after 1,000 CPU steps the decoder all but ignored the codes: five mixes of two
notes decoded to one spectral centroid (BENCHMARKS.md). A head trained to predict each frame's
log-mel from learnt codes did not help: after 500 steps its error was still 1.8 nats a band, worse
than a linear fit of the same codes. So the codes now carry the envelope itself: each code is the
encoder's learnt values, then the frame's log-mel in `envelope_mels` bands (the analysis a vocoder's
mel is, at the code rate), and the decoder's predictor is the LPC of that envelope (tts.lpc, as the
excitation vocoder makes from a mel) followed by the period's, as a CELP codec cascades its
short-term and long-term predictors. What the decoder draws is filtered by the codes' envelope, so
mixing two notes' codes mixes their envelopes from the first training step on (LPCNet's and
ExcitNet's split between a filter the features give and an excitation the network draws). The
draws are also normalized by the level of the residual the envelope's filter leaves, as a CELP
codec scales its codebook excitation by a gain per subframe: without that, the loop of a period
predictor near 1 kept whatever an early decoder drew, and its notes ran to the clip and held on
past their release (BENCHMARKS.md).

The cascade is one predictor over the pre-emphasized signal x: with A(z) = 1 - Σ a[k-1] z^-k the
envelope's analysis filter and B(z) = 1 - Σ b[j-1] z^-j the period's, A(z) B(z) leaves the residual
both leave, so the combined coefficients are a + b - a ∗ b (a convolution), of order len(a) + len(b).
"""

import numpy as np
import torch

from tts.features import FeatureSpec
from tts.lpc import lpc_from_mel
from tts.mel import mel_numpy

# The excitation's scale over the level of what the envelope's filter leaves: on training crops
# (onsets included) the residual the cascade leaves was about 1.5 times that level; at 4, 3.7 % of
# the normalized residual falls outside μ-law's [-1, 1] (at 8, 0.4 %), and an early decoder's broad
# draws, which the period's loop accumulates, stay half as loud (its notes ran 3 to 5 times louder
# than their input at 8: BENCHMARKS.md).
HEADROOM = 4.0
# the least scale: silence's envelope would otherwise divide rounding noise by ~1e-6; at 1e-3
# (-60 dB) a silent frame's draws stay inaudible
SCALE_FLOOR = 1e-3


def envelope_spec(config):
    """The FeatureSpec of an AutoencoderConfig's envelope: one mel frame per code frame (a window
    of two hops, centred on the frame's hop), up to Nyquist."""
    hop = config.encoder.hop
    return FeatureSpec(sample_rate=config.sample_rate, n_fft=2 * hop, hop_length=hop, win_length=2 * hop,
                       n_mels=config.envelope_mels, fmin=0.0, fmax=config.sample_rate / 2)


def frame_envelopes(config, padded_note, first_sample, frames):
    """The envelopes [frames, envelope_mels] (float32 log-mel) of `frames` code frames from
    `first_sample` of a note set in silence (`padded_note`, with at least one hop either side)."""
    hop = config.encoder.hop
    # one extra hop each side, so that every frame's window reads the note, not a reflection
    span = padded_note[first_sample - hop : first_sample + (frames + 1) * hop]
    return mel_numpy(span, envelope_spec(config))[1:-1]


def note_envelopes(config, wav, frames):
    """The envelopes [frames, envelope_mels] of a waveform's code frames, silence after its end."""
    hop = config.encoder.hop
    return frame_envelopes(config, np.pad(wav, (hop, (frames + 1) * hop - len(wav))), hop, frames)


def cascaded_predictor(config, envelope, period):
    """(the decoder's predictor [..., frames, order], its excitation scales [..., frames]), float32,
    from envelopes [..., frames, envelope_mels] and the period predictor [..., period_order]
    (period.py, empty without one): the envelope's LPC cascaded with the period's, and the level of
    the residual the envelope's filter leaves (times HEADROOM, floored at SCALE_FLOOR), by which
    the decoder's excitation is normalized."""
    with torch.no_grad():
        prediction = lpc_from_mel(envelope.detach().double(), envelope_spec(config), order=config.envelope_order,
                                  preemphasis=config.preemphasis)
        a = prediction.coefficients
        b = period.double()[..., None, :].expand(*a.shape[:-1], period.shape[-1])
        combined = torch.nn.functional.pad(a, (0, b.shape[-1])) + torch.nn.functional.pad(b, (0, a.shape[-1]))
        for k in range(a.shape[-1]):  # a[k] (lag k + 1) times b[j] (lag j + 1) is at lag k + j + 2
            combined[..., k + 1 : k + 1 + b.shape[-1]] -= a[..., k : k + 1] * b
        return combined.float(), (HEADROOM * prediction.gain).clamp(min=SCALE_FLOOR).float()
