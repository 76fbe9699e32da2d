"""The baseline of the music WaveNet: a sample-level LSTM. Each sample's μ-law class is embedded (plus
the instrument's embedding, when the corpus names instruments), run through stacked LSTM layers,
and a softmax over the μ-law classes gives the next sample. The default's size matches the default
music WaveNet's parameter count (music.raw.config).

    model = SampleLSTM(SampleLSTMConfig())
    logits = model(classes, instrument)                 # [batch, time, classes]; t predicts sample t + 1
    logits, state = model.step(classes, instrument, state)   # the same, carrying the state (generation)
"""

from torch import nn

from music.raw.config import SampleLSTMConfig
from tts.checkpoint import load_model
from tts.training.precision import lstm_in_float32

KIND = "music-lstm"


class SampleLSTM(nn.Module):
    def __init__(self, config: SampleLSTMConfig):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.mulaw_channels, config.embedding)
        self.instrument_embedding = nn.Embedding(len(config.instruments), config.embedding) if config.instruments else None
        self.lstm = nn.LSTM(config.embedding, config.hidden, num_layers=config.layers, batch_first=True)
        self.head = nn.Linear(config.hidden, config.mulaw_channels)

    def forward(self, classes, instrument=None):
        """Logits [batch, time, classes] of the sample after each of `classes` [batch, time] (μ-law
        class indices); instrument: indices [batch] for a model with instruments."""
        return self.step(classes, instrument)[0]

    def step(self, classes, instrument=None, state=None):
        """(logits, state) of classes [batch, time] after `state` (None: silence before them)."""
        x = self.embedding(classes)
        if self.instrument_embedding is not None:
            if instrument is None:
                raise ValueError("this LSTM is conditioned on instruments: pass one")
            x = x + self.instrument_embedding(instrument)[:, None]
        hidden, state = lstm_in_float32(self.lstm, x, state)
        return self.head(hidden), state

    @classmethod
    def load(cls, path):
        return load_model(cls, SampleLSTMConfig, path, kind=KIND)
