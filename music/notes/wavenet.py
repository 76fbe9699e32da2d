"""The note-level WaveNet: the vocoder's dilated causal layers (vocoders.wavenet.model) over token
embeddings instead of audio samples, with no conditioning, and a softmax over the tokens.

    model = NoteWaveNet(NoteWaveNetConfig())
    logits = model(tokens)   # [batch, time, vocabulary]; position t predicts token t + 1

The embedding is a Linear on one-hot tokens (a lookup while training), the form in which the
vocoder's incremental generator (vocoders.wavenet.incremental) steps it one token at a time.
"""

import torch.nn.functional as F
from torch import nn

from music.notes.config import NoteWaveNetConfig
from tts.checkpoint import load_model
from vocoders.wavenet.model import ResidualLayer, run_layers

KIND = "note-wavenet"


class NoteWaveNet(nn.Module):
    def __init__(self, config: NoteWaveNetConfig):
        super().__init__()
        self.config = config
        stack = config.stack
        self.input = nn.Linear(config.vocabulary, stack.residual_channels)
        self.layers = nn.ModuleList(ResidualLayer(stack, dilation) for dilation in stack.dilations)
        self.head = nn.Sequential(
            nn.ReLU(),
            nn.Linear(stack.skip_channels, stack.skip_channels),
            nn.ReLU(),
            nn.Linear(stack.skip_channels, config.vocabulary),
        )

    @property
    def receptive_field(self):
        return self.config.stack.receptive_field

    def forward(self, tokens):
        """Logits [batch, time, vocabulary] of the token after each of tokens [batch, time]."""
        x = F.embedding(tokens, self.input.weight.t()) + self.input.bias
        return run_layers(self.layers, self.head, x)

    @classmethod
    def load(cls, path):
        return load_model(cls, NoteWaveNetConfig, path, kind=KIND)
