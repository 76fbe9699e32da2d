"""The acoustic model's training data: durations file + manifest -> mel, frame F0 and phoneme targets.

For every durations record with its manifest entry, the log-mel (tts.feature_cache) and the frame
F0 (tts.pitch.frame_f0) of its audio are cached under the voice's FeatureSpec:

    <cache>/mel-<spec digest>/<id>.npy    log-mel [frames, n_mels]
    <cache>/f0-<spec digest>/<id>.npy     F0 in Hz [frames] float32, 0 where unvoiced

and the phoneme targets follow the model's conventions (tts.acoustic.config): phoneme pitch is the
mean natural-log F0 over the phoneme's voiced frames (none: no target, stored as the mean, 0 once
normalized); phoneme energy is the mean over its frames of the natural log of the frame's mel
magnitude norm. Both are normalized by the training set's statistics (`feature_stats`).

Batches are bucketed by length in the shared sampler (tts.training.sampler, `lengths`): the
dataset exposes `lengths` (frames per item) for it, so exact resume is untouched.
"""

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset
from tqdm import tqdm

from tts.corpora.manifest import read_manifest
from tts.errors import AudioFormatError, TTSError
from tts.feature_cache import cached_f0, cached_mel, f0_cache_dir, mel_cache_dir
from tts.features import LOG_BASES


@dataclass
class AcousticDataConfig:
    cache_dir: str = ""  # "" = <manifest folder>/<manifest stem>.cache (shared with the other stages)


@dataclass(frozen=True)
class PreparedUtterance:
    id: str
    speaker: str
    ids: np.ndarray  # [phonemes] int64 symbol indices
    durations: np.ndarray  # [phonemes] int64 frames
    mel_path: Path
    f0_path: Path
    log_pitch: np.ndarray  # [phonemes] float32 mean log-F0 of the voiced frames (NaN where none)
    log_energy: np.ndarray  # [phonemes] float32 mean frame log-energy

    @property
    def n_frames(self):
        return int(self.durations.sum())


@dataclass(frozen=True)
class FeatureStats:
    pitch_mean: float
    pitch_std: float
    energy_mean: float
    energy_std: float


def frame_log_energy(log_mel, spec):
    """[frames] natural log of each frame's mel magnitude norm, from a log-mel [frames, n_mels]."""
    ln_mel = np.asarray(log_mel, dtype=np.float64) * math.log(LOG_BASES[spec.log_base])
    peak = ln_mel.max(axis=1, keepdims=True)  # 0.5 * logsumexp(2 ln m), computed stably
    return (peak[:, 0] + 0.5 * np.log(np.exp(2 * (ln_mel - peak)).sum(axis=1))).astype(np.float32)


def phoneme_pitch(f0, durations):
    """[phonemes] mean natural-log F0 over each phoneme's voiced frames; NaN for a phoneme without any."""
    out = np.full(len(durations), np.nan, dtype=np.float32)
    for index, (start, stop) in enumerate(_spans(durations)):
        voiced = f0[start:stop][f0[start:stop] > 0]
        if len(voiced):
            out[index] = np.log(voiced.astype(np.float64)).mean()
    return out


def phoneme_energy(frame_energy, durations):
    """[phonemes] mean of the frame values over each phoneme's frames."""
    return np.array([frame_energy[start:stop].mean() for start, stop in _spans(durations)], dtype=np.float32)


def _spans(durations):
    ends = np.cumsum(durations)
    return zip((ends - durations).tolist(), ends.tolist())


def prepare_corpus(manifest_path, durations, spec, symbols, config, *, progress=True):
    """PreparedUtterances of the durations records that have a manifest entry and usable audio,
    and {id: reason} for the ones skipped. `durations` is a tts.durations.DurationsFile."""
    entries = {entry.id: entry for entry in read_manifest(manifest_path)}
    id_of = {symbol: index for index, symbol in enumerate(symbols)}
    mel_dir = mel_cache_dir(manifest_path, spec, config.cache_dir)
    f0_dir = f0_cache_dir(manifest_path, spec, config.cache_dir)
    prepared, skipped = [], {}
    for record in tqdm(durations.records, desc="features", disable=not progress, unit="utt"):
        entry = entries.get(record.id)
        if entry is None:
            skipped[record.id] = "not in the manifest"
            continue
        unknown = sorted({p for p in record.phonemes if p not in id_of})
        if unknown:
            raise TTSError(f"{record.id}: phonemes {unknown} are not in the model's inventory")
        mel_path, f0_path = mel_dir / f"{record.id}.npy", f0_dir / f"{record.id}.npy"
        try:
            n_frames = cached_mel(entry.path, mel_path, spec)
            f0 = cached_f0(entry.path, f0_path, spec)
        except AudioFormatError as error:
            skipped[record.id] = str(error)
            continue
        if n_frames != record.n_frames or len(f0) != n_frames:
            skipped[record.id] = f"mel has {n_frames} frames, F0 {len(f0)}, durations sum to {record.n_frames}"
            continue
        energy = frame_log_energy(np.load(mel_path), spec)
        prepared.append(PreparedUtterance(
            id=record.id,
            speaker=record.speaker,
            ids=np.array([id_of[p] for p in record.phonemes], dtype=np.int64),
            durations=np.asarray(record.durations, dtype=np.int64),
            mel_path=mel_path,
            f0_path=f0_path,
            log_pitch=phoneme_pitch(f0, record.durations),
            log_energy=phoneme_energy(energy, record.durations),
        ))
    if not prepared:
        raise TTSError(f"{manifest_path}: no durations record could be prepared ({len(skipped)} skipped)")
    return prepared, skipped


