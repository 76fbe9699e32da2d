"""FeatureSpec: the one description of the mel features that every model and vocoder agrees on.

Defaults follow the HiFi-GAN / Tacotron 2 convention (22.05 kHz, 1024-point FFT, hop 256, 80 mels
from 0 to 8 kHz, natural log floored at 1e-5) so that features interoperate with those models.
Every checkpoint embeds its spec; pairing components with different specs fails with an error that
names the differing fields.
"""

import dataclasses
import math
from dataclasses import dataclass

from tts.errors import SpecMismatchError, TTSError

LOG_BASES = {"e": math.e, "10": 10.0}


@dataclass(frozen=True)
class FeatureSpec:
    sample_rate: int = 22050
    n_fft: int = 1024
    hop_length: int = 256
    win_length: int = 1024
    n_mels: int = 80
    fmin: float = 0.0
    fmax: float = 8000.0
    log_base: str = "e"
    log_floor: float = 1e-5

    def __post_init__(self):
        for name in ("sample_rate", "n_fft", "hop_length", "win_length", "n_mels"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise TTSError(f"FeatureSpec.{name} must be a positive integer, got {value!r}")
        if self.win_length > self.n_fft:
            raise TTSError(f"FeatureSpec.win_length ({self.win_length}) exceeds n_fft ({self.n_fft})")
        if self.hop_length > self.win_length:
            raise TTSError(f"FeatureSpec.hop_length ({self.hop_length}) exceeds win_length ({self.win_length})")
        if not 0 <= self.fmin < self.fmax <= self.sample_rate / 2:
            raise TTSError(
                f"FeatureSpec needs 0 <= fmin < fmax <= sample_rate/2, got fmin={self.fmin} "
                f"fmax={self.fmax} sample_rate={self.sample_rate}"
            )
        if self.log_base not in LOG_BASES:
            raise TTSError(f"FeatureSpec.log_base must be one of {sorted(LOG_BASES)}, got {self.log_base!r}")
        if not self.log_floor > 0:
            raise TTSError(f"FeatureSpec.log_floor must be positive, got {self.log_floor!r}")

    @property
    def frame_seconds(self):
        return self.hop_length / self.sample_rate

    def n_frames(self, n_samples):
        """Frames that `mel` returns for a clip of `n_samples` (one per full hop)."""
        return n_samples // self.hop_length

    def to_dict(self):
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data):
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise TTSError(f"unknown FeatureSpec fields {unknown}; known fields are {sorted(known)}")
        values = dict(data)
        for name in ("fmin", "fmax", "log_floor"):
            if name in values:
                values[name] = float(values[name])
        return cls(**values)

    def differences(self, other):
        """Human-readable `field: mine != theirs` for every field that differs."""
        return [
            f"{f.name}: {getattr(self, f.name)!r} != {getattr(other, f.name)!r}"
            for f in dataclasses.fields(self)
            if getattr(self, f.name) != getattr(other, f.name)
        ]

    def require_same(self, other, *, what):
        """Raise SpecMismatchError naming every differing field; `what` says which pair was joined."""
        diffs = self.differences(other)
        if diffs:
            raise SpecMismatchError(f"FeatureSpec mismatch between {what}: " + "; ".join(diffs))
