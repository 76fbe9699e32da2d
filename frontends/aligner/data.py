"""The aligner's data: a manifest's transcripts phonemized once, its mels cached as .npy, padded batches.

    utterances = prepare_corpus("data/vctk.jsonl", AlignerDataConfig(), transcriber)
    dataset = AlignerDataset(utterances, speakers)

Mels are computed once per utterance under the FeatureSpec (audio resampled to its rate by
tts.audio.load) and cached at `<cache_dir>/mel-<spec digest>/<id>.npy`, so a different spec never
reads another spec's cache.
"""

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset
from tqdm import tqdm

from tts.corpora.manifest import read_manifest
from tts.errors import AudioFormatError, TTSError
from tts.feature_cache import cached_mel, mel_cache_dir
from tts.features import FeatureSpec


@dataclass
class AlignerDataConfig:
    # The aligner's features: the voice's rate and hop (so its frames are the voice's frames) with a
    # 23 ms window, as ASR front ends use, for sharper boundaries than the voice's 46 ms (measured:
    # 81.9 % vs 80.5 % of word boundaries within 25 ms on the bootstrap corpus); 64 mels because
    # a 512-point FFT leaves the lowest of 80 filters empty. `tts align` converts durations to the
    # voice's frames whenever the rate or hop differ.
    spec: FeatureSpec = field(default_factory=lambda: FeatureSpec(n_fft=512, win_length=512, n_mels=64))
    cache_dir: str = ""  # mel cache; "" = <manifest folder>/<manifest stem>.cache
    max_seconds: float = 30.0  # longer utterances are skipped: the attention grows with frames x tokens


@dataclass(frozen=True)
class AlignerUtterance:
    """One utterance ready to align: its tokens and where its cached mel is."""

    id: str
    speaker: str
    words: tuple  # the transcript's words
    phonemes: tuple  # tokens: phonemes, word separators and pauses
    ids: np.ndarray  # [n_tokens] int64 phoneme ids
    word_of: np.ndarray  # [n_tokens] index into `words`, -1 for separators and pauses
    audio_path: Path
    mel_path: Path
    n_frames: int


@dataclass
class AlignerBatch:
    ids: torch.Tensor  # [batch, max_tokens] int64, 0 (pad) beyond each length
    id_lengths: torch.Tensor  # [batch]
    mels: torch.Tensor  # [batch, max_frames, n_mels], 0 beyond each length
    mel_lengths: torch.Tensor  # [batch]
    speakers: torch.Tensor  # [batch] speaker index
    optional: torch.Tensor  # [batch, max_tokens] bool: separators and pauses, which may get no frames


class AlignerDataset(Dataset):
    def __init__(self, utterances, speakers):
        self.utterances = list(utterances)
        self.speaker_index = {speaker: index for index, speaker in enumerate(speakers)}

    def __len__(self):
        return len(self.utterances)

    def __getitem__(self, index):
        utterance = self.utterances[index]
        return {
            "ids": torch.from_numpy(utterance.ids),
            "mel": torch.from_numpy(np.load(utterance.mel_path)),
            "speaker": self.speaker_index.get(utterance.speaker, 0),
            "optional": torch.from_numpy(utterance.word_of < 0),
        }


def collate(examples):
    """Pad a list of dataset items into an AlignerBatch."""
    id_lengths = torch.tensor([len(example["ids"]) for example in examples])
    mel_lengths = torch.tensor([len(example["mel"]) for example in examples])
    n_mels = examples[0]["mel"].shape[1]
    ids = torch.zeros(len(examples), int(id_lengths.max()), dtype=torch.int64)
    mels = torch.zeros(len(examples), int(mel_lengths.max()), n_mels)
    optional = torch.zeros(ids.shape, dtype=torch.bool)
    for row, example in enumerate(examples):
        ids[row, : len(example["ids"])] = example["ids"]
        mels[row, : len(example["mel"])] = example["mel"]
        optional[row, : len(example["ids"])] = example["optional"]
    speakers = torch.tensor([example["speaker"] for example in examples])
    return AlignerBatch(ids, id_lengths, mels, mel_lengths, speakers, optional)


def prepare_corpus(manifest_path, config, transcriber, *, progress=True):
    """AlignerUtterances for every usable manifest entry, and {id: reason} for the skipped ones.

    `transcriber(texts)` returns one Transcript per text (see transcribe.py).
    """
    manifest_path = Path(manifest_path)
    entries = read_manifest(manifest_path)
    transcripts = transcriber([entry.text for entry in entries])
    cache = mel_cache_dir(manifest_path, config.spec, config.cache_dir)
    utterances, skipped = [], {}
    for entry, transcript in tqdm(
        list(zip(entries, transcripts)), desc="mels", disable=not progress, unit="utt"
    ):
        if entry.duration > config.max_seconds:
            skipped[entry.id] = f"{entry.duration:.1f} s is longer than max_seconds {config.max_seconds:g}"
            continue
        mel_path = cache / f"{entry.id}.npy"
        try:
            n_frames = cached_mel(entry.path, mel_path, config.spec)
        except AudioFormatError as error:  # preflight lets through little, but a bad file costs one item
            skipped[entry.id] = str(error)
            continue
        if n_frames < len(transcript.ids) or not transcript.words:
            skipped[entry.id] = f"{n_frames} frames for {len(transcript.ids)} tokens"
            continue
        utterances.append(
            AlignerUtterance(
                entry.id, entry.speaker, transcript.words, transcript.phonemes, transcript.ids,
                transcript.word_of, entry.path, mel_path, n_frames,
            )
        )
    if not utterances:
        raise TTSError(f"{manifest_path}: no utterance can be aligned ({len(skipped)} skipped)")
    return utterances, skipped