def feature_stats(utterances, spec):
    """Mean and std of log-F0 over the voiced frames and of frame log-energy over all frames."""
    pitch_sum = pitch_sq = pitch_n = 0.0
    energy_sum = energy_sq = energy_n = 0.0
    for utterance in utterances:
        f0 = np.load(utterance.f0_path).astype(np.float64)
        log_f0 = np.log(f0[f0 > 0])
        pitch_sum, pitch_sq, pitch_n = pitch_sum + log_f0.sum(), pitch_sq + (log_f0**2).sum(), pitch_n + len(log_f0)
        energy = frame_log_energy(np.load(utterance.mel_path), spec).astype(np.float64)
        energy_sum, energy_sq, energy_n = energy_sum + energy.sum(), energy_sq + (energy**2).sum(), energy_n + len(energy)
    pitch_mean, pitch_std = _mean_std(pitch_sum, pitch_sq, pitch_n)
    energy_mean, energy_std = _mean_std(energy_sum, energy_sq, energy_n)
    return FeatureStats(pitch_mean, pitch_std, energy_mean, energy_std)


def _mean_std(total, squares, n):
    if n == 0:
        return 0.0, 1.0  # e.g. no voiced frame at all: leave the values as they are
    mean = total / n
    std = math.sqrt(max(squares / n - mean**2, 0.0))
    return float(mean), float(std) if std > 1e-6 else 1.0


class AcousticDataset(Dataset):
    """Item i: ids, durations, mel, frame F0 (Hz), normalized phoneme pitch and energy, speaker."""

    def __init__(self, utterances, speakers, stats):
        self.utterances = list(utterances)
        speaker_index = {speaker: index for index, speaker in enumerate(speakers)}
        unknown = sorted({u.speaker for u in self.utterances} - set(speaker_index))
        if unknown:
            raise TTSError(f"durations name speakers {unknown} that the speaker table lacks")
        self.speakers = [speaker_index[u.speaker] for u in self.utterances]
        self.stats = stats
        self.lengths = [u.n_frames for u in self.utterances]  # for the length-bucketing sampler

    def __len__(self):
        return len(self.utterances)

    def __getitem__(self, index):
        utterance, stats = self.utterances[index], self.stats
        pitch = np.nan_to_num((utterance.log_pitch - stats.pitch_mean) / stats.pitch_std, nan=0.0)
        energy = (utterance.log_energy - stats.energy_mean) / stats.energy_std
        return {
            "ids": torch.from_numpy(utterance.ids),
            "durations": torch.from_numpy(utterance.durations),
            "mel": torch.from_numpy(np.load(utterance.mel_path).astype(np.float32)),
            "f0": torch.from_numpy(np.load(utterance.f0_path).astype(np.float32)),
            "pitch": torch.from_numpy(pitch.astype(np.float32)),
            "energy": torch.from_numpy(energy.astype(np.float32)),
            "speaker": self.speakers[index],
        }


def collate(samples):
    """Padded batch: ids, lengths, durations, pitch, energy [B, phonemes]; mel [B, frames, n_mels],
    f0 and frame_lengths; speakers [B]. Padding is 0 (id PAD, no frames, unvoiced)."""
    lengths = torch.tensor([len(s["ids"]) for s in samples])
    frame_lengths = torch.tensor([len(s["mel"]) for s in samples])
    n, t = int(lengths.max()), int(frame_lengths.max())
    batch = {
        "ids": torch.zeros(len(samples), n, dtype=torch.int64),
        "durations": torch.zeros(len(samples), n, dtype=torch.int64),
        "pitch": torch.zeros(len(samples), n),
        "energy": torch.zeros(len(samples), n),
        "mel": torch.zeros(len(samples), t, samples[0]["mel"].shape[1]),
        "f0": torch.zeros(len(samples), t),
    }
    for row, sample in enumerate(samples):
        for key in ("ids", "durations", "pitch", "energy"):
            batch[key][row, : lengths[row]] = sample[key]
        for key in ("mel", "f0"):
            batch[key][row, : frame_lengths[row]] = sample[key]
    batch.update(lengths=lengths, frame_lengths=frame_lengths, speakers=torch.tensor([s["speaker"] for s in samples]))
    return batch
