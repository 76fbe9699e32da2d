"""Exponential moving average of a model's weights: smoother weights for inference."""

import torch


class EMA:
    def __init__(self, model, decay):
        self.decay = decay
        self.shadow = {key: value.detach().clone() for key, value in model.state_dict().items()}

    @torch.no_grad()
    def update(self, model):
        for key, value in model.state_dict().items():
            average = self.shadow[key]
            if average.is_floating_point():
                average.lerp_(value, 1.0 - self.decay)
            else:  # integer buffers (counters) are copied, not averaged
                average.copy_(value)

    def state_dict(self):
        return self.shadow

    def load_state_dict(self, state_dict):
        for key, value in state_dict.items():
            self.shadow[key].copy_(value)
