"""The acoustic model: phonemes, their durations and a speaker -> log-mel frames and frame F0.

FastSpeech 2 (Ren et al., 2020) with FastPitch's phoneme-level pitch: a Transformer encoder over
the phonemes, plus a speaker embedding (or a mix of them); phoneme pitch and energy, predicted
from the encoder states and embedded back into them (the true values while training); the length
regulator repeats each phoneme's state for its duration in frames; a Transformer decoder, a
linear layer to the mel and an optional residual postnet. A frame head on the decoder states gives
log-F0 (the phoneme's pitch plus a learned contour) and a voicing logit, so the parametric
vocoder gets F0 too. Speed is set upstream by the durations (DurationModel's `speed`).

    model = AcousticModel.load("exp/acoustic/acoustic.safetensors")
    mel, f0 = model.synthesize(ids, durations, speaker=3, pitch_shift=2.0)   # [frames, n_mels], [frames] Hz
"""

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from tts.acoustic.config import AcousticConfig
from tts.acoustic.layers import Postnet, Transformer, ValueEmbedding, VariancePredictor, regulate_length
from tts.checkpoint import load_model
from tts.errors import TTSError, UsageError
from tts.masking import sequence_mask
from tts.speaker_selection import speaker_weights
from tts.training.precision import autocast

KIND = "acoustic"


@dataclass
class AcousticOutput:
    mel: torch.Tensor  # [batch, frames, n_mels] decoder output, 0 past each item's frames
    postnet_mel: torch.Tensor  # [batch, frames, n_mels] mel + postnet residual (the mel itself without a postnet)
    frame_lengths: torch.Tensor  # [batch] frames per item: the sum of its durations
    pitch: torch.Tensor  # [batch, phonemes] predicted normalized phoneme pitch
    energy: torch.Tensor  # [batch, phonemes] predicted normalized phoneme energy
    log_f0: torch.Tensor  # [batch, frames] natural log of F0 in Hz
    voicing: torch.Tensor  # [batch, frames] logits, > 0 where voiced


