"""Diphone coverage: phonemize candidates with espeak-ng and rank them greedily by new diphones."""

import heapq
import logging

from tts.errors import TTSError

BOUNDARY = "#"


def phonemize(texts, *, language="en-us"):
    """Phones per word per sentence ([[["h", "ə"], ...], ...]) from espeak-ng, in one batched call."""
    try:
        from phonemizer.backend import EspeakBackend
        from phonemizer.separator import Separator
    except ImportError:
        raise TTSError("the phonemizer package is missing; install it with: pip install 'tts-toolkit[text]'") from None
    try:
        backend = EspeakBackend(language, with_stress=False, logger=_quiet_logger())
    except RuntimeError as error:
        raise TTSError(f"espeak-ng is not usable ({error}); install it with: sudo apt-get install espeak-ng") from None
    lines = backend.phonemize(list(texts), separator=Separator(phone=" ", word="|", syllable=""), strip=True)
    return [[word.split() for word in line.split("|") if word.strip()] for line in lines]


def _quiet_logger():
    """espeak-ng fuses some function words ("for the" -> one word), which phonemizer reports as a
    word-count mismatch; that is harmless for diphone counting, so only errors are shown."""
    logger = logging.getLogger(f"{__name__}.espeak")
    logger.setLevel(logging.ERROR)
    return logger


def diphones(words):
    """Units a sentence contains: adjacent phone pairs in the running phone stream (so pairs across a
    word boundary count too) plus (#, first) and (last, #) for each word, so that word-initial and
    word-final phones are covered as such."""
    stream = [phone for word in words for phone in word]
    units = set(zip(stream, stream[1:]))
    for word in words:
        if word:
            units.add((BOUNDARY, word[0]))
            units.add((word[-1], BOUNDARY))
    return units


def greedy_rank(unit_sets, count):
    """Indices of up to `count` items, each adding the most units not yet covered.

    Ties go to the lower index, so the order is a pure function of the input. When nothing left adds
    a new unit, coverage restarts from empty so later picks cover every unit a second time. Uses
    lazy evaluation: a gain can only shrink as coverage grows, so a stale heap entry is an upper
    bound, and an entry whose recomputed gain still tops the heap is the true best.
    """
    remaining = set(range(len(unit_sets)))
    chosen, covered = [], set()
    heap = [(-len(unit_sets[i]), i) for i in sorted(remaining)]
    heapq.heapify(heap)
    while remaining and len(chosen) < count:
        bound, i = heapq.heappop(heap)
        gain = len(unit_sets[i] - covered)
        if gain < -bound:
            heapq.heappush(heap, (-gain, i))
            continue
        if gain == 0 and covered:  # all remaining gains are zero: start a new round of coverage
            covered = set()
            heap = [(-len(unit_sets[j]), j) for j in sorted(remaining)]
            heapq.heapify(heap)
            continue
        chosen.append(i)
        remaining.discard(i)
        covered |= unit_sets[i]
    return chosen


def coverage(unit_sets, chosen):
    """(covered units, units in the whole pool) for the chosen indices."""
    pool = set().union(*unit_sets) if unit_sets else set()
    picked = set().union(*(unit_sets[i] for i in chosen)) if chosen else set()
    return len(picked), len(pool)


def deal(ranked, speakers, per_speaker, shared):
    """Sentence indices per speaker: the first `shared` ranked ones for everybody, then every
    `speakers`-th of the rest from the speaker's own offset, so each gets an even share of the
    high-coverage sentences. `ranked` must hold shared + speakers * (per_speaker - shared) items."""
    common, rest = list(ranked[:shared]), list(ranked[shared:])
    own = per_speaker - shared
    if len(rest) < speakers * own:
        raise ValueError(f"need {shared + speakers * own} ranked sentences, got {len(ranked)}")
    return [common + rest[s::speakers][:own] for s in range(speakers)]
