"""The NSynth-style WaveNet autoencoder: the temporal encoder (encoder.py) turns a note into codes,
and this toolkit's conditional WaveNet (vocoders.wavenet) decodes them, reading the codes, and
optionally the note's pitch as a one-hot, where the vocoder reads a mel.

    model = WaveNetAutoencoder(AutoencoderConfig())
    params = model(encoder_input, previous, pitch, frame_mask)   # teacher-forced, for training

The decoder is a vocoders.wavenet.model.WaveNet, so generation is the vocoder's own numba kernel
(codec.py runs vocoders.wavenet.generate.WaveNetGenerator on the decoder). With period prediction
(the default, period.py) it is an excitation WaveNet whose predictor is the note's period instead
of linear prediction from a mel: `previous` is then its inputs (task.decoder_pairs)."""

import torch
import torch.nn.functional as F
from torch import nn

from music.nsynth.config import PITCHES, AutoencoderConfig
from music.nsynth.encoder import Encoder
from tts.checkpoint import load_model
from vocoders.wavenet.model import WaveNet
from vocoders.wavenet.upsample import upsample_context

KIND = "nsynth-autoencoder"


def decoder_context(config):
    """Code frames either side of a decoded span that its conditioning depends on."""
    return upsample_context(config.decoder.conditioning.upsample_scales)


class WaveNetAutoencoder(nn.Module):
    def __init__(self, config: AutoencoderConfig):
        super().__init__()
        self.config = config
        self.encoder = Encoder(config.encoder)
        self.decoder = WaveNet(config.decoder)

    @property
    def context(self):
        return decoder_context(self.config)

    def decoder_input(self, codes, pitch=None):
        """The decoder's frame-rate conditioning [batch, frames, conditioning_dim]: the codes
        [batch, frames, code_dim], then the pitch one-hot when the model reads one. pitch: MIDI
        notes [batch] (int), or weights over the 128 notes [batch, 128] (a morph between two)."""
        if not self.config.pitch_conditioning:
            return codes
        if pitch is None:
            raise ValueError("this autoencoder decodes at a pitch: pass one")
        weights = pitch.float() if pitch.is_floating_point() else F.one_hot(pitch, PITCHES).float()
        return torch.cat([codes, weights[:, None].expand(-1, codes.shape[1], -1).to(codes.dtype)], dim=-1)

    def forward(self, encoder_input, previous, pitch, frame_mask):
        """Decoder output params [batch, frames * hop, channels] of a span of frames, teacher-forced.

        encoder_input [batch, (frames + 2 * context) * hop + 2 * reach]: the silence-padded note
        around the span's frames and `context` frames either side (encoder.py); previous [batch,
        frames * hop]: the span's samples shifted right by one, μ-law quantized (or, with a period
        predictor, the excitation inputs [batch, frames * hop, 3] of task.decoder_pairs); frame_mask [batch,
        frames + 2 * context]: 0 for frames beyond the note, whose conditioning is zero, as in
        generation."""
        condition = self.decoder_input(self.encoder(encoder_input), pitch)
        return self.decoder(previous, condition, frame_mask=frame_mask, context=self.context)

    @classmethod
    def load(cls, path):
        return load_model(cls, AutoencoderConfig, path, kind=KIND)