class AcousticModel(nn.Module):
    def __init__(self, config: AcousticConfig):
        super().__init__()
        if not config.symbols or not config.speakers:
            raise TTSError("AcousticConfig needs the inventory symbols and at least one speaker")
        self.config = config
        width = config.encoder.hidden
        self.embedding = nn.Embedding(len(config.symbols), width)
        self.encoder = Transformer(config.encoder)
        self.speaker_embedding = nn.Embedding(len(config.speakers), config.speaker_dim)
        self.speaker_projection = nn.Linear(config.speaker_dim, width)
        self.pitch_predictor = VariancePredictor(width, config.variance)
        self.pitch_embedding = ValueEmbedding(width, config.variance.embedding_kernel)
        self.energy_predictor = VariancePredictor(width, config.variance)
        self.energy_embedding = ValueEmbedding(width, config.variance.embedding_kernel)
        bridge = width != config.decoder.hidden  # the decoder may be narrower or wider than the encoder
        self.decoder_input = nn.Linear(width, config.decoder.hidden) if bridge else nn.Identity()
        self.decoder = Transformer(config.decoder)
        self.mel_projection = nn.Linear(config.decoder.hidden, config.n_mels)
        self.postnet = Postnet(config.n_mels, config.postnet) if config.postnet.layers else None
        self.frame_log_f0 = nn.Linear(config.decoder.hidden, 1)
        self.frame_voicing = nn.Linear(config.decoder.hidden, 1)
        # The contour head starts at zero: frame log-F0 begins as its phoneme's pitch.
        nn.init.zeros_(self.frame_log_f0.weight)
        nn.init.zeros_(self.frame_log_f0.bias)

    def forward(self, ids, id_lengths, speakers, durations, pitch=None, energy=None, *,
                pitch_shift=0.0, energy_scale=1.0):
        """An AcousticOutput for a padded batch.

        ids, durations: [batch, phonemes] int (frames per phoneme; padding is ignored).
        speakers: [batch] int indices, or [batch, n_speakers] float weights (a mix of embeddings).
        pitch, energy: [batch, phonemes] normalized true values to embed (training), else the
        predictions are embedded. pitch_shift (semitones) and energy_scale (amplitude factor) move
        whichever values are embedded.
        """
        id_mask = sequence_mask(id_lengths, ids.shape[1])
        hidden = self.encoder(self.embedding(ids), id_mask)
        hidden = (hidden + self.speaker_projection(self._speaker_vectors(speakers))[:, None]) * id_mask[..., None]

        predicted_pitch = self.pitch_predictor(hidden, id_mask)
        used_pitch = (predicted_pitch if pitch is None else pitch) + self._pitch_offset(pitch_shift)
        hidden = hidden + self.pitch_embedding(used_pitch, id_mask)
        predicted_energy = self.energy_predictor(hidden, id_mask)
        used_energy = (predicted_energy if energy is None else energy) + self._energy_offset(energy_scale)
        hidden = hidden + self.energy_embedding(used_energy, id_mask)

        durations = durations * id_mask
        frames, frame_lengths = regulate_length(hidden, durations)
        frame_mask = sequence_mask(frame_lengths, frames.shape[1])
        states = self.decoder(self.decoder_input(frames), frame_mask)
        mel = self.mel_projection(states) * frame_mask[..., None]
        postnet_mel = mel + self.postnet(mel, frame_mask) if self.postnet is not None else mel

        frame_pitch = regulate_length((used_pitch * id_mask)[..., None], durations)[0][..., 0]
        contour = self.frame_log_f0(states)[..., 0]
        log_f0 = (self.config.pitch_mean + self.config.pitch_std * (frame_pitch + contour)) * frame_mask
        voicing = self.frame_voicing(states)[..., 0] * frame_mask
        return AcousticOutput(mel, postnet_mel, frame_lengths, predicted_pitch, predicted_energy, log_f0, voicing)

    @torch.no_grad()
    def synthesize(self, ids, durations, speaker, *, pitch_shift=0.0, energy_scale=1.0):
        """(mel [frames, n_mels] float32, f0 [frames] Hz with 0 where unvoiced) for one utterance.

        speaker: an index, an id, an {index or id: weight} mix, or [n_speakers] weights (normalized here).
        """
        [result] = self.synthesize_batch(
            [ids], [durations], [speaker], pitch_shift=pitch_shift, energy_scale=energy_scale
        )
        return result

    @torch.no_grad()
    def synthesize_batch(self, ids, durations, speakers, *, pitch_shift=0.0, energy_scale=1.0, dtype=None):
        """[(mel, f0)] for several utterances run as one padded batch; arguments are lists.

        dtype: torch.bfloat16 runs the model under bf16 autocast (about twice as fast on CPUs with
        native bf16; the model trains that way), None in float32.
        """
        if not len(ids) == len(durations) == len(speakers):
            raise UsageError(f"got {len(ids)} id sequences, {len(durations)} durations, {len(speakers)} speakers")
        device = next(self.parameters()).device
        ids = [self._checked_ids(sequence) for sequence in ids]
        durations = [_checked_durations(frames, len(sequence)) for frames, sequence in zip(durations, ids)]
        lengths = torch.tensor([len(sequence) for sequence in ids], device=device)
        weights = np.stack([speaker_weights(speaker, self.config.speakers) for speaker in speakers])
        weights = torch.tensor(weights, dtype=torch.float32, device=device)
        with autocast(dtype, torch.device(device)):
            out = self(_padded(ids, device), lengths, weights, _padded(durations, device),
                       pitch_shift=pitch_shift, energy_scale=energy_scale)
        results = []
        for index, n in enumerate(out.frame_lengths.tolist()):
            voiced = out.voicing[index, :n] > 0
            f0 = torch.where(voiced, out.log_f0[index, :n].float().exp(), torch.zeros_like(voiced, dtype=torch.float32))
            results.append((out.postnet_mel[index, :n].float().cpu().numpy(), f0.cpu().numpy()))
        return results

    @classmethod
    def load(cls, path, *, spec=None):
        """A model in eval mode; `model.spec` is the FeatureSpec of the mels it makes."""
        return load_model(cls, AcousticConfig, path, kind=KIND, spec=spec)

    def _speaker_vectors(self, speakers):
        if speakers.is_floating_point():
            return speakers @ self.speaker_embedding.weight
        return self.speaker_embedding(speakers)

    def _pitch_offset(self, semitones):
        return semitones * math.log(2.0) / 12.0 / self.config.pitch_std

    def _energy_offset(self, scale):
        if not scale > 0:
            raise UsageError(f"energy_scale must be positive, got {scale!r}")
        return math.log(scale) / self.config.energy_std

    def _checked_ids(self, ids):
        ids = np.asarray(ids, dtype=np.int64)
        if ids.ndim != 1 or len(ids) == 0:
            raise UsageError(f"expected a non-empty 1-D sequence of phoneme ids, got shape {ids.shape}")
        if ids.min() < 0 or ids.max() >= len(self.config.symbols):
            raise UsageError(f"phoneme ids must lie in 0..{len(self.config.symbols) - 1}, got {ids.min()}..{ids.max()}")
        return ids


def _checked_durations(durations, n_phonemes):
    durations = np.asarray(durations)
    if durations.shape != (n_phonemes,):
        raise UsageError(f"expected {n_phonemes} durations (one per phoneme), got shape {durations.shape}")
    if not np.issubdtype(durations.dtype, np.integer) or durations.min() < 0 or durations.sum() == 0:
        raise UsageError("durations must be non-negative whole frames with at least one frame in all")
    return durations.astype(np.int64)


def _padded(sequences, device):
    """[batch, longest] int64 tensor of 1-D arrays, zero-padded (id 0 is PAD; duration 0 is no frames)."""
    out = torch.zeros(len(sequences), max(len(s) for s in sequences), dtype=torch.int64)
    for row, sequence in enumerate(sequences):
        out[row, : len(sequence)] = torch.from_numpy(sequence)
    return out.to(device)
