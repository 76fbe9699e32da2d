"""Evaluating a voice's acoustic model on held-out recordings, given their real timing.

Each utterance's aligned phonemes, durations (from `tts align`) and speaker go through the acoustic
model, and its log-mel and F0 are compared frame for frame with the recording's training targets:
the cached log-mel and DIO + StoneMask F0 of tts.acoustic.data, so the reference is exactly what the
model learnt from. Figures: mel L1 (mean absolute log-mel difference), MCD (tts.metrics.mcd, order
24, or n_mels - 1 for fewer mels), F0 RMSE in Hz and in cents over the frames voiced in both, and the
voicing error (tts.metrics.pitch_error).

Then each vocoder renders the predicted mel (and F0, phonemes, durations and speaker for those that
need them), and its audio is scored by the ASR word error rate against the transcript and by the MCD
of its re-analysed log-mel against the reference, frames paired by DTW where the lengths differ. The
recordings' own WER (`original`) is the floor the recognizer allows.

By default the utterances are the held-out share every stage leaves out, split from the same
prepared corpus the acoustic training split (tts.corpora.holdout), so the model never trained on
them. A group's figures (a speaker's, or all) are pooled over its frames, each frame counting
once, and its WER over all its words. `evaluate_acoustic` runs it all, as `tts eval acoustic` does.
"""

import dataclasses
import itertools
import math
import sys
from dataclasses import dataclass

import numpy as np
import torch
from tqdm import tqdm

from tts import audio
from tts.acoustic.data import AcousticDataConfig, PreparedUtterance, prepare_corpus
from tts.acoustic.task import AcousticRunConfig
from tts.corpora.holdout import holdout_split, read_held_out_ids
from tts.corpora.manifest import read_manifest
from tts.durations import default_durations_path, read_durations
from tts.errors import TTSError, UsageError
from tts.evaluation.spoken import spoken_text
from tts.mel import mel
from tts.metrics.intelligibility import Recognizer, scoring_text, word_error_rate
from tts.metrics.mcd import dtw_pairs, mel_cepstral_distortion
from tts.metrics.pitch_error import f0_rmse, f0_rmse_cents, voiced_in_both, voicing_error
from tts.utterance import Utterance
from tts.voice import Voice

HOLDOUT_FRACTION = AcousticRunConfig().holdout_fraction  # the acoustic training's default split
DEFAULT_VOCODERS = ("griffinlim", "wavenet")  # scored when the voice has them and none is named
BATCH = 8  # utterances run through the acoustic model and each vocoder together
MCD_ORDER = 24
ORIGINAL = "original"  # the recordings' row among the vocoders


@dataclass(frozen=True)
class HeldOut:
    utterance: PreparedUtterance  # ids, durations, speaker and the paths of the reference mel and F0
    text: str
    audio_path: object  # the recording, for its own WER

    @property
    def id(self):
        return self.utterance.id

    @property
    def speaker(self):
        return self.utterance.speaker


@dataclass(frozen=True)
class UtteranceResult:
    id: str
    speaker: str
    text: str
    mel: np.ndarray  # [frames, n_mels] the model's log-mel
    reference_mel: np.ndarray  # [frames, n_mels] the recording's
    f0: np.ndarray  # [frames] Hz, 0 unvoiced: the model's
    reference_f0: np.ndarray
    vocoded: dict  # {vocoder: (re-analysed log-mel, reference log-mel)}, frames paired
    transcripts: dict  # {ORIGINAL or vocoder: what the recognizer heard}; empty without a recognizer


def evaluate_acoustic(voice_path, manifest_path, *, durations_path=None, ids_path=None, vocoders=None,
                      per_speaker=None, progress=False):
    """The report: where the figures come from (voice, checkpoint, manifest, durations, selection, dtype,
    vocoders), then `summary`'s. The voice at `voice_path` ("default": the bundled one) on the utterances
    listed in the JSON file `ids_path`, or by default its held-out split, at most `per_speaker` of each,
    with the true durations of `durations_path` (default: <manifest stem>.durations.jsonl beside it);
    `vocoders`: the voice's to score (default: those of DEFAULT_VOCODERS it has). `progress`: a line and
    a progress bar on stderr."""
    ids = read_held_out_ids(ids_path) if ids_path is not None else None
    voice = Voice.load(voice_path)
    durations_path = durations_path or default_durations_path(manifest_path)
    vocoders = vocoders or [name for name in DEFAULT_VOCODERS if name in voice.vocoder_names]
    for name in vocoders:
        voice.vocoder(name)  # an unknown or broken vocoder fails before any scoring
    held_out = select_held_out(voice, manifest_path, durations_path, ids=ids, per_speaker=per_speaker)
    # WER needs every utterance's text, as in copy-synthesis.
    recognizer = Recognizer() if all(scoring_text(h.text, normalize=spoken_text) for h in held_out) else None
    if progress:
        print(f"scoring {len(held_out)} utterances with vocoders {', '.join(vocoders) or 'none'}", file=sys.stderr)
    results = score_held_out(voice, held_out, vocoders=vocoders, recognizer=recognizer, progress=progress)
    return {
        "voice": voice.name,
        "acoustic_source": voice.files.extra.get("sources", {}).get("acoustic"),  # the checkpoint, where recorded
        "manifest": str(manifest_path),
        "durations": str(durations_path),
        "selection": (str(ids_path) if ids is not None else f"held-out {HOLDOUT_FRACTION:.0%} per speaker")
        + (f", at most {per_speaker} per speaker" if per_speaker else ""),
        "per_speaker_limit": per_speaker,
        "acoustic_dtype": str(voice.acoustic_dtype).removeprefix("torch.") if voice.acoustic_dtype else "float32",
        "vocoders": list(vocoders),
        **summary(results, voice.speakers),
    }


