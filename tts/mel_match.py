"""Reshaping a waveform, frame by frame, to a target log-mel: a vocoder's post-filter.

A vocoder whose network draws the fine structure sample by sample (the NSynth decoder, the
excitation WaveNet) adds a spectral tilt of its own to what its conditioning asks for. The target
says what each frame's band levels should be, so each output frame is measured as the target was
(tts.mel: its log-mel over the same window, centred where that frame is) and reshaped by the ratio:
a gain per band (within ±max_gain_db), interpolated over the frequency bins between the bands'
centres, applied to the frame's spectrum, and the frames overlap-added. The analysis windows
overlap-add to a constant, so a waveform that already has the target comes back unchanged. Within
a band the fine structure stays as drawn (harmonics, onsets, noise); across bands the gains and the
overlap smooth it.

It runs frame by frame, so `stream` (or `feed` and `finish`) reshapes a waveform as it is made,
with a latency of a window, and a whole waveform is `match` (the same frames, so the two agree
exactly).
"""

import numpy as np

from tts.chunked_filter import ChunkedFilter
from tts.errors import TTSError
from tts.mel import analysis_window, log_mel_of_spectrum, mel_filterbank, padding

# the most a band is raised or lowered, in dB: a frame a vocoder left near silence where its target
# is loud would otherwise have its noise raised by 60 dB or more (and, on the NSynth morphs' valid
# pairs, ±12 dB corrected less than ±24: BENCHMARKS.md)
MAX_GAIN_DB = 24.0


class MelMatch(ChunkedFilter):
    """Reshapes a waveform, fed in chunks, to target log-mel frames [frames, n_mels] of `spec`:
    frame i (the window mel_numpy analyses for frame i) to targets[i]. The windows that reach before
    the first frame's or past the last's, of which the target says nothing, pass unchanged."""

    def __init__(self, spec, targets):
        self.spec, self.hop, self.size = spec, spec.hop_length, spec.n_fft
        self.window = analysis_window(spec)
        overlap_added = np.array([self.window[n :: self.hop].sum() for n in range(self.hop)])  # at each phase of a hop
        if np.ptp(overlap_added) > 1e-9 * overlap_added.max():
            raise TTSError(f"mel matching needs windows that overlap-add to a constant: a win_length of "
                           f"{spec.win_length} at hop {self.hop} does not")
        self.overlap_gain = overlap_added.mean()
        self.targets = np.asarray(targets, np.float64)
        bank = mel_filterbank(spec)
        self.centres = (bank * np.arange(bank.shape[1])).sum(1) / bank.sum(1)  # each band's mean bin
        self.limit = MAX_GAIN_DB / 20 * np.log(10)
        # frame k's window starts at k * hop - left; `frame` is the first that reaches sample 0, and
        # `lead` samples of silence before the waveform put its window's start at pending's
        left = padding(spec)[0]
        self.frame = (left - self.size) // self.hop + 1
        lead = left - self.frame * self.hop
        self.pending = np.zeros(lead)  # input from the next frame's start on
        self.overlap = np.zeros(self.size)  # output from the next frame's start on, the frames before it added
        self.to_skip = lead  # output samples of that silence, not returned
        self.received = self.returned = 0

    @classmethod
    def match(cls, spec, targets, wav):
        """The whole of `wav` reshaped at once."""
        return cls(spec, targets).whole(wav)

    def feed(self, chunk):
        """The output samples that `chunk` completes (float32), in order."""
        chunk = np.asarray(chunk, np.float64)
        self.received += len(chunk)
        self.pending = np.concatenate([self.pending, chunk])
        pieces = []
        while len(self.pending) >= self.size:
            pieces.append(self._next_frame())
        return self._returned(pieces)

    def finish(self):
        """The rest of the output: as many samples in all as were fed."""
        owed, pieces, produced = self.received - self.returned, [], 0
        while produced - self.to_skip < owed:  # the frames that reach past the last sample fed, on silence
            self.pending = np.pad(self.pending, (0, max(self.size - len(self.pending), 0)))
            pieces.append(self._next_frame())
            produced += self.hop
        return self._returned(pieces)[:owed]

    def _next_frame(self):
        """Reshapes the frame at the start of `pending` and returns the hop of output it completes."""
        frame = self.pending[: self.size] * self.window
        if 0 <= self.frame < len(self.targets):
            spectrum = np.fft.rfft(frame)
            log_gain = np.clip(self.targets[self.frame] - log_mel_of_spectrum(spectrum, self.spec), -self.limit, self.limit)
            frame = np.fft.irfft(spectrum * np.exp(np.interp(np.arange(len(spectrum)), self.centres, log_gain)), n=self.size)
        self.overlap += frame
        done = self.overlap[: self.hop] / self.overlap_gain
        self.overlap = np.concatenate([self.overlap[self.hop :], np.zeros(self.hop)])
        self.pending = self.pending[self.hop :]
        self.frame += 1
        return done

    def _returned(self, pieces):
        out = np.concatenate(pieces) if pieces else np.zeros(0)
        skipped = min(self.to_skip, len(out))
        self.to_skip -= skipped
        out = out[skipped:]
        self.returned += len(out)
        return out.astype(np.float32)
