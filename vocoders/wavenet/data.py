"""WaveNet training data: random fixed-length segments of (waveform, mel) from a manifest.

Audio (int16 at the voice's rate) and mels (under the voice's FeatureSpec) are cached once per
utterance (tts.feature_cache); a clip of n samples has n // hop frames, so frame f covers samples
[f * hop, (f + 1) * hop). Each item is a segment of `segment_frames` frames at a random start,
with the mel widened by `context` frames on both sides (zero and masked beyond the utterance), so
the upsampled conditioning of the segment equals that of the whole utterance (upsample.py).
"""

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset
from tqdm import tqdm

from tts.corpora.manifest import read_manifest
from tts.errors import AudioFormatError, TTSError
from tts.feature_cache import audio_cache_dir, cached_audio, cached_mel, load_cached_audio, mel_cache_dir
from tts.features import FeatureSpec


@dataclass
class WaveNetDataConfig:
    spec: FeatureSpec = field(default_factory=FeatureSpec)  # the voice's features
    segment_frames: int = 16  # frames per training segment (16 x hop 256 = 4,096 samples)
    holdout_fraction: float = 0.1  # per speaker, never trained on (tts.corpora.holdout, as every stage)
    cache_dir: str = ""  # "" = <manifest folder>/<manifest stem>.cache


@dataclass(frozen=True)
class CachedUtterance:
    id: str
    speaker: str
    wav_path: Path
    mel_path: Path
    n_frames: int


def prepare_corpus(manifest_path, config, *, progress=True):
    """CachedUtterances of every manifest entry at least one segment long, and {id: reason} skipped."""
    spec = config.spec
    mel_dir = mel_cache_dir(manifest_path, spec, config.cache_dir)
    wav_dir = audio_cache_dir(manifest_path, spec.sample_rate, config.cache_dir)
    utterances, skipped = [], {}
    for entry in tqdm(read_manifest(manifest_path), desc="features", disable=not progress, unit="utt"):
        mel_path, wav_path = mel_dir / f"{entry.id}.npy", wav_dir / f"{entry.id}.npy"
        try:
            n_frames = cached_mel(entry.path, mel_path, spec)
            cached_audio(entry.path, wav_path, spec.sample_rate)
        except AudioFormatError as error:
            skipped[entry.id] = str(error)
            continue
        if n_frames < config.segment_frames:
            skipped[entry.id] = f"{n_frames} frames is shorter than one segment ({config.segment_frames})"
            continue
        utterances.append(CachedUtterance(entry.id, entry.speaker, wav_path, mel_path, n_frames))
    if not utterances:
        raise TTSError(f"{manifest_path}: no utterance is long enough to train on ({len(skipped)} skipped)")
    return utterances, skipped


class SegmentDataset(Dataset):
    """Item i: a random segment of utterance i (the start drawn from torch's RNG, which the
    training loop seeds and restores on resume)."""

    def __init__(self, utterances, speakers, *, segment_frames, context, hop_length):
        self.utterances = list(utterances)
        self.speaker_index = {speaker: index for index, speaker in enumerate(speakers)}
        self.segment_frames = segment_frames
        self.context = context
        self.hop = hop_length

    def __len__(self):
        return len(self.utterances)

    def __getitem__(self, index):
        utterance = self.utterances[index]
        n = self.segment_frames
        start = int(torch.randint(0, utterance.n_frames - n + 1, ()))
        mel = np.load(utterance.mel_path, mmap_mode="r")
        first, last = start - self.context, start + n + self.context  # the widened span
        span = np.zeros((last - first, mel.shape[1]), dtype=np.float32)
        valid = slice(max(first, 0), min(last, utterance.n_frames))
        span[valid.start - first : valid.stop - first] = mel[valid]
        frame_mask = np.zeros(last - first, dtype=np.float32)
        frame_mask[valid.start - first : valid.stop - first] = 1
        first_sample = max(start * self.hop - 1, 0)  # one sample more on the left: the first input
        wav = load_cached_audio(utterance.wav_path, first_sample, (start + n) * self.hop)
        target = wav[-n * self.hop :]
        previous = np.concatenate([np.zeros(1, np.float32), target[:-1]]) if start == 0 else wav[:-1]
        return {
            "previous": torch.from_numpy(np.ascontiguousarray(previous)),
            "target": torch.from_numpy(target),
            "mel": torch.from_numpy(span),  # [frames, n_mels]
            "frame_mask": torch.from_numpy(frame_mask),
            "speaker": self.speaker_index.get(utterance.speaker, 0),
        }
