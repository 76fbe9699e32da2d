"""Copy-synthesis evaluation: each vocoder re-renders recordings from their own mels, and the result
is scored against the recording.

For every utterance: the reference audio at the vocoder's rate, its log-mel under the vocoder's
FeatureSpec (and its analysed F0 for vocoders that need one), the vocoder's waveform from those (and
the speaker), then real-time factor, PESQ, STOI, MCD (the mel of the output against the
reference's, frame for frame) and DNSMOS, which needs no reference, so the recordings get it too:
their sound is what a vocoder that learns from them aims at. Given a recognizer, the output is
also transcribed for a word error rate against the manifest's text; `score_recordings` gives the
recordings' own WER, the floor the recognizer allows. `evaluate_copy_synthesis` runs it all over a
manifest, as `tts eval copy` does.
"""

import time
from dataclasses import dataclass

import numpy as np
import torch

from tts import audio
from tts.corpora.holdout import read_held_out_ids
from tts.corpora.manifest import read_manifest
from tts.corpora.speakers import manifest_speaker_order
from tts.durations import read_durations
from tts.errors import TTSError, UsageError
from tts.evaluation.mel_ceiling import mel_with_own_phase
from tts.evaluation.spoken import spoken_text
from tts.mel import mel
from tts.metrics.dnsmos import Dnsmos, dnsmos, mean_dnsmos
from tts.metrics.intelligibility import Recognizer, scoring_text, word_error_rate
from tts.metrics.mcd import mel_cepstral_distortion
from tts.metrics.quality import pesq_score, stoi_score
from tts.pitch import frame_f0
from tts.registry import load_vocoder_class, load_with_options
from tts.utterance import Utterance


@dataclass(frozen=True)
class UtteranceScores:
    id: str
    seconds: float  # audio length
    render_seconds: float  # wall time of the vocoder alone
    pesq: float
    stoi: float
    mcd_db: float
    dnsmos: Dnsmos
    text: str
    transcript: str | None = None  # what the recognizer heard, when one was given


def evaluate_copy_synthesis(manifest_path, vocoders, *, ids_path=None, durations_path=None, limit=None,
                            world_reference=False, mel_ceiling=False, vocoder_options=None):
    """{row: summary} of the manifest's recordings: their own DNSMOS and, when every one has words to score,
    WER ("original"), each of `vocoders` ((name, path or None) pairs, at least one, loaded by `load_vocoders` with
    `vocoder_options`, which its row then records), then WORLD's analysis-synthesis ("world-analysis")
    when `world_reference`, and each recording rebuilt from its mel with its own phase ("mel-own-phase",
    tts.evaluation.mel_ceiling) when `mel_ceiling`. Only the ids listed in the JSON file `ids_path` are
    scored, at most `limit`; `durations_path` (from `tts align`) gives the phonemes and durations of
    vocoders that need them."""
    entries = read_manifest(manifest_path)
    if ids_path is not None:
        wanted = set(read_held_out_ids(ids_path))
        entries = [entry for entry in entries if entry.id in wanted]
    entries = entries[:limit] if limit else entries
    if not entries:
        raise UsageError("no utterance to score: check --ids against the manifest")
    speakers = manifest_speaker_order(manifest_path) or sorted({entry.speaker for entry in entries})
    speaker_index = {speaker: index for index, speaker in enumerate(speakers)}
    alignments = None
    if durations_path is not None:
        alignments = {record.id: record for record in read_durations(durations_path).records}
    loaded = load_vocoders(vocoders, vocoder_options)
    # WER needs every utterance's text; the recordings' own WER is the floor the recognizer allows.
    recognizer = Recognizer() if all(scoring_text(entry.text, normalize=spoken_text) for entry in entries) else None
    report = {"original": score_recordings(entries, recognizer)}
    for name, vocoder in loaded:
        report[name] = summary(copy_synthesis(vocoder, entries, speaker_index, alignments, recognizer))
        if vocoder_options and name in vocoder_options:  # the row says how it rendered
            report[name]["options"] = vocoder_options[name]
    if world_reference:
        world = load_vocoder_class("world")(loaded[0][1].spec)

        def render(entry, reference, features):
            return world.analysis_synthesis(reference)

        report["world-analysis"] = summary(score_resynthesis(render, entries, world.spec, recognizer))
    if mel_ceiling:
        spec = loaded[0][1].spec

        def rebuild(entry, reference, features):
            return mel_with_own_phase(reference, features, spec)

        report["mel-own-phase"] = summary(score_resynthesis(rebuild, entries, spec, recognizer))
    return report


