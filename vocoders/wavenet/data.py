"""WaveNet training data: random fixed-length segments of (waveform, mel) from a manifest.

Audio (int16 at the voice's rate) and mels (under the voice's FeatureSpec) are cached once per
utterance (tts.feature_cache); a clip of n samples has n // hop frames, so frame f covers samples
[f * hop, (f + 1) * hop). Each item is a segment of `segment_frames` frames at a random start,
the `history` samples before it (silence before the utterance), and the mel widened by `context`
frames on both sides (zero and masked beyond the utterance), so the upsampled conditioning of the
segment equals that of the whole utterance (upsample.py).
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np
import torch
from torch.utils.data import Dataset
from tqdm import tqdm

from tts.corpora.manifest import read_manifest
from tts.errors import AudioFormatError, TTSError
from tts.feature_cache import (
    audio_cache_dir,
    cached_audio,
    cached_f0,
    cached_mel,
    f0_cache_dir,
    load_cached_audio,
    mel_cache_dir,
)
from tts.features import FeatureSpec
from tts.source import sine_source
from vocoders.wavenet.excitation import checked_injected_noise


@dataclass
class WaveNetDataConfig:
    spec: FeatureSpec = field(default_factory=FeatureSpec)  # the voice's features
    segment_frames: int = 16  # frames per training segment (16 x hop 256 = 4,096 samples)
    cache_dir: str = ""  # "" = <manifest folder>/<manifest stem>.cache
    # "" = condition on each recording's own mel; a folder of <id>.npy log-mels in step with the
    # recordings (`tts corpus gta-mels`: the acoustic model's) to learn the mels it will be given
    mel_dir: str = ""
    # an excitation model's noise injection (LPCNet): the past it reads in training carries
    # excitation errors uniform within ± this many μ-law levels, as its own draws do in generation
    # (excitation.py); 0 = the clean past
    injected_noise: float = 0.0
    # keys older run configs set here, and where they went (tts.config names it in the error)
    MOVED_FIELDS: ClassVar[dict] = {"holdout_fraction": "the run config's top-level holdout_fraction (not under data:)"}

    def __post_init__(self):
        checked_injected_noise(self.injected_noise)


@dataclass(frozen=True)
class CachedUtterance:
    id: str
    speaker: str
    wav_path: Path
    mel_path: Path
    n_frames: int
    f0_path: Path | None = None  # frame F0, for a model that reads a sine at it


def prepare_corpus(manifest_path, config, *, progress=True, f0=False, band_limit_hz=None):
    """CachedUtterances of every manifest entry at least one segment long (with its cached frame F0
    when `f0`; its audio without what lies above `band_limit_hz`, when given), and {id: reason}
    skipped."""
    spec = config.spec
    mel_dir = mel_cache_dir(manifest_path, spec, config.cache_dir)
    f0_dir = f0_cache_dir(manifest_path, spec, config.cache_dir)
    wav_dir = audio_cache_dir(manifest_path, spec.sample_rate, config.cache_dir, band_limit_hz)
    utterances, skipped = [], {}
    for entry in tqdm(read_manifest(manifest_path), desc="features", disable=not progress, unit="utt"):
        mel_path, wav_path = mel_dir / f"{entry.id}.npy", wav_dir / f"{entry.id}.npy"
        f0_path = f0_dir / f"{entry.id}.npy" if f0 else None
        try:
            n_frames = cached_mel(entry.path, mel_path, spec)
            cached_audio(entry.path, wav_path, spec.sample_rate, band_limit_hz)
            if f0 and len(cached_f0(entry.path, f0_path, spec)) != n_frames:
                skipped[entry.id] = f"its F0 has not the mel's {n_frames} frames"
                continue
        except AudioFormatError as error:
            skipped[entry.id] = str(error)
            continue
        if n_frames < config.segment_frames:
            skipped[entry.id] = f"{n_frames} frames is shorter than one segment ({config.segment_frames})"
            continue
        if config.mel_dir:
            mel_path = Path(config.mel_dir) / f"{entry.id}.npy"
            reason = _mismatch(mel_path, n_frames, spec.n_mels)
            if reason:
                skipped[entry.id] = reason
                continue
        utterances.append(CachedUtterance(entry.id, entry.speaker, wav_path, mel_path, n_frames, f0_path))
    if not utterances:
        raise TTSError(f"{manifest_path}: no utterance is long enough to train on ({len(skipped)} skipped)")
    return utterances, skipped


def _mismatch(mel_path, n_frames, n_mels):
    """Why a mel from `mel_dir` cannot stand in for the recording's, or ""."""
    if not mel_path.is_file():
        return f"no mel {mel_path}"
    shape = np.load(mel_path, mmap_mode="r").shape
    if shape != (n_frames, n_mels):
        return f"{mel_path} has shape {shape}, the recording's mel [{n_frames}, {n_mels}]"
    return ""


class SegmentDataset(Dataset):
    """Item i: a random segment of utterance i (the start drawn from torch's RNG, which the
    training loop seeds and restores on resume)."""

    def __init__(self, utterances, speakers, *, segment_frames, context, hop_length, history=1, sample_rate=None):
        self.utterances = list(utterances)
        self.history = history  # samples before the segment that its first inputs read
        self.sample_rate = sample_rate  # needed for utterances with F0 (their sine's rate)
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
        first_sample = start * self.hop - self.history
        wav = load_cached_audio(utterance.wav_path, max(first_sample, 0), (start + n) * self.hop)
        wav = np.concatenate([np.zeros(max(-first_sample, 0), np.float32), wav])  # silence before the utterance
        item = {
            "history": torch.from_numpy(wav[: self.history]),
            "target": torch.from_numpy(wav[self.history :]),
            "mel": torch.from_numpy(span),  # [frames, n_mels]
            "frame_mask": torch.from_numpy(frame_mask),
            "speaker": self.speaker_index.get(utterance.speaker, 0),
        }
        if utterance.f0_path is not None:
            item["source"] = torch.from_numpy(self._sine(utterance, first_sample))
        return item

    def _sine(self, utterance, first_sample):
        """The sine at the utterance's F0 over the item's samples (history included), from a random
        phase: generation starts its own at 0, and no phase is the right one."""
        phase = float(torch.rand(())) * 2 * np.pi
        sine = sine_source(np.load(utterance.f0_path), hop=self.hop, sample_rate=self.sample_rate, phase=phase)
        stop = first_sample + self.history + self.segment_frames * self.hop
        return np.concatenate([np.zeros(max(-first_sample, 0), np.float32), sine[max(first_sample, 0) : stop]])
