"""Build a whole corpus: pick sentences, synthesize them in worker processes, write the index and report.

Everything is written into a hidden staging directory beside the destination, which is renamed into
place only once the report is written, so a half-built corpus never appears under the requested name.
"""

import json
import multiprocessing
import os
import shutil
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

from tqdm import tqdm

from tts.atomic import write_text_atomic
from tts.corpora.bootstrap import coverage, engines, layouts, report, sentences
from tts.corpora.bootstrap.render import render, warm_up
from tts.errors import TTSError, UsageError

LAYOUTS = ("ljspeech", "vctk")
MIN_POOL = 4000  # candidate sentences; a fixed floor keeps the ranking the same across corpus sizes
REPORT = "bootstrap_report.json"


def bootstrap(out, *, layout, per_speaker=20, vctk_version="0.92", seed=0, jobs=2, force=False,
              speakers=None, progress=False):
    """Synthesize an LJSpeech- or VCTK-layout corpus into `out` and return the report (a dict).

    per_speaker: utterances per speaker (LJSpeech has one). speakers: optional subset of speaker ids
    (e.g. ["p225", "p230"]) to build. Raises UsageError for bad arguments and TTSError when `out`
    is taken or a voice engine is missing.
    """
    started = time.monotonic()
    target, roster = _validate(layout, per_speaker, vctk_version, jobs, speakers)
    out = Path(os.path.abspath(out))  # "." and "x/.." get a real name and parent to stage beside
    _check_destination(out, force)
    engines.check_installed([voice for _, voice in roster])

    shared = target.shared_count(per_speaker)
    needed = shared + len(roster) * (per_speaker - shared)
    pool = sentences.generate(max(MIN_POOL, 4 * needed), seed=seed)
    units = [coverage.diphones(words) for words in coverage.phonemize([s.normalized for s in pool])]
    ranked = coverage.greedy_rank(units, needed)
    dealt = coverage.deal(ranked, len(roster), per_speaker, shared)
    items = target.plan([(spk, voice, [pool[i] for i in idx]) for (spk, voice), idx in zip(roster, dealt)])
    covered, in_pool = coverage.coverage(units, ranked)

    staging = _make_staging(out)
    try:
        seconds = _render_all(items, staging, jobs, progress)
        target.write_index(staging, items)
        built = report.summarize(
            target=target, seed=seed, items=items, seconds=seconds, covered=covered, pool_diphones=in_pool,
            pool_sentences=len(pool), wall_seconds=time.monotonic() - started,
        )
        write_text_atomic(staging / REPORT, json.dumps(built, indent=2) + "\n")
        _install(staging, out)
    except OSError as error:  # disk full, permissions: the staging directory goes, nothing half-built stays
        raise TTSError(f"cannot write the corpus to {out}: {error.strerror or error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return built


def _validate(layout, per_speaker, vctk_version, jobs, speakers):
    if layout not in LAYOUTS:
        raise UsageError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    if vctk_version not in layouts.VCTK_VERSIONS:
        raise UsageError(f"unknown VCTK version {vctk_version!r}; choose one of {', '.join(layouts.VCTK_VERSIONS)}")
    if per_speaker < 1 or jobs < 1:
        raise UsageError("--per-speaker and --jobs must be at least 1")
    target = layouts.make(layout, vctk_version)
    roster = target.speakers()
    if speakers is not None:
        known = [spk for spk, _ in roster]
        unknown = sorted(set(speakers) - set(known))
        if unknown or not speakers:
            raise UsageError(f"unknown speakers {unknown}; the {layout} speakers are {', '.join(known)}")
        roster = [(spk, voice) for spk, voice in roster if spk in speakers]
    return target, roster


def _check_destination(out, force):
    if out.exists() and not out.is_dir():
        raise TTSError(f"{out} exists and is not a directory; choose another --out")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise TTSError(f"{out} already exists and is not empty; choose another --out or pass --force to replace it")
        if not (out / REPORT).is_file():
            raise TTSError(f"refusing to replace {out}: it holds no {REPORT}, so it was not built by this command")


def _beside(out, tag):
    """A hidden, unused name in out's directory (same file system, so renames are atomic)."""
    return out.parent / f".{out.name}.{tag}-{uuid.uuid4().hex[:8]}"


def _make_staging(out):
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = _beside(out, "partial")
        staging.mkdir()  # not mkdtemp: its 0700 mode would become the corpus root's
        return staging
    except OSError as error:
        raise TTSError(f"cannot write beside {out}: {error.strerror}") from None


def _render_all(items, root, jobs, progress):
    """Seconds of audio per item, rendered by `jobs` worker processes. They are forked before any
    thread starts, so they inherit the loaded modules; spawned ones would re-import the CLI each."""
    context = multiprocessing.get_context("fork")
    warm_up()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        try:
            results = pool.map(partial(render, root=root), items)
            return list(tqdm(results, total=len(items), unit="utt", disable=not progress))
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _install(staging, out):
    """Move the finished corpus to `out`; an old corpus there (checked by _check_destination) goes last."""
    old = None
    if out.is_dir() and any(out.iterdir()):
        old = _beside(out, "old")
        out.rename(old)
    elif out.is_dir():
        out.rmdir()
    staging.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
