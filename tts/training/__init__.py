"""The shared training loop: one config, one Task interface, one `train` for every model."""

from tts.training.checkpoints import export_weights
from tts.training.config import TrainConfig
from tts.training.task import Task
from tts.training.trainer import TrainResult, train

__all__ = ["Task", "TrainConfig", "TrainResult", "export_weights", "train"]
