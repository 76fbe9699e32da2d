"""Task: what one trainable stage (aligner, duration, acoustic, vocoder...) gives the loop."""

import abc

from torch.utils.data import default_collate


class Task(abc.ABC):
    """Subclasses set these attributes (usually in __init__) and implement the methods below.

    kind          the model kind written into checkpoints ("acoustic", "wavenet", ...); loaders check it
    model_config  the model's config dataclass, saved (as JSON) into every checkpoint
    dataset       a map-style dataset: len(dataset) and dataset[i] -> one sample
    spec          the FeatureSpec the model was trained for, or None for models without audio features
    """

    spec = None
    # Per-item lengths, when given, bucket batches by length (tts/training/sampler.py): less padding.
    lengths = None
    # DDP must be told when some parameters get no gradient in a step (e.g. unused speaker tables).
    find_unused_parameters = False

    @abc.abstractmethod
    def build_model(self):
        """A fresh torch.nn.Module; called under the run's seed, so initialization is reproducible."""

    def collate(self, samples):
        """Samples -> one batch (tensors nested in dicts, lists, tuples or dataclasses)."""
        return default_collate(samples)

    def describe(self):
        """One line printed as a run starts (tts.training.stage): what is trained, on how much."""
        parameters = sum(p.numel() for p in self.build_model().parameters())
        return f"{self.kind} model: {parameters:,} parameters, {len(self.dataset):,} training items"

    def evaluate(self, model):
        """{figure: value} of `model` (in eval mode, under no_grad) on the task's held-out items,
        called every train.eval_every steps on rank 0 (tts/training/evaluations.py); None for a task
        that scores its held-out items only once trained."""
        return None

    @abc.abstractmethod
    def loss(self, model, batch):
        """(scalar loss tensor, {name: scalar} to log). Call `model(...)`, not its other methods:
        under DDP `model` is the wrapper, and only its forward synchronizes gradients."""
