"""Run a trained aligner over a corpus: soft alignment, MAS, later searches with phoneme length
priors learned from the one before, pauses kept off loud frames, then DurationRecords in the
voice's frames."""

import warnings
from pathlib import Path

import numpy as np
import torch

from frontends.aligner.data import AlignerDataConfig, AlignerDataset, collate, prepare_corpus
from frontends.aligner.duration_prior import DurationPrior
from frontends.aligner.mas import monotonic_alignment
from frontends.aligner.model import Aligner
from frontends.aligner.segmental import segmental_alignment
from frontends.aligner.silence import BELOW_PEAK_DB, speech_frames
from frontends.aligner.task import WEIGHTS_FILE
from frontends.aligner.transcribe import Transcriber
from frontends.g2p import G2P
from tts.durations import DurationRecord, at_least_one_frame, convert_durations
from tts.feature_cache import cached_mel, mel_cache_dir
from tts.features import FeatureSpec
from tts.training.checkpoints import EMA_WEIGHTS, WEIGHTS, find_step_dir

# Weight of the phoneme length priors in the later searches (segmental.py), and how many such
# searches run, each with priors re-estimated from the one before. On the bootstrap corpus's
# festival speakers (festival's own word timings), MAS alone put 84.2 % of word boundaries within
# 25 ms (14.8 ms mean error); weight 4 gave 86.6 % after one search, 87.7 % (13.2 ms) after two and
# 87.8 % after three; weight 8 gave 86.9 %, 87.6 % and 87.3 %.
DURATION_WEIGHT = 4.0
PRIOR_ROUNDS = 2
SEARCH_SLACK = 16  # frames above the previous pass's longest phoneme that a search may give one
# Separators and pauses may not take speech-loud frames (silence.py), and pay this much
# log-likelihood per frame they take. With the priors above, the two took festival's boundaries
# from 87.7 % to 90.6 % within 25 ms (12.4 ms). Chosen on the even-numbered utterances (90.4 %;
# 30 dB and costs 0 to 3 gave 89.8 to 90.5 %, 25 and 35 dB 89.0 to 90.0 %), it gave 90.8 % on the
# odd-numbered ones.
PAUSE_COST = 2.0
BARRED = 1e3  # taken off a pause's log-likelihood on a speech frame: no best path puts it there


def align(
    aligner, utterances, *, batch_size=16, duration_weight=DURATION_WEIGHT, rounds=PRIOR_ROUNDS,
    pause_cost=PAUSE_COST, speech_level_db=BELOW_PEAK_DB,
):
    """Frames per token (of the aligner's FeatureSpec) for each utterance, in their order; the
    separators and pauses that the search skipped have 0.

    MAS over the soft alignment first; then, unless `duration_weight` or `rounds` is 0, `rounds`
    searches that add each phoneme's length prior, learned per speaker from the pass before over
    these utterances (Viterbi re-estimation). In every search, separators and pauses pay
    `pause_cost` a frame and may not take frames within `speech_level_db` of the utterance's
    loudest (0: any frame).
    """
    unknown = sorted({u.speaker for u in utterances} - set(aligner.config.speakers))
    if unknown and len(aligner.config.speakers) > 1:
        warnings.warn(f"the aligner has not seen speakers {unknown}; aligning them as speaker 0", stacklevel=2)

    def soft_alignments():
        for index, log_likelihood, optional, mel in _soft_alignments(aligner, utterances, batch_size):
            speech = speech_frames(mel, aligner.spec, below_peak_db=speech_level_db)
            yield index, _restrict_pauses(log_likelihood, optional, speech, pause_cost), optional

    durations = [None] * len(utterances)
    for index, log_likelihood, optional in soft_alignments():
        durations[index] = monotonic_alignment(
            log_likelihood[None], [len(optional)], [log_likelihood.shape[1]], optional[None]
        )[0]
    speakers, phonemes = [u.speaker for u in utterances], [u.phonemes for u in utterances]
    optionals = [u.word_of < 0 for u in utterances]
    for _ in range(rounds if duration_weight else 0):
        prior = DurationPrior.fit(speakers, phonemes, durations, optionals)
        previous, durations = durations, [None] * len(utterances)
        for index, log_likelihood, optional in soft_alignments():
            mean, std = prior.for_tokens(speakers[index], phonemes[index])
            durations[index] = segmental_alignment(
                log_likelihood, optional, mean, std, weight=duration_weight,
                max_frames=int(previous[index].max()) + SEARCH_SLACK,  # the previous path stays allowed
            )
    return durations


def _restrict_pauses(log_likelihood, optional, speech, pause_cost):
    """The log-likelihoods [tokens, frames] with optional tokens barred from speech frames and
    charged `pause_cost` on every frame."""
    log_likelihood = log_likelihood.copy()
    log_likelihood[np.ix_(optional, speech)] -= BARRED
    log_likelihood[optional] -= pause_cost
    return log_likelihood


@torch.no_grad()
def _soft_alignments(aligner, utterances, batch_size):
    """(index, log soft alignment [tokens, frames] float64, optional [tokens], log-mel [frames,
    n_mels]) per utterance, in batches of similar length."""
    dataset = AlignerDataset(utterances, aligner.config.speakers)
    device = next(aligner.parameters()).device
    order = sorted(range(len(utterances)), key=lambda index: utterances[index].n_frames)  # less padding
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
        log_attention = log_attention.transpose(1, 2).double().cpu().numpy()
        for row, index in enumerate(chosen):
            tokens, frames = int(batch.id_lengths[row]), int(batch.mel_lengths[row])
            yield (
                index, log_attention[row, :tokens, :frames], batch.optional[row, :tokens].numpy(),
                batch.mels[row, :frames].numpy(),
            )


def align_manifest(
    manifest_path, aligner, *, voice_spec=FeatureSpec(), cache_dir="", batch_size=16,
    duration_weight=DURATION_WEIGHT, rounds=PRIOR_ROUNDS, pause_cost=PAUSE_COST, speech_level_db=BELOW_PEAK_DB,
    progress=True,
):
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
    all_durations = align(
        aligner, utterances, batch_size=batch_size, duration_weight=duration_weight, rounds=rounds,
        pause_cost=pause_cost, speech_level_db=speech_level_db,
    )
    for utterance, durations in zip(utterances, all_durations):
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
