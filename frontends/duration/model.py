"""The duration model: how many mel frames each phoneme lasts, per speaker.

Phoneme embeddings plus a speaker embedding go through a masked convolution stack that predicts
log(1 + frames) per phoneme (FastSpeech's duration predictor on its own, trained on the aligner's
durations). At inference the predictions are scaled by 1 / speed and rounded so that every phoneme
gets at least one frame and the total follows the scaled sum (see `frames_from_log_durations`).

    model = DurationModel.load("exp/duration/duration.safetensors")
    frames = model.predict(ids, "p225", speed=1.0)           # int64 [n_phonemes]
"""

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from frontends.aligner.layers import ConvStack, ConvStackConfig, channel_mask
from frontends.inventory import Inventory
from tts.checkpoint import load_model
from tts.errors import TTSError, UsageError
from tts.speaker_selection import speaker_weights

KIND = "duration"


@dataclass
class DurationConfig:
    symbols: tuple[str, ...] = ()  # the phoneme inventory, in id order; set from it when training starts
    inventory_version: str = ""
    speakers: tuple[str, ...] = ()  # speaker ids in embedding order
    embedding_dim: int = 128  # phoneme embedding width (the encoder's input)
    speaker_dim: int = 64  # speaker embedding, projected and added after the first conv block
    # three kernel-5 layers see 6 phonemes either side: enough for phrase-final lengthening cues
    encoder: ConvStackConfig = field(default_factory=lambda: ConvStackConfig(channels=192, kernel_size=5, layers=3))

    @property
    def inventory(self):
        return Inventory(self.symbols, self.inventory_version)


class DurationModel(nn.Module):
    def __init__(self, config: DurationConfig):
        super().__init__()
        if not config.symbols or not config.speakers:
            raise TTSError("DurationConfig needs the inventory symbols and at least one speaker")
        self.config = config
        self.embedding = nn.Embedding(len(config.symbols), config.embedding_dim)
        self.speaker_embedding = nn.Embedding(len(config.speakers), config.speaker_dim)
        self.speaker_projection = nn.Linear(config.speaker_dim, config.encoder.channels)
        self.encoder = ConvStack(config.embedding_dim, 1, config.encoder)

    def forward(self, ids, lengths, speakers):
        """Predicted log(1 + frames) [batch, max_phonemes]; 0 beyond each length.

        speakers: [batch] int indices, or [batch, n_speakers] float weights (a mix of embeddings).
        """
        mask = channel_mask(lengths, ids.shape[1])
        if speakers.is_floating_point():
            embedded = speakers @ self.speaker_embedding.weight
        else:
            embedded = self.speaker_embedding(speakers)
        condition = self.speaker_projection(embedded)[:, :, None]
        return self.encoder(self.embedding(ids).transpose(1, 2), mask, condition)[:, 0]

    @torch.no_grad()
    def predict(self, ids, speaker, *, speed=1.0):
        """Frames per phoneme (int64 numpy) for one utterance's ids at `speed` (2 = twice as fast).

        speaker: an index (3), an id ("p225") or a mix ({3: 0.7, "p230": 0.3}).
        """
        device = next(self.parameters()).device
        ids = torch.as_tensor(np.asarray(ids, dtype=np.int64), device=device)[None]
        weights = torch.as_tensor(speaker_weights(speaker, self.config.speakers), dtype=torch.float32, device=device)[None]
        log_durations = self(ids, torch.tensor([ids.shape[1]], device=device), weights)[0]
        return frames_from_log_durations(log_durations.cpu().numpy(), speed=speed)

    @classmethod
    def load(cls, path, *, spec=None):
        """A model in eval mode; `model.spec` is the FeatureSpec whose frames it predicts."""
        return load_model(cls, DurationConfig, path, kind=KIND, spec=spec)


def frames_from_log_durations(log_durations, *, speed=1.0):
    """Integer frames from predicted log(1 + frames), scaled by 1 / speed.

    Each phoneme gets at least one frame; the rest is rounded on the running total (the boundary
    after phoneme k is round(sum of the first k scaled durations)), so rounding errors do not pile
    up and the total scales with 1 / speed.
    """
    if not speed > 0:
        raise UsageError(f"speed must be positive, got {speed!r}")
    scaled = np.maximum(np.expm1(np.asarray(log_durations, dtype=np.float64)) / speed, 1.0)
    boundaries = np.floor(np.cumsum(scaled) + 0.5).astype(np.int64)  # each step >= 1, so each frame count >= 1
    return np.diff(boundaries, prepend=0)