def load_vocoders(specs, options=None):
    """[(name, vocoder)] of (name, path or None) pairs, every name checked before any file loads: those
    with files first, each `load` given options[name] ({option: value}, as a voice's vocoder_options),
    then the file-less ones (such as griffinlim) on the first one's FeatureSpec."""
    classes = [(name, load_vocoder_class(name), path) for name, path in specs]
    options = options or {}
    if unused := set(options) - {name for name, _, path in classes if path}:
        raise UsageError(f"--vocoder-option: {sorted(unused)} must be among the vocoders given with files")
    loaded, spec = [], None
    for name, cls, path in classes:
        if path:
            vocoder = load_with_options(cls, path, options.get(name, {}), where=f"--vocoder-option of {name!r}",
                                        error=UsageError)
            spec = spec or vocoder.spec
            loaded.append((name, vocoder))
    for name, cls, path in classes:
        if not path:
            loaded.append((name, cls(spec) if spec is not None else cls()))
    return loaded


def copy_synthesis(vocoder, entries, speaker_index, alignments=None, recognizer=None):
    """UtteranceScores for each manifest entry; `speaker_index` maps speaker ids to the vocoder's.
    `alignments` ({id: record with .phonemes and .durations}, from a durations file in the vocoder's
    frames) supplies the phonemes and durations of vocoders that need them."""
    needs_alignment = {"phonemes", "durations"} & set(vocoder.needs)

    def render(entry, reference, features):
        if entry.speaker not in speaker_index:
            raise TTSError(f"{entry.id}: speaker {entry.speaker!r} is not one of the vocoder's {sorted(speaker_index)}")
        f0 = frame_f0(reference, vocoder.spec) if "f0" in vocoder.needs else None  # analysis F0 for copy-synthesis
        utterance = Utterance(entry.text, mel=features, f0=f0, speaker=speaker_index[entry.speaker])
        if needs_alignment:
            if not alignments or entry.id not in alignments:
                raise TTSError(
                    f"{entry.id}: vocoder {vocoder.name!r} needs phonemes and durations: pass a durations file that has it"
                )
            record = alignments[entry.id]
            if record.n_frames != len(features):
                raise TTSError(f"{entry.id}: the durations cover {record.n_frames} frames, the audio has {len(features)}")
            utterance = utterance.with_(phonemes=record.phonemes, durations=record.durations)
        return vocoder([utterance])[0]

    return score_resynthesis(render, entries, vocoder.spec, recognizer)


def score_resynthesis(render, entries, spec, recognizer=None):
    """UtteranceScores of `render(entry, reference wav, reference log-mel) -> wav` for each entry,
    timing the render alone."""
    scores = []
    for entry in entries:
        reference, _ = audio.load(entry.path, sample_rate=spec.sample_rate)
        features = mel(torch.from_numpy(reference), spec).numpy()
        reference = reference[: len(features) * spec.hop_length]
        start = time.perf_counter()
        wav = render(entry, reference, features)
        render_seconds = time.perf_counter() - start
        output_mel = mel(torch.from_numpy(np.ascontiguousarray(wav)), spec).numpy()
        scores.append(
            UtteranceScores(
                id=entry.id,
                seconds=len(reference) / spec.sample_rate,
                render_seconds=render_seconds,
                pesq=pesq_score(wav, reference, spec.sample_rate),
                stoi=stoi_score(wav, reference, spec.sample_rate),
                mcd_db=mel_cepstral_distortion(output_mel, features, align=False),
                dnsmos=dnsmos(wav, spec.sample_rate),
                text=entry.text,
                transcript=recognizer.transcribe(wav, spec.sample_rate) if recognizer else None,
            )
        )
    return scores


def score_recordings(entries, recognizer=None):
    """The recordings' own figures, at their own rate: {utterances, audio_seconds, dnsmos_sig, dnsmos_bak,
    dnsmos_ovrl} and, given a recognizer, wer."""
    transcripts, qualities, seconds = [], [], 0.0
    for entry in entries:
        wav, sample_rate = audio.load(entry.path)
        qualities.append(dnsmos(wav, sample_rate))
        if recognizer:
            transcripts.append(recognizer.transcribe(wav, sample_rate))
        seconds += len(wav) / sample_rate
    figures = {"utterances": len(entries), "audio_seconds": round(seconds, 2), **mean_dnsmos(qualities)}
    if recognizer:
        figures["wer"] = round(word_error_rate([entry.text for entry in entries], transcripts, normalize=spoken_text), 4)
    return figures



def summary(scores):
    """Means over utterances, with the RTF as total render time over total audio and the WER over all
    of them (when they were transcribed)."""
    figures = {
        "utterances": len(scores),
        "audio_seconds": round(sum(s.seconds for s in scores), 2),
        "rtf": round(sum(s.render_seconds for s in scores) / sum(s.seconds for s in scores), 4),
        "pesq": round(float(np.mean([s.pesq for s in scores])), 3),
        "stoi": round(float(np.mean([s.stoi for s in scores])), 3),
        "mcd_db": round(float(np.mean([s.mcd_db for s in scores])), 2),
        **mean_dnsmos([s.dnsmos for s in scores]),
    }
    if scores[0].transcript is not None:
        texts, transcripts = [s.text for s in scores], [s.transcript for s in scores]
        figures["wer"] = round(word_error_rate(texts, transcripts, normalize=spoken_text), 4)
    return figures
