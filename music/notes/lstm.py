"""The LSTM baseline: embedding, stacked LSTM, softmax over the tokens; the default's size matches
the default note WaveNet's parameter count (music.notes.config).

    model = NoteLSTM(NoteLSTMConfig())
    logits = model(tokens)                 # [batch, time, vocabulary]; position t predicts token t + 1
    logits, state = model.step(tokens, state)   # the same, carrying the recurrent state (composing)
"""

from torch import nn

from music.notes.config import NoteLSTMConfig
from tts.checkpoint import load_model
from tts.training.precision import lstm_in_float32

KIND = "note-lstm"


class NoteLSTM(nn.Module):
    def __init__(self, config: NoteLSTMConfig):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocabulary, config.embedding)
        self.lstm = nn.LSTM(config.embedding, config.hidden, num_layers=config.layers, batch_first=True,
                            dropout=config.dropout if config.layers > 1 else 0.0)
        self.head = nn.Linear(config.hidden, config.vocabulary)

    def forward(self, tokens):
        """Logits [batch, time, vocabulary] of the token after each of tokens [batch, time]."""
        return self.step(tokens)[0]

    def step(self, tokens, state=None):
        """(logits, state) of tokens [batch, time] after `state` (None: the start of a piece)."""
        hidden, state = lstm_in_float32(self.lstm, self.embedding(tokens), state)
        return self.head(hidden), state

    @classmethod
    def load(cls, path):
        return load_model(cls, NoteLSTMConfig, path, kind=KIND)
