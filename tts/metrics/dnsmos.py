"""DNSMOS P.835 (Microsoft's non-intrusive speech quality predictor, from the `speechmos` package
and its bundled ONNX models, run by onnxruntime): no reference needed, so it scores synthesized
text as well as copy-synthesis. Each of SIG (the speech), BAK (the background) and OVRL (overall)
is a predicted mean opinion score from 1 to 5. The model runs on 16 kHz audio in 9 s windows; a
shorter clip is repeated to fill one (speechmos's own convention).
"""

from dataclasses import dataclass

import numpy as np

from tts import audio
from tts.errors import TTSError

DNSMOS_RATE = 16000


@dataclass(frozen=True)
class Dnsmos:
    sig: float
    bak: float
    ovrl: float


def dnsmos(wav, sample_rate):
    """The DNSMOS of a mono waveform."""
    from speechmos import dnsmos as model  # the optional [eval] extra

    if len(wav) == 0:
        raise TTSError("cannot score an empty waveform")  # speechmos would loop forever repeating it
    wav = audio.resample(wav, orig_sr=sample_rate, target_sr=DNSMOS_RATE)
    scores = model.run(np.clip(wav, -1.0, 1.0), DNSMOS_RATE)  # it rejects samples outside [-1, 1]
    return Dnsmos(float(scores["sig_mos"]), float(scores["bak_mos"]), float(scores["ovrl_mos"]))


def mean_dnsmos(scores):
    """{dnsmos_sig, dnsmos_bak, dnsmos_ovrl}: the means of a list of Dnsmos, as reports give them."""
    return {f"dnsmos_{part}": round(float(np.mean([getattr(score, part) for score in scores])), 3)
            for part in ("sig", "bak", "ovrl")}
