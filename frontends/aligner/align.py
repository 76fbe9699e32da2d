"""Run a trained aligner over a corpus: soft alignment, MAS, then DurationRecords in the voice's frames."""

import warnings
from pathlib import Path

import torch

from frontends.aligner.data import AlignerDataConfig, AlignerDataset, collate, prepare_corpus
from tts.durations import DurationRecord, at_least_one_frame, convert_durations
from frontends.aligner.mas import monotonic_alignment
from frontends.aligner.model import Aligner
from frontends.aligner.task import WEIGHTS_FILE
from frontends.aligner.transcribe import Transcriber
from frontends.g2p import G2P
from tts.feature_cache import cached_mel, mel_cache_dir
from tts.features import FeatureSpec
from tts.training.checkpoints import EMA_WEIGHTS, WEIGHTS, find_step_dir


@torch.no_grad()
def align(aligner, utterances, *, batch_size=16):
    """Frames per token (of the aligner's FeatureSpec) for each utterance, in their order; the
    separators and pauses that MAS skipped have 0."""
    unknown = sorted({u.speaker for u in utterances} - set(aligner.config.speakers))
    if unknown and len(aligner.config.speakers) > 1:
        warnings.warn(f"the aligner has not seen speakers {unknown}; aligning them as speaker 0", stacklevel=2)
    dataset = AlignerDataset(utterances, aligner.config.speakers)
    device = next(aligner.parameters()).device
    order = sorted(range(len(utterances)), key=lambda index: utterances[index].n_frames)  # less padding
    durations = [None] * len(utterances)
    for start in range(0, len(order), batch_size):
        chosen = order[start : start + batch_size]
        batch = collate([dataset[index] for index in chosen])
        log_attention = aligner(
            batch.ids.to(device),
            batch.id_lengths.to(device),
            batch.mels.to(device),
            batch.mel_lengths.to(device),
            batch.speakers.to(device),
        )
        paths = monotonic_alignment(
            log_attention.transpose(1, 2).cpu().numpy(),
            batch.id_lengths.numpy(),
            batch.mel_lengths.numpy(),
            batch.optional.numpy(),
        )
        for row, index in enumerate(chosen):
            durations[index] = paths[row, : len(utterances[index].ids)]
    return durations


def align_manifest(manifest_path, aligner, *, voice_spec=FeatureSpec(), cache_dir="", batch_size=16, progress=True):
    """(DurationRecords in frames of `voice_spec`, {id: reason skipped}) for a manifest.

    Phonemizes with the aligner's own inventory and computes mels under its own FeatureSpec
    (cached beside the manifest unless `cache_dir` says otherwise). When the aligner's frames are
    not the voice's (a finer hop, say), the durations are converted to the voice's frames.
    """
    transcriber = Transcriber(G2P(inventory=aligner.config.inventory))
    config = AlignerDataConfig(spec=aligner.spec, cache_dir=cache_dir, max_seconds=float("inf"))
    utterances, skipped = prepare_corpus(manifest_path, config, transcriber, progress=progress)
    same_frames = (aligner.spec.sample_rate, aligner.spec.hop_length) == (voice_spec.sample_rate, voice_spec.hop_length)
    voice_cache = mel_cache_dir(manifest_path, voice_spec, cache_dir)
    records = []
    for utterance, durations in zip(utterances, align(aligner, utterances, batch_size=batch_size)):
        if same_frames:
            durations = at_least_one_frame(durations)
        else:
            voice_frames = cached_mel(utterance.audio_path, voice_cache / f"{utterance.id}.npy", voice_spec)
            durations = convert_durations(
                durations, source=aligner.spec, target=voice_spec, target_frames=voice_frames
            )
        records.append(
            DurationRecord(utterance.id, utterance.speaker, utterance.words, utterance.phonemes, durations, utterance.word_of)
        )
    return records, skipped


def load_aligner(path):
    """An Aligner from a weights file, a run directory (its aligner.safetensors, else its latest
    checkpoint) or a checkpoint step directory."""
    path = Path(path)
    if path.is_dir():
        exported = path / WEIGHTS_FILE
        path = exported if exported.is_file() else _checkpoint_weights(find_step_dir(path))
    return Aligner.load(path)


def _checkpoint_weights(step_dir):
    ema = step_dir / EMA_WEIGHTS
    return ema if ema.is_file() else step_dir / WEIGHTS
