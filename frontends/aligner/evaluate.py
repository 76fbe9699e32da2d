"""Word-boundary error of aligned durations against reference word timings.

Reference files (the bootstrap corpus writes them for its festival speakers):
`<alignments dir>/<id>.json` = {"id", "speaker", "sample_rate", "words": [{"word", "start", "end"}]}
with times in seconds from the start of the audio file.

Which boundaries count: every matched word's start AND its end, scored separately. A word starts
where its first phoneme starts and ends where its last phoneme ends; separators and pause tokens
between words belong to no word, so across a pause a word's end and the next word's start differ,
as they do in the reference. The words of the transcript and of the reference are matched in
order after normalization (lowercase, letters and digits only); where the two split text
differently ("fifty-five" vs "fifty" "five") the group is matched as one unit, and words that
cannot be matched are skipped and counted.
"""

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tts.errors import TTSError

TOLERANCE_S = 0.025  # a boundary within 25 ms of the reference counts as right


@dataclass(frozen=True)
class BoundaryReport:
    utterances: int
    reference_words: int
    matched_words: int  # reference words inside a matched unit
    boundaries: int  # starts and ends scored
    mean_error_ms: float
    within_tolerance: float  # share of boundaries within TOLERANCE_S

    def line(self, label):
        return (
            f"{label}: {self.mean_error_ms:.1f} ms mean word-boundary error, "
            f"{self.within_tolerance:.1%} within {TOLERANCE_S * 1000:.0f} ms "
            f"({self.boundaries} boundaries, {self.matched_words}/{self.reference_words} words "
            f"matched, {self.utterances} utterances)"
        )


def word_spans(durations, word_of, n_words):
    """[n_words, 2] (first frame, end frame) of each word from per-phoneme durations."""
    ends = np.cumsum(durations)
    starts = ends - np.asarray(durations)
    word_of = np.asarray(word_of)
    spans = np.full((n_words, 2), -1, dtype=np.int64)
    for word in range(n_words):
        members = np.flatnonzero(word_of == word)
        if len(members) == 0:
            raise TTSError(f"word {word} has no phonemes")
        spans[word] = starts[members[0]], ends[members[-1]]
    return spans


def match_words(predicted, reference):
    """Matched units as (predicted index range, reference index range) pairs, in order."""
    pred_keys, ref_keys = [_key(w) for w in predicted], [_key(w) for w in reference]
    units = []
    matcher = difflib.SequenceMatcher(a=pred_keys, b=ref_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            units += [((i, i + 1), (j, j + 1)) for i, j in zip(range(i1, i2), range(j1, j2))]
        elif tag == "replace":
            units += _regroup(pred_keys, ref_keys, i1, i2, j1, j2)
    return units


def _regroup(pred_keys, ref_keys, i1, i2, j1, j2):
    """Units of a replaced block where runs of words on both sides spell the same letters."""
    units, i, j = [], i1, j1
    while i < i2 and j < j2:
        start_i, start_j = i, j
        pred_text, ref_text = pred_keys[i], ref_keys[j]
        i, j = i + 1, j + 1
        while pred_text != ref_text:
            if len(pred_text) < len(ref_text) and i < i2 and ref_text.startswith(pred_text):
                pred_text, i = pred_text + pred_keys[i], i + 1
            elif len(ref_text) < len(pred_text) and j < j2 and pred_text.startswith(ref_text):
                ref_text, j = ref_text + ref_keys[j], j + 1
            else:
                return units  # the spellings disagree: the rest of the block stays unmatched
        units.append(((start_i, i), (start_j, j)))
    return units


def _key(word):
    return re.sub(r"[\W_]", "", word.lower())


def read_reference(path):
    """[(word, start_s, end_s)] from a reference alignment file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [(w["word"], float(w["start"]), float(w["end"])) for w in data["words"]]
    except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise TTSError(f"{path}: not a reference alignment ({error})") from None


def utterance_errors(record, reference, frame_seconds):
    """(absolute boundary errors in seconds, matched reference words) for one utterance."""
    spans = word_spans(record.durations, record.word_of, len(record.words)) * frame_seconds
    errors, matched = [], 0
    for (i1, i2), (j1, j2) in match_words(record.words, [word for word, _, _ in reference]):
        errors.append(abs(spans[i1, 0] - reference[j1][1]))
        errors.append(abs(spans[i2 - 1, 1] - reference[j2 - 1][2]))
        matched += j2 - j1
    return errors, matched


def evaluate(records, reference_dir, frame_seconds):
    """{speaker: BoundaryReport} plus "all", over the records that have a reference file."""
    reference_dir = Path(reference_dir)
    if not reference_dir.is_dir():
        raise TTSError(f"{reference_dir}: no such reference alignments folder")
    per_speaker = {}
    for record in records:
        path = reference_dir / f"{record.id}.json"
        if path.is_file():
            per_speaker.setdefault(record.speaker, []).append((record, read_reference(path)))
    if not per_speaker:
        raise TTSError(f"{reference_dir}: no reference alignment matches an aligned utterance")
    reports = {speaker: _report(pairs, frame_seconds) for speaker, pairs in sorted(per_speaker.items())}
    reports["all"] = _report([pair for pairs in per_speaker.values() for pair in pairs], frame_seconds)
    return reports


def _report(pairs, frame_seconds):
    errors, matched, reference_words = [], 0, 0
    for record, reference in pairs:
        utterance, n_matched = utterance_errors(record, reference, frame_seconds)
        errors += utterance
        matched += n_matched
        reference_words += len(reference)
    errors = np.asarray(errors)
    return BoundaryReport(
        utterances=len(pairs),
        reference_words=reference_words,
        matched_words=matched,
        boundaries=len(errors),
        mean_error_ms=float(errors.mean() * 1000) if len(errors) else float("nan"),
        within_tolerance=float((errors <= TOLERANCE_S + 1e-9).mean()) if len(errors) else float("nan"),
    )