def select_held_out(voice, manifest_path, durations_path, *, ids=None, per_speaker=None,
                    holdout_fraction=HOLDOUT_FRACTION, cache_dir=""):
    """HeldOut utterances in the voice's speaker order, then by id: those named in `ids`, or by default
    the held-out split; at most `per_speaker` of each speaker. Everything is checked before a model runs."""
    durations = read_durations(durations_path)
    config = voice.acoustic_model.config
    voice.spec.require_same(durations.spec, what=f"the voice and {durations_path}")
    if durations.inventory != config.inventory_version:
        raise TTSError(f"{durations_path} uses phoneme inventory {durations.inventory!r}, the voice "
                       f"{config.inventory_version!r}")
    entries = {entry.id: entry for entry in read_manifest(manifest_path)}
    records = durations.records
    if ids is not None:
        records = _named_records(records, ids, entries, manifest_path, durations_path)
    prepared, skipped = prepare_corpus(manifest_path, dataclasses.replace(durations, records=records), voice.spec,
                                       tuple(config.symbols), AcousticDataConfig(cache_dir=cache_dir), progress=False)
    if ids is not None:
        if skipped:
            key, reason = next(iter(skipped.items()))
            more = f", and {len(skipped) - 1} more" if len(skipped) > 1 else ""
            raise TTSError(f"{key}: cannot be scored ({reason}){more}")
        chosen = prepared
    else:
        chosen = holdout_split(prepared, holdout_fraction)[1]
    unknown = sorted({u.speaker for u in chosen} - set(voice.speakers))
    if unknown:
        raise TTSError(f"speakers {unknown} are not in the voice; it has {list(voice.speakers)}")
    order = {speaker: index for index, speaker in enumerate(voice.speakers)}
    chosen = sorted(chosen, key=lambda u: (order[u.speaker], u.id))
    if per_speaker is not None:
        by_speaker = itertools.groupby(chosen, key=lambda u: u.speaker)
        chosen = [u for _, group in by_speaker for u in list(group)[:per_speaker]]
    if not chosen:
        raise UsageError(f"no held-out utterance to score in {durations_path}")
    return [HeldOut(u, entries[u.id].text, entries[u.id].path) for u in chosen]


def _named_records(records, ids, entries, manifest_path, durations_path):
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise UsageError("the list of utterance ids is empty")
    by_id = {record.id: record for record in records}
    unknown = [key for key in wanted if key not in by_id and key not in entries]
    if unknown:
        raise UsageError(f"unknown utterance ids {_few(unknown)}: in neither {manifest_path} nor {durations_path}")
    for where, found in ((durations_path, by_id), (manifest_path, entries)):
        missing = [key for key in wanted if key not in found]
        if missing:
            raise TTSError(f"{where} lacks {_few(missing)}")
    return [by_id[key] for key in wanted]


