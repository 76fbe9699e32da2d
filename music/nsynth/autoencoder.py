"""The NSynth-style WaveNet autoencoder: the temporal encoder (encoder.py) turns a note into codes,
and this toolkit's conditional WaveNet (vocoders.wavenet) decodes them, reading the codes, and
optionally the note's pitch as a one-hot, where the vocoder reads a mel.

    model = WaveNetAutoencoder(AutoencoderConfig())
    params, target = model(encoder_input, envelope, signal, pitch, period, frame_mask)   # teacher-forced

The decoder is a vocoders.wavenet.model.WaveNet, so generation is the vocoder's own numba kernel
(codec.py runs vocoders.wavenet.generate.WaveNetGenerator on the decoder). With period prediction
(the default, period.py) and the codes' envelope (envelope.py) it is an excitation WaveNet whose
predictor is the envelope's LPC cascaded with the note's period instead of linear prediction from
a mel. A code is the encoder's learnt values, then the frame's envelope (a log-mel in a few bands)."""

import torch
import torch.nn.functional as F
from torch import nn

from music.nsynth.config import PITCHES, AutoencoderConfig
from music.nsynth.encoder import Encoder
from music.nsynth.envelope import cascaded_predictor
from tts.checkpoint import load_model
from vocoders.wavenet.excitation import history_samples, training_pairs
from vocoders.wavenet.model import WaveNet
from vocoders.wavenet.mulaw import mulaw_quantize
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
        [batch, frames, code_size], then the pitch one-hot when the model reads one. pitch: MIDI
        notes [batch] (int), or weights over the 128 notes [batch, 128] (a morph between two)."""
        if not self.config.pitch_conditioning:
            return codes
        if pitch is None:
            raise ValueError("this autoencoder decodes at a pitch: pass one")
        weights = pitch.float() if pitch.is_floating_point() else F.one_hot(pitch, PITCHES).float()
        return torch.cat([codes, weights[:, None].expand(-1, codes.shape[1], -1).to(codes.dtype)], dim=-1)

    def predictor(self, codes, period):
        """(the decoder's predictor coefficients [batch, frames, predictor_order], its excitation
        scales [batch, frames] or None) at codes [batch, frames, code_size] and the period predictor
        [batch, period_order] (empty without one): the codes' envelope cascaded with the period
        (envelope.py), or the period's alone in every frame, unscaled; None for a plain decoder."""
        config = self.config
        if config.envelope_mels:
            return cascaded_predictor(config, codes[..., config.encoder.code_dim :], period)
        if config.period_prediction:
            return period[:, None].expand(-1, codes.shape[1], -1).float(), None
        return None

    def forward(self, encoder_input, envelope, signal, pitch, period, frame_mask, noise=None):
        """(decoder output params [batch, frames * hop, channels], the targets they predict
        [batch, frames * hop]) of a span of frames, teacher-forced.

        encoder_input [batch, (frames + 2 * context) * hop + 2 * reach]: the silence-padded note
        around the span's frames and `context` frames either side (encoder.py); envelope [batch,
        frames + 2 * context, envelope_mels]: those frames' envelopes (envelope.py); signal [batch,
        history + frames * hop]: the samples the decoder's inputs reach back to
        (excitation.history_samples), then the span's; period [batch, period_order]: the period
        predictor (period.py); frame_mask [batch, frames + 2 * context]: 0 for frames beyond the
        note, whose conditioning is zero, as in generation; noise [batch, frames * hop + 1]: μ-law
        levels to move the past's draws by (noise injection, decoder_pairs), or None."""
        codes = torch.cat([self.encoder(encoder_input), envelope.to(encoder_input.dtype)], dim=-1)
        previous, target = self.decoder_pairs(codes, signal, period, noise)
        params = self.decoder(previous, self.decoder_input(codes, pitch), frame_mask=frame_mask, context=self.context)
        return params, target

    def decoder_pairs(self, codes, signal, period, noise=None):
        """(what the decoder reads, what it predicts) over a span: the samples shifted right by one,
        μ-law quantized, and the samples; or with a predictor, the excitation model's inputs and
        the residual the predictor leaves, normalized by the envelope's level
        (vocoders.wavenet.excitation.training_pairs), the predictor made of the frame before the
        span's first and the span's frames. With `noise`, the past the decoder reads is moved by
        that many μ-law levels of its normalized draws, and the target leads back to the true note
        (LPCNet's noise injection): generation reads back its own imperfect draws, which the period's
        loop keeps for periods."""
        config, context = self.config, self.context
        channels = config.decoder.output.mulaw_channels
        span = signal.shape[1] - history_samples(config.decoder.excitation)
        if not config.predictor_order:
            return mulaw_quantize(signal[:, :-1], channels), signal[:, 1:]
        hop = config.encoder.hop
        coefficients, scale = self.predictor(codes[:, context - 1 : context + span // hop], period)
        return training_pairs(signal, coefficients, excitation=config.decoder.excitation, hop=hop, channels=channels,
                              scale=scale, noise=noise)

    @classmethod
    def load(cls, path):
        return load_model(cls, AutoencoderConfig, path, kind=KIND)
