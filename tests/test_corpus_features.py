"""`tts corpus features`: the caches the training stages read, filled ahead of them."""

import numpy as np

from corpus_fixtures import VCTK_RATE, write_tone
from frontends.aligner.data import AlignerDataConfig
from tts.cli.main import main
from tts.corpora.manifest import ManifestEntry, write_manifest
from tts.feature_cache import audio_cache_dir, cached_audio, cached_f0, cached_mel, f0_cache_dir, mel_cache_dir
from tts.features import FeatureSpec


def manifest_of(tmp_path, n, *, broken=()):
    entries = []
    for index in range(n):
        key = f"p225_{index:03d}"
        path = write_tone(tmp_path / "wavs" / f"{key}.wav", 0.4, VCTK_RATE, seed=index)
        if key in broken:
            path.write_bytes(b"")
        entries.append(ManifestEntry(key, "p225", "A short text.", path, 0.4, VCTK_RATE))
    manifest = tmp_path / "data" / "corpus.jsonl"
    manifest.parent.mkdir()
    write_manifest(manifest, entries)
    return manifest, entries


def test_caches_exactly_what_the_stages_would_compute(tmp_path, capsys):
    manifest, entries = manifest_of(tmp_path, 3)
    assert main(["corpus", "features", "--manifest", str(manifest), "--jobs", "2"]) == 0
    assert "cached features of 3 utterances (0 skipped)" in capsys.readouterr().out
    voice, aligner = FeatureSpec(), AlignerDataConfig().spec
    band = voice.fmax  # the excitation WaveNet's audio ends at the mel's fmax (8 kHz of 11.025)
    folders = [mel_cache_dir(manifest, voice), f0_cache_dir(manifest, voice),
               audio_cache_dir(manifest, voice.sample_rate), mel_cache_dir(manifest, aligner),
               audio_cache_dir(manifest, voice.sample_rate, band_limit_hz=band)]
    for folder in folders:
        assert sorted(path.stem for path in folder.iterdir()) == [entry.id for entry in entries]
    # The stages' own cache functions find them and return the same values they would compute.
    entry, name = entries[0], f"{entries[0].id}.npy"
    fresh = tmp_path / "fresh"
    for folder, compute in [
        (folders[0], lambda path: cached_mel(entry.path, path, voice)),
        (folders[1], lambda path: cached_f0(entry.path, path, voice)),
        (folders[2], lambda path: cached_audio(entry.path, path, voice.sample_rate)),
        (folders[3], lambda path: cached_mel(entry.path, path, aligner)),
        (folders[4], lambda path: cached_audio(entry.path, path, voice.sample_rate, band)),
    ]:
        compute(fresh / folder.name / name)
        np.testing.assert_array_equal(np.load(folder / name), np.load(fresh / folder.name / name))

    # A second run computes nothing: every file is kept as it was.
    times = {path: path.stat().st_mtime_ns for folder in folders for path in folder.iterdir()}
    assert main(["corpus", "features", "--manifest", str(manifest), "--jobs", "1"]) == 0
    assert {path: path.stat().st_mtime_ns for path in times} == times


def test_unreadable_audio_is_skipped_and_named(tmp_path, capsys):
    manifest, _ = manifest_of(tmp_path, 2, broken={"p225_001"})
    assert main(["corpus", "features", "--manifest", str(manifest), "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "skipped p225_001: " in out and "cached features of 1 utterances (1 skipped)" in out


def test_aligner_config_chooses_the_aligner_spec(tmp_path):
    manifest, _ = manifest_of(tmp_path, 1)
    config = tmp_path / "aligner.yaml"
    config.write_text("data:\n  spec:\n    n_fft: 256\n    win_length: 256\n    n_mels: 40\n", encoding="utf-8")
    assert main(["corpus", "features", "--manifest", str(manifest), "--aligner-config", str(config), "--jobs", "1"]) == 0
    spec = FeatureSpec(n_fft=256, win_length=256, n_mels=40)
    assert np.load(mel_cache_dir(manifest, spec) / "p225_000.npy").shape[1] == 40