def _few(keys):
    return ", ".join(keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")


def score_held_out(voice, held_out, *, vocoders=(), recognizer=None, progress=False):
    """An UtteranceResult per HeldOut: the acoustic model's mel and F0 from the true phonemes,
    durations and speaker, then each named vocoder of the voice rendering them."""
    model, spec = voice.acoustic_model, voice.spec
    speaker_index = {speaker: index for index, speaker in enumerate(voice.speakers)}
    rendering = {name: voice.vocoder(name) for name in vocoders}
    results = []
    for first in tqdm(range(0, len(held_out), BATCH), desc="utterances", unit="batch", disable=not progress):
        chunk = held_out[first : first + BATCH]
        prepared = [h.utterance for h in chunk]
        predicted = model.synthesize_batch([u.ids for u in prepared], [u.durations for u in prepared],
                                           [speaker_index[u.speaker] for u in prepared], dtype=voice.acoustic_dtype)
        utterances = [
            Utterance(h.text, phonemes=tuple(model.config.symbols[i] for i in h.utterance.ids), ids=h.utterance.ids,
                      durations=h.utterance.durations, speaker=speaker_index[h.speaker], mel=mel_, f0=f0)
            for h, (mel_, f0) in zip(chunk, predicted)
        ]
        references = [(np.load(u.mel_path), np.load(u.f0_path)) for u in prepared]
        vocoded = [{} for _ in chunk]
        transcripts = [{} for _ in chunk]
        if recognizer is not None:
            for h, heard in zip(chunk, transcripts):
                heard[ORIGINAL] = recognizer.transcribe(*audio.load(h.audio_path))
        for name, vocoder in rendering.items():
            for index, wav in enumerate(vocoder(utterances)):
                wav = np.clip(np.asarray(wav, dtype=np.float32), -1.0, 1.0)
                vocoded[index][name] = _paired(mel(torch.from_numpy(wav), spec).numpy(), references[index][0])
                if recognizer is not None:
                    transcripts[index][name] = recognizer.transcribe(wav, spec.sample_rate)
        for h, utterance, (reference_mel, reference_f0), rendered, heard in zip(
                chunk, utterances, references, vocoded, transcripts):
            results.append(UtteranceResult(h.id, h.speaker, h.text, utterance.mel, reference_mel, utterance.f0,
                                           reference_f0, rendered, heard))
    return results


def _paired(log_mel, reference):
    """The two log-mels frame for frame: as they are when the lengths match, else paired by DTW."""
    if len(log_mel) == len(reference):
        return log_mel, reference
    pairs = dtw_pairs(log_mel, reference, order=_mcd_order(reference))
    return log_mel[pairs[:, 0]], reference[pairs[:, 1]]


def _mcd_order(log_mel):
    return min(MCD_ORDER, log_mel.shape[1] - 1)


def summary(results, speakers):
    """{"speakers": {id: figures} in `speakers` order, "all": figures, "utterances": [figures with id,
    speaker, text and transcripts]}; figures as in `figures`."""
    return {
        "speakers": {s: figures([r for r in results if r.speaker == s]) for s in speakers
                     if any(r.speaker == s for r in results)},
        "all": figures(results),
        "utterances": [{"id": r.id, "speaker": r.speaker, "text": r.text, **figures([r]), "transcripts": r.transcripts}
                       for r in results],
    }


def figures(results):
    """The figures of a group of UtteranceResults, pooled over their frames: utterances, frames,
    voiced_frames (voiced in both), mel_l1, mcd_db, f0_rmse_hz, f0_rmse_cents (None where no frame
    is voiced in both), vuv_error; and under "audio", per vocoder (and ORIGINAL), wer and mcd_db."""
    predicted, reference = _stack(r.mel for r in results), _stack(r.reference_mel for r in results)
    f0, reference_f0 = _stack(r.f0 for r in results), _stack(r.reference_f0 for r in results)
    out = {
        "utterances": len(results),
        "frames": len(reference),
        "voiced_frames": int(voiced_in_both(f0, reference_f0).sum()),
        "mel_l1": float(np.abs(predicted - reference).mean()),
        "mcd_db": mel_cepstral_distortion(predicted, reference, order=_mcd_order(reference), align=False),
        "f0_rmse_hz": f0_rmse(f0, reference_f0),
        "f0_rmse_cents": f0_rmse_cents(f0, reference_f0),
        "vuv_error": voicing_error(f0, reference_f0),
    }
    texts = [r.text for r in results]
    out["audio"] = {}
    for name in ([ORIGINAL] if ORIGINAL in results[0].transcripts else []) + list(results[0].vocoded):
        row = {}
        if name in results[0].transcripts:
            row["wer"] = word_error_rate(texts, [r.transcripts[name] for r in results], normalize=spoken_text)
        if name in results[0].vocoded:
            pairs = [r.vocoded[name] for r in results]
            rendered, paired = _stack(a for a, _ in pairs), _stack(b for _, b in pairs)
            row["mcd_db"] = mel_cepstral_distortion(rendered, paired, order=_mcd_order(paired), align=False)
        out["audio"][name] = _rounded(row)
    return _rounded(out)


def _stack(arrays):
    return np.concatenate(list(arrays), axis=0)


def _rounded(figures):
    """Floats to 4 decimals, NaN to None (JSON has no NaN)."""
    return {key: (None if math.isnan(value) else round(value, 4)) if isinstance(value, float) else value
            for key, value in figures.items()}
