"""A tiny autoencoder for the tests: the default's shape, a hundredth of its size (codes of 4
values every 64 samples), as a config and as `tts nsynth train` overrides."""

from music.nsynth.config import AutoencoderConfig, EncoderConfig
from vocoders.wavenet.config import ConditioningConfig, StackConfig, WaveNetConfig


def tiny_autoencoder_config(*, pitch_conditioning=True, preemphasis=0.85):
    return AutoencoderConfig(
        encoder=EncoderConfig(layers=3, cycle=3, channels=8, code_dim=4, hop=64),
        decoder=WaveNetConfig(
            stack=StackConfig(layers=4, cycle=4, residual_channels=8, gate_channels=16, skip_channels=8),
            conditioning=ConditioningConfig(upsample_scales=(4, 4, 4)),
        ),
        pitch_conditioning=pitch_conditioning,
        period_prediction=pitch_conditioning,  # the period comes from the pitch
        preemphasis=preemphasis,
        # the codes' envelope rides on the predictor, so the plain decoder has neither
        envelope_mels=4 if pitch_conditioning else 0, envelope_order=8,
    )


TINY_AUTOENCODER_OVERRIDES = [
    "model.encoder.layers=3", "model.encoder.cycle=3", "model.encoder.channels=8", "model.encoder.code_dim=4",
    "model.encoder.hop=64", "model.decoder.stack.layers=4", "model.decoder.stack.cycle=4",
    "model.decoder.stack.residual_channels=8", "model.decoder.stack.gate_channels=16",
    "model.decoder.stack.skip_channels=8", "model.decoder.conditioning.upsample_scales=[4, 4, 4]",
    "model.envelope_mels=4", "model.envelope_order=8",
]
TINY_NSYNTH_TRAINING = ["train.batch_size=4", "train.warmup_steps=0", "train.lr=0.01", "train.eval_every=50",
                        "train.checkpoint_every=50", "train.progress_bar=false", "data.window=512",
                        "data.held_out_notes=4"]
