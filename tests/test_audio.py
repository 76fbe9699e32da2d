import os

import numpy as np
import pytest
import soundfile

from tts import audio
from tts.errors import AudioFormatError


def tone(seconds=0.5, rate=22050, freq=220.0, amplitude=0.5):
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


@pytest.mark.parametrize("suffix", [".wav", ".flac"])
def test_save_load_round_trip(tmp_path, suffix):
    wav = tone()
    path = tmp_path / f"a{suffix}"
    audio.save(path, wav, 22050)
    loaded, rate = audio.load(path)
    assert rate == 22050 and loaded.dtype == np.float32 and loaded.shape == wav.shape
    assert np.max(np.abs(loaded - wav)) < 1.0 / 2**14  # 16-bit quantization
    assert audio.info(path).duration == pytest.approx(0.5)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temp file left behind


def test_load_resamples_with_soxr_and_downmixes(tmp_path):
    left, right = tone(rate=16000, freq=300.0), tone(rate=16000, freq=300.0, amplitude=0.1)
    path = tmp_path / "stereo.wav"
    soundfile.write(path, np.stack([left, right], axis=1), 16000)
    wav, rate = audio.load(path, sample_rate=22050)
    assert rate == 22050 and wav.ndim == 1 and len(wav) == int(0.5 * 22050)
    spectrum = np.abs(np.fft.rfft(wav))
    assert np.argmax(spectrum) * 22050 / len(wav) == pytest.approx(300.0, abs=2.0)
    assert np.max(np.abs(wav)) == pytest.approx(0.3, abs=0.01)  # mean of 0.5 and 0.1 amplitudes
    both, _ = audio.load(path, mono=False)
    assert both.shape == (2, 8000)


@pytest.mark.parametrize("content", [b"", b"this is text, not audio\n" * 20, b"RIFF\x00\x00"])
def test_non_audio_file_gives_one_line_error(tmp_path, content):
    path = tmp_path / "fake.wav"
    path.write_bytes(content)
    for read in (audio.load, audio.info):
        with pytest.raises(AudioFormatError, match="fake.wav: not a readable audio file") as caught:
            read(path)
        assert "\n" not in str(caught.value)


def test_missing_file_error(tmp_path):
    with pytest.raises(AudioFormatError, match="no such audio file"):
        audio.load(tmp_path / "absent.wav")


def test_peak_and_loudness_normalization(rng):
    wav = (rng.standard_normal(22050) * 0.01).astype(np.float32)
    assert np.max(np.abs(audio.normalize_peak(wav, peak=0.9))) == pytest.approx(0.9, rel=1e-6)
    assert audio.rms_dbfs(audio.normalize_loudness(wav, target_dbfs=-23.0)) == pytest.approx(-23.0, abs=1e-3)
    loud = audio.normalize_loudness(tone(amplitude=0.01), target_dbfs=0.0, peak_limit=0.5)
    assert np.max(np.abs(loud)) == pytest.approx(0.5, rel=1e-4)  # the peak limit wins over the target
    silence = np.zeros(100, dtype=np.float32)
    assert np.array_equal(audio.normalize_peak(silence), silence)
    assert np.array_equal(audio.normalize_loudness(silence), silence)


def test_trim_silence_keeps_the_sound_and_margins():
    rate = 16000
    sound = tone(seconds=0.4, rate=rate)
    wav = np.concatenate([np.zeros(rate), sound, np.zeros(rate)])
    trimmed = audio.trim_silence(wav, sample_rate=rate, keep_ms=50.0)
    assert len(sound) <= len(trimmed) <= len(sound) + 2 * int(0.05 * rate) + 2 * int(0.025 * rate)
    assert np.max(np.abs(trimmed)) == pytest.approx(0.5, abs=1e-3)


def test_speech_bounds_locate_the_sound_and_match_trim(rng):
    rate = 16000
    wav = np.concatenate([np.zeros(5000), tone(seconds=1.0, rate=rate), np.zeros(7000)]).astype(np.float32)
    wav += 1e-5 * rng.standard_normal(wav.size).astype(np.float32)
    start, end = audio.speech_bounds(wav, sample_rate=rate, keep_ms=50.0)
    assert 5000 - 0.1 * rate < start < 5000 and 5000 + rate < end < 5000 + rate + 0.1 * rate  # 50 ms + a frame
    assert np.array_equal(wav[start:end], audio.trim_silence(wav, sample_rate=rate, keep_ms=50.0))


def test_failed_save_leaves_previous_file_intact(tmp_path):
    path = tmp_path / "keep.wav"
    audio.save(path, tone(), 22050)
    before = path.read_bytes()
    bad = tone()
    bad[10] = np.nan
    with pytest.raises(AudioFormatError, match="NaN"):
        audio.save(path, bad, 22050)
    with pytest.raises(AudioFormatError, match="unsupported audio extension"):
        audio.save(tmp_path / "x.mp3", tone(), 22050)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.wav"]


def test_resample_round_trip_preserves_a_tone():
    wav = tone(seconds=1.0, rate=48000, freq=440.0)
    down = audio.resample(wav, orig_sr=48000, target_sr=22050)
    back = audio.resample(down, orig_sr=22050, target_sr=48000)
    assert len(down) == 22050 and len(back) == 48000
    assert np.max(np.abs(back[1000:-1000] - wav[1000:-1000])) < 1e-3


def test_atomic_writes_get_ordinary_permissions(tmp_path):
    path = tmp_path / "perm.wav"
    audio.save(path, tone(), 22050)
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask


def test_band_limit_keeps_the_band_below_the_cutoff_and_removes_the_rest():
    rate = 22050
    t = np.arange(rate) / rate

    def level_db(frequency):
        tone = np.sin(2 * np.pi * frequency * t).astype(np.float32)
        limited = audio.band_limit(tone, sample_rate=rate, cutoff_hz=8000)
        assert limited.shape == tone.shape and limited.dtype == np.float32
        inner = slice(2000, -2000)  # away from the filter's start and end
        return 20 * np.log10(limited[inner].std() / tone[inner].std())

    assert abs(level_db(3000)) < 0.01 and abs(level_db(7000)) < 0.1
    assert level_db(8000) < -100 and level_db(10000) < -100
    tone = np.sin(2 * np.pi * 10000 * t).astype(np.float32)
    np.testing.assert_array_equal(audio.band_limit(tone, sample_rate=rate, cutoff_hz=rate / 2), tone)
