"""Per-utterance features cached on disk beside a manifest, keyed by what they depend on.

    <manifest folder>/<manifest stem>.cache/mel-<spec digest>/<id>.npy     log-mel [frames, n_mels]
    <manifest folder>/<manifest stem>.cache/audio-<rate>/<id>.npy          int16 waveform at `rate`
    <manifest folder>/<manifest stem>.cache/audio-<rate>-below-<hz>/<id>.npy   the same, band-limited
    <manifest folder>/<manifest stem>.cache/f0-<spec digest>/<id>.npy      frame F0 in Hz [frames], 0 unvoiced

A different FeatureSpec or rate never reads another's cache; every file is written atomically, so
a killed run leaves no half-written feature behind.
"""

import hashlib
import json
from pathlib import Path

import numpy as np
import torch

from tts import audio
from tts.atomic import atomic_path
from tts.mel import mel
from tts.pitch import frame_f0

INT16_SCALE = 32768.0


def cache_root(manifest_path, cache_dir=""):
    """`cache_dir`, or `<manifest folder>/<manifest stem>.cache` when it is empty."""
    manifest_path = Path(manifest_path)
    return Path(cache_dir) if cache_dir else manifest_path.with_name(f"{manifest_path.stem}.cache")


def mel_cache_dir(manifest_path, spec, cache_dir=""):
    return cache_root(manifest_path, cache_dir) / f"mel-{spec_digest(spec)}"


def audio_cache_dir(manifest_path, sample_rate, cache_dir="", band_limit_hz=None):
    limit = f"-below-{band_limit_hz:g}" if band_limit_hz else ""
    return cache_root(manifest_path, cache_dir) / f"audio-{sample_rate}{limit}"


def spec_digest(spec):
    text = json.dumps(spec.to_dict(), sort_keys=True)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def cached_mel(audio_path, mel_path, spec):
    """Frames of the mel of `audio_path` under `spec`, computing and caching it on first use."""
    mel_path = Path(mel_path)
    if mel_path.is_file():
        return int(np.load(mel_path, mmap_mode="r").shape[0])
    wav, _ = audio.load(audio_path, sample_rate=spec.sample_rate)
    features = mel(torch.from_numpy(wav), spec).numpy()
    _save(mel_path, features)
    return len(features)


def cached_audio(audio_path, wav_path, sample_rate, band_limit_hz=None):
    """Samples of `audio_path` at `sample_rate` (without what lies above `band_limit_hz`, when
    given), caching the int16 waveform on first use."""
    wav_path = Path(wav_path)
    if wav_path.is_file():
        return int(np.load(wav_path, mmap_mode="r").shape[0])
    wav, _ = audio.load(audio_path, sample_rate=sample_rate)
    if band_limit_hz:
        wav = audio.band_limit(wav, sample_rate=sample_rate, cutoff_hz=band_limit_hz)
    _save(wav_path, np.clip(np.round(wav * INT16_SCALE), -INT16_SCALE, INT16_SCALE - 1).astype(np.int16))
    return len(wav)


def load_cached_audio(wav_path, start=0, stop=None):
    """Samples [start, stop) of a cached waveform as float32 in [-1, 1), read through a memory map."""
    return np.load(wav_path, mmap_mode="r")[start:stop].astype(np.float32) / INT16_SCALE


def _save(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        np.save(f, array)


def f0_cache_dir(manifest_path, spec, cache_dir=""):
    return cache_root(manifest_path, cache_dir) / f"f0-{spec_digest(spec)}"


def cached_f0(audio_path, f0_path, spec):
    """Frame F0 (Hz, 0 unvoiced) of `audio_path` under `spec`, computed and cached on first use."""
    f0_path = Path(f0_path)
    if f0_path.is_file():
        return np.load(f0_path)
    wav, _ = audio.load(audio_path, sample_rate=spec.sample_rate)
    f0 = frame_f0(wav, spec)
    f0_path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(f0_path) as tmp, open(tmp, "wb") as f:
        np.save(f, f0)
    return f0
