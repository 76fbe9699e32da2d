"""Frontend: text -> Utterances with normalized text, words, phonemes, ids and (with a duration
model) durations. The one composition of normalization, sentence splitting, G2P and durations that
the CLI, the Voice and the demo all use.

    frontend = Frontend(duration_model=DurationModel.load("duration.safetensors"))
    utterance = frontend("Dr. Smith paid $1.50.", speaker="p225")        # one sentence
    for utterance in frontend.sentences(long_text, speaker=3): ...     # long text, lazily

Phoneme sequences are framed by a word separator at both ends (frontends.aligner.transcribe), the
form the aligner wrote durations for, so the duration and acoustic models see what they learned.
"""

from collections import Counter

import numpy as np

from frontends.aligner.transcribe import frame_utterance
from frontends.g2p import G2P
from frontends.normalize import Report, check_date_order, normalize
from frontends.sentences import DEFAULT_MAX_CHARS, split_sentences
from tts.errors import TTSError, UsageError
from tts.utterance import Utterance


class Frontend:
    """g2p: a frontends.g2p.G2P (built with `lexicon` when not given); duration_model: anything with
    `predict(ids, speaker, *, speed) -> frames` and a `config.inventory` matching the G2P's;
    date_order: "month-first" ("12/05/2026" is December fifth) or "day-first" (the twelfth of May)."""

    def __init__(self, *, g2p=None, lexicon=None, duration_model=None, max_chars=DEFAULT_MAX_CHARS,
                 date_order="month-first"):
        check_date_order(date_order)
        self.date_order = date_order
        self.g2p = g2p if g2p is not None else G2P(lexicon=lexicon)
        self.inventory = self.g2p.inventory
        self.duration_model = duration_model
        self.max_chars = max_chars
        if duration_model is not None:
            trained_on = duration_model.config.inventory_version
            if trained_on != self.inventory.version:
                raise TTSError(
                    f"duration model was trained on phoneme inventory {trained_on!r} but the G2P uses "
                    f"{self.inventory.version!r}; retrain it or use a matching frontend"
                )

    def __call__(self, text, *, speaker=None, speed=1.0):
        """One Utterance for `text` (meant for one sentence; see `sentences` for long text)."""
        if not isinstance(text, str) or not text.strip():
            raise UsageError("empty text: give some words to speak")
        normalized = normalize(text, date_order=self.date_order)
        phonemized = self.g2p.phonemize(normalized.text)
        if not phonemized.words:
            raise UsageError(f"nothing to speak in {text[:40]!r}: it has no words after normalization"
                             f"{_dropped_note(normalized.report.dropped)}")
        phonemes, word_of = frame_utterance(phonemized.phonemes, phonemized.word_of)
        ids, unknown = self.inventory.ids(phonemes)  # G2P already filtered: `unknown` stays empty
        utterance = Utterance(
            text=text,
            normalized=normalized.text,
            words=phonemized.words,
            phonemes=phonemes,
            ids=ids,
            phoneme_words=np.asarray(word_of, dtype=np.int64),
            speaker=speaker,
            report=_merge_reports(normalized.report, phonemized.report, unknown),
        )
        if self.duration_model is not None:
            durations = self.duration_model.predict(ids, speaker if speaker is not None else 0, speed=speed)
            utterance = utterance.with_(durations=durations)
        return utterance

    def sentences(self, text, *, speaker=None, speed=1.0):
        """Utterances for each sentence chunk of `text` (a str or an iterable of str), lazily.

        Chunks with nothing to speak (stray punctuation between sentences) are skipped; text with
        nothing to speak at all is an error.
        """
        spoken = 0
        dropped = Counter()  # from the silent chunks, to name them should nothing be spoken at all
        for chunk in split_sentences(text, max_chars=self.max_chars):
            try:
                utterance = self(chunk, speaker=speaker, speed=speed)
            except UsageError:
                dropped.update(normalize(chunk, date_order=self.date_order).report.dropped)
                continue
            spoken += 1
            yield utterance
        if not spoken:
            raise UsageError(f"nothing to speak: the text has no words after normalization{_dropped_note(dropped)}")


def warning_line(report):
    """One line for the user naming everything dropped or skipped; empty when nothing was."""
    parts = []
    if report.get("dropped"):
        listed = ", ".join(f"{char!r} ×{count}" for char, count in report["dropped"].items())
        count = sum(report["dropped"].values())
        parts.append(f"dropped {count} character{'s' if count != 1 else ''}: {listed}")
    if report.get("unknown_symbols"):
        listed = ", ".join(f"{symbol!r} ×{count}" for symbol, count in report["unknown_symbols"].items())
        parts.append(f"skipped unknown phonemes: {listed}")
    if report.get("unspoken_words"):
        parts.append(f"skipped words with no pronunciation: {', '.join(report['unspoken_words'])}")
    parts.extend(report.get("warnings", ()))
    return "; ".join(parts)


def combined_report(reports):
    """One report for a whole text: counts added up, word and warning lists joined without repeats."""
    merged = {"dropped": {}, "unknown_symbols": {}, "unspoken_words": [], "warnings": []}
    for report in reports:
        for key in ("dropped", "unknown_symbols"):
            for item, count in report.get(key, {}).items():
                merged[key][item] = merged[key].get(item, 0) + count
        for key in ("unspoken_words", "warnings"):
            merged[key].extend(item for item in report.get(key, ()) if item not in merged[key])
    return merged


def _dropped_note(dropped):
    """"; dropped 2 characters: '中' ×1, '文' ×1" for a nothing-to-speak error, or ""."""
    return f"; {Report(dict(dropped)).warning_line()}" if dropped else ""


def _merge_reports(normalization, g2p, unknown):
    report = normalization.as_dict()
    # Characters the normalizer kept but the G2P could not use (rare: it only keeps speakable ones).
    for char, count in g2p["dropped_characters"].items():
        report["dropped"][char] = report["dropped"].get(char, 0) + count
    unknown_symbols = dict(g2p["unknown_symbols"])
    for symbol, count in unknown.items():
        unknown_symbols[symbol] = unknown_symbols.get(symbol, 0) + count
    report["unknown_symbols"] = unknown_symbols
    report["unspoken_words"] = list(g2p["unspoken_words"])
    return report
