"""The aligner: where each phoneme sits in the mel spectrogram, learned from transcribed audio.

RAD-TTS style ("One TTS Alignment to Rule Them All"): a text encoder turns phonemes into keys, a
mel encoder turns frames into queries, and each frame's soft alignment is a softmax over the text
positions of the negative scaled squared distance between its query and every key, plus the log of
a diagonal beta-binomial prior. Training maximizes the forward-sum likelihood of all monotonic
paths (losses.py); hard durations come from monotonic alignment search over the soft alignment
(mas.py).

    aligner = Aligner.load("exp/aligner/aligner.safetensors")
    log_attention = aligner(ids, id_lengths, mels, mel_lengths, speakers)   # [batch, frames, tokens]
"""

from dataclasses import dataclass, field

import torch
from torch import nn

from frontends.aligner.layers import ConvStack, ConvStackConfig, channel_mask
from frontends.aligner.prior import log_beta_binomial_prior
from frontends.inventory import Inventory
from tts.checkpoint import load_model

KIND = "aligner"


@dataclass
class AlignerConfig:
    symbols: tuple[str, ...] = ()  # the phoneme inventory, in id order; set from it when training starts
    inventory_version: str = ""
    speakers: tuple[str, ...] = ()  # speaker ids in embedding order; empty = no speaker embedding
    n_mels: int = 64  # set from the FeatureSpec when training starts
    attention_dim: int = 80  # size of the keys and queries whose distances make the attention
    # Kernel size 1 on both sides: context lets the encoders shift their features by a frame or a
    # phoneme at no cost to the loss, and boundaries drift (measured on the bootstrap corpus).
    text_encoder: ConvStackConfig = field(default_factory=lambda: ConvStackConfig(kernel_size=1))
    mel_encoder: ConvStackConfig = field(default_factory=lambda: ConvStackConfig(kernel_size=1))
    speaker_dim: int = 64  # speaker embedding added to the mel encoder; unused with one speaker
    # Fixed symmetric context for the frame-wise mel encoder: regression deltas over +-N frames
    # appended to the mels (0 = none; runs default to 1, task.py). Unlike a learned kernel, they
    # cannot shift a frame's features.
    mel_deltas: int = 0
    temperature: float = 0.0005  # scales the squared distances before the softmax (RAD-TTS)
    prior_scaling: float = 1.0  # width of the diagonal prior; larger is narrower

    @property
    def inventory(self):
        return Inventory(self.symbols, self.inventory_version)


class Aligner(nn.Module):
    def __init__(self, config: AlignerConfig):
        super().__init__()
        self.config = config
        text_width = config.text_encoder.channels
        self.embedding = nn.Embedding(len(config.symbols), text_width)
        self.text_encoder = ConvStack(text_width, config.attention_dim, config.text_encoder)
        mel_inputs = config.n_mels * (2 if config.mel_deltas else 1)
        self.mel_encoder = ConvStack(mel_inputs, config.attention_dim, config.mel_encoder)
        # one speaker needs no table; several get one, projected to the mel encoder's width
        self.speaker_embedding = (
            nn.Embedding(len(config.speakers), config.speaker_dim) if len(config.speakers) > 1 else None
        )
        self.speaker_projection = (
            nn.Linear(config.speaker_dim, config.mel_encoder.channels) if self.speaker_embedding else None
        )

    def forward(self, ids, id_lengths, mels, mel_lengths, speakers):
        """Log soft alignment [batch, max_frames, max_ids]: each frame's log-softmax over the tokens
        of the scaled negative distances, plus the log prior (-inf beyond each item's tokens).

        ids [batch, max_ids] int, mels [batch, max_frames, n_mels], speakers [batch] int.
        """
        text_mask = channel_mask(id_lengths, ids.shape[1])
        mel_mask = channel_mask(mel_lengths, mels.shape[1])
        keys = self.text_encoder(self.embedding(ids).transpose(1, 2), text_mask)
        condition = None
        if self.speaker_embedding is not None:
            condition = self.speaker_projection(self.speaker_embedding(speakers))[:, :, None]
        features = _normalize(mels, mel_mask).transpose(1, 2)
        if self.config.mel_deltas:
            features = torch.cat([features, _deltas(features, self.config.mel_deltas) * mel_mask], dim=1)
        queries = self.mel_encoder(features, mel_mask, condition)
        distances = _squared_distances(queries, keys)  # [batch, frames, tokens]
        scores = (-self.config.temperature * distances).masked_fill(text_mask == 0, float("-inf"))
        prior = log_beta_binomial_prior(id_lengths, mel_lengths, scaling=self.config.prior_scaling)
        # the prior joins after the softmax, as in RAD-TTS: normalizing again with it inside lets
        # training fall into alignments where one token takes most frames
        return scores.log_softmax(dim=-1) + prior.to(scores.device)

    @classmethod
    def load(cls, path, *, spec=None):
        """An aligner in eval mode from a weights file, with the FeatureSpec it was trained for."""
        return load_model(cls, AlignerConfig, path, kind=KIND, spec=spec)


def _normalize(mels, mel_mask):
    """Per-utterance, per-band mean and variance normalization over the valid frames: the engines'
    levels and channels differ, and where a phoneme is depends on the shape, not the level."""
    mask = mel_mask.transpose(1, 2)  # [batch, frames, 1]
    count = mask.sum(dim=1, keepdim=True).clamp(min=1)
    mean = (mels * mask).sum(dim=1, keepdim=True) / count
    variance = (((mels - mean) * mask) ** 2).sum(dim=1, keepdim=True) / count
    return (mels - mean) / torch.sqrt(variance + 1e-5) * mask


def _deltas(features, width):
    """Regression deltas [batch, channels, frames] over +-`width` frames, edges replicated."""
    weights = torch.arange(-width, width + 1, dtype=features.dtype, device=features.device)
    weights = weights / (2 * (weights[width + 1 :] ** 2).sum())
    padded = torch.nn.functional.pad(features, (width, width), mode="replicate")
    kernel = weights.repeat(features.shape[1], 1, 1)  # conv1d correlates: d[t] = sum_n n c[t+n] / norm
    return torch.nn.functional.conv1d(padded, kernel, groups=features.shape[1])


def _squared_distances(queries, keys):
    """||q - k||² for every (frame, token) pair without the [batch, dim, frames, tokens] tensor."""
    q_norm = (queries**2).sum(dim=1)[:, :, None]
    k_norm = (keys**2).sum(dim=1)[:, None, :]
    return (q_norm + k_norm - 2 * torch.bmm(queries.transpose(1, 2), keys)).clamp(min=0)
