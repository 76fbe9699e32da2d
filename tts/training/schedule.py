"""Learning rate as a pure function of the step, so resuming needs no scheduler state beyond the step."""

import math


def learning_rate(step, config):
    """LR for the update made at `step` (0-based): linear warmup, then the configured decay."""
    if step < config.warmup_steps:
        return config.lr * (step + 1) / config.warmup_steps
    return config.lr * _decay_factor(step, config)


def _decay_factor(step, config):
    if config.lr_decay == "constant":
        return 1.0
    if config.lr_decay == "inverse_sqrt":  # the Transformer/FastSpeech "Noam" tail
        return math.sqrt(max(config.warmup_steps, 1) / (step + 1))
    decay_steps = max(config.max_steps - config.warmup_steps, 1)
    progress = min((step - config.warmup_steps) / decay_steps, 1.0)
    if config.lr_decay == "linear":
        shape = 1.0 - progress
    else:  # cosine
        shape = 0.5 * (1.0 + math.cos(math.pi * progress))
    return config.min_lr_ratio + (1.0 - config.min_lr_ratio) * shape
