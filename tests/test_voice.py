"""The Voice: loading and pairing components, synthesis, streaming, speakers, speed, the builder."""

import json
import threading
import time

import numpy as np
import pytest

import tts.voice
from tts.errors import SpecMismatchError, TTSError, UsageError
from tts.features import FeatureSpec
from tts.voice import SENTENCE_GAP_SECONDS, Voice
from tts.voice_files import VOICE_FILE, VoiceFiles
from voice_fixtures import FRAMES_PER_PHONEME, SPEC, build_tiny_voice

TWO_SENTENCES = "The cat sat on the mat. A dog barked twice!"


def test_synthesize_fills_every_stage_and_joins_sentences(voice):
    result = voice.synthesize(TWO_SENTENCES, speaker="p226")
    assert result.sample_rate == SPEC.sample_rate == voice.sample_rate
    assert result.audio.dtype == np.float32 and np.abs(result.audio).max() <= 1.0
    assert len(result.utterances) == 2
    gap = int(round(SENTENCE_GAP_SECONDS * SPEC.sample_rate))
    lengths = [int(u.durations.sum()) * SPEC.hop_length for u in result.utterances]
    assert len(result.audio) == sum(lengths) + gap
    for utterance, n in zip(result.utterances, lengths):
        assert utterance.speaker == 1
        assert utterance.mel.shape == (utterance.durations.sum(), SPEC.n_mels) and len(utterance.f0) == len(utterance.mel)
        assert len(utterance.wav) == n and utterance.sample_rate == SPEC.sample_rate
        assert np.abs(utterance.durations - FRAMES_PER_PHONEME).max() <= 1
    assert set(result.timings) == {"frontend", "acoustic", "vocoder"} and all(t >= 0 for t in result.timings.values())


@pytest.mark.parametrize("vocoder", ["griffinlim", "wavenet"])
def test_stream_yields_the_sentences_synthesize_joins(voice, vocoder):
    whole = voice.synthesize(TWO_SENTENCES, speaker=2, vocoder=vocoder)
    # synthesize renders its sentences as one batch: the same batch through stream is the same audio
    chunks = list(voice.stream(TWO_SENTENCES, speaker=2, vocoder=vocoder, batch_sentences=8))
    assert len(chunks) == 2
    gap = int(round(SENTENCE_GAP_SECONDS * SPEC.sample_rate))
    assert len(chunks[1].audio) == gap + len(chunks[1].utterances[0].wav) and not chunks[1].audio[:gap].any()
    np.testing.assert_array_equal(np.concatenate([chunks[0].audio, chunks[1].audio]), whole.audio)


def test_wavenet_pieces_join_to_exactly_the_sentence_audio(voice):
    sentences = [chunk.audio for chunk in voice.stream(TWO_SENTENCES, vocoder="wavenet")]
    pieces = list(voice.stream(TWO_SENTENCES, vocoder="wavenet", chunk_frames=4))
    assert len(pieces) > 4
    # each sentence's first piece carries its Utterance, the rest none
    assert [len(p.utterances) for p in pieces].count(1) == 2 and pieces[0].utterances[0].wav is None
    np.testing.assert_array_equal(np.concatenate([p.audio for p in pieces]), np.concatenate(sentences))


def test_griffinlim_pieces_fit_the_spectrogram_as_well_as_whole_sentences(voice):
    import librosa

    from tts.mel import mel_to_magnitude, padding

    sentence = next(voice.stream("The quick brown fox jumps over the lazy dog.", vocoder="griffinlim"))
    pieces = list(voice.stream("The quick brown fox jumps over the lazy dog.", vocoder="griffinlim", chunk_frames=8))
    streamed = np.concatenate([p.audio for p in pieces])
    assert len(pieces) > 3 and len(streamed) == len(sentence.audio)
    target = mel_to_magnitude(sentence.utterances[0].mel, SPEC)

    def spectral_convergence(wav):
        magnitude = np.abs(librosa.stft(np.pad(wav, padding(SPEC)), n_fft=SPEC.n_fft, hop_length=SPEC.hop_length,
                                        win_length=SPEC.win_length, center=False))
        return np.linalg.norm(magnitude - target) / np.linalg.norm(target)

    assert spectral_convergence(streamed) < 1.15 * spectral_convergence(sentence.audio)


def test_chunked_streaming_needs_a_vocoder_that_streams(voice):
    with pytest.raises(UsageError, match="'world' cannot stream within a sentence"):
        next(voice.stream("Hello.", vocoder="world", chunk_frames=8))


def test_batched_sentences_match_one_at_a_time(voice_dir):
    # in float32, padding changes only float rounding (BLAS blocks by shape), never the result
    voice = Voice.load(voice_dir)
    voice.acoustic_dtype = None
    text = "One cat. Two dogs. Three birds. Four fish."
    alone = [chunk.utterances[0] for chunk in voice.stream(text)]
    batched = [chunk.utterances[0] for chunk in voice.stream(text, batch_sentences=3)]
    assert len(alone) == len(batched) == 4
    for a, b in zip(alone, batched):
        assert a.mel.shape == b.mel.shape
        np.testing.assert_allclose(a.mel, b.mel, atol=1e-4)


def test_bf16_inference_stays_close_to_float32(voice_dir):
    import torch

    voice = Voice.load(voice_dir)
    utterance = voice.frontend("The quick brown fox jumps over the lazy dog.", speaker=1)
    model = voice.acoustic_model
    [(full, full_f0)] = model.synthesize_batch([utterance.ids], [utterance.durations], [1])
    [(low, low_f0)] = model.synthesize_batch([utterance.ids], [utterance.durations], [1], dtype=torch.bfloat16)
    assert low.dtype == np.float32 and low.shape == full.shape
    assert np.abs(low - full).mean() < 0.03 and np.abs(low - full).max() < 0.3
    assert ((low_f0 > 0) == (full_f0 > 0)).mean() > 0.95


def test_speakers_change_the_output_and_mix(voice):
    # durations depend on the speaker too, so compare the average spectrum
    mels = {s: voice.synthesize("Hello there.", speaker=s).utterances[0].mel.mean(0) for s in (0, 2, "0:0.5,2:0.5")}
    assert np.abs(mels[0] - mels[2]).max() > 1e-3
    assert voice.resolve_speaker("0:0.5,2:0.5") == {0: 0.5, 2: 0.5}
    assert voice.resolve_speaker("p227:1") == voice.resolve_speaker(2) == 2
    mixed = mels["0:0.5,2:0.5"]
    assert np.abs(mixed - mels[0]).max() > 1e-4 and np.abs(mixed - mels[2]).max() > 1e-4


def test_invalid_speaker_fails_before_any_model_runs(voice, monkeypatch):
    def no_model(*args, **kwargs):
        raise AssertionError("a model ran")

    monkeypatch.setattr(voice.acoustic_model, "synthesize_batch", no_model)
    for bad in ("3", "-1", "p999", "0:0.5,7:0.5", "0:x", "0:0"):
        with pytest.raises(UsageError, match="speaker"):
            voice.synthesize("Hello.", speaker=bad)
    with pytest.raises(UsageError, match=r"valid speakers: 0 \(p225\), 1 \(p226\), 2 \(p227\)"):
        voice.synthesize("Hello.", speaker=5)
    with pytest.raises(UsageError, match="has no vocoder 'hifigan'; it has: griffinlim, world, wavenet"):
        voice.synthesize("Hello.", vocoder="hifigan")
    with pytest.raises(UsageError, match="speed"):
        voice.synthesize("Hello.", speed=0)


def test_speed_scales_the_length(voice):
    normal = voice.synthesize("A fairly long sentence for timing.", speed=1.0).audio
    fast = voice.synthesize("A fairly long sentence for timing.", speed=2.0).audio
    assert len(fast) == pytest.approx(len(normal) / 2, rel=0.1)


def test_every_vocoder_of_the_voice_renders(voice):
    for name in voice.vocoder_names:
        audio = voice.synthesize("Yes.", vocoder=name).audio
        assert audio.dtype == np.float32 and len(audio) > 0 and np.isfinite(audio).all()


def test_text_with_nothing_to_speak_is_a_usage_error(voice):
    for text in ("", "   \n", "...", "?!"):
        with pytest.raises(UsageError):
            voice.synthesize(text)


def test_dropped_characters_are_reported_and_the_rest_spoken(voice):
    result = voice.synthesize("Hello 😀 world 😀.")
    assert result.utterances[0].report["dropped"] == {"😀": 2}
    assert len(result.audio) > 0


def test_a_vocoder_with_another_feature_spec_is_refused(tmp_path, voice_dir):
    other = FeatureSpec(sample_rate=16000, n_fft=256, hop_length=64, win_length=256, n_mels=16, fmax=4000.0)
    (voice_dir.parent / "other.json").write_text(json.dumps({"spec": other.to_dict()}))
    files = VoiceFiles.read(voice_dir)
    data = json.loads((voice_dir / VOICE_FILE).read_text())
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    for name in (files.duration_model, files.acoustic_model):
        (bad_dir / name).write_bytes((voice_dir / name).read_bytes())
    (bad_dir / "griffinlim.json").write_text(json.dumps({"spec": other.to_dict()}))
    data["vocoders"] = {"griffinlim": "griffinlim.json"}
    data["default_vocoder"] = "griffinlim"
    data["checksums"] = {}  # assembled by hand, not by the builder
    (bad_dir / VOICE_FILE).write_text(json.dumps(data))
    with pytest.raises(SpecMismatchError, match="sample_rate: 8000 != 16000"):
        Voice.load(bad_dir).synthesize("Hello.")


def test_a_vocoder_for_other_speakers_is_refused(tmp_path):
    mismatch = r"'wavenet' vocoder was trained for speakers \['x', 'y', 'z'\]"
    with pytest.raises(TTSError, match=mismatch):  # the builder refuses the pair outright
        build_tiny_voice(tmp_path / "other", wavenet_speakers=("x", "y", "z"))
    assert not (tmp_path / "other" / "voice").exists()
    voice_dir = build_tiny_voice(tmp_path, vocoders={"griffinlim": None})
    data = json.loads((voice_dir / VOICE_FILE).read_text())
    (voice_dir / "wavenet.safetensors").write_bytes((tmp_path / "other" / "parts" / "wavenet.safetensors").read_bytes())
    data["vocoders"]["wavenet"] = "wavenet.safetensors"  # added by hand: no checksum, so not verified
    (voice_dir / VOICE_FILE).write_text(json.dumps(data))
    voice = Voice.load(voice_dir)
    with pytest.raises(TTSError, match=mismatch):
        voice.synthesize("Hello.", vocoder="wavenet")
    assert len(voice.synthesize("Hello.").audio) > 0  # the rest of the voice still speaks


def test_voice_files_refuse_paths_outside_and_missing_files(tmp_path, voice_dir):
    data = json.loads((voice_dir / VOICE_FILE).read_text())
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    for change, message in (
        ({"acoustic_model": "../../etc/passwd"}, "outside the voice directory"),
        ({"duration_model": "nothing.safetensors"}, "missing from the voice directory"),
        ({"default_vocoder": "hifigan"}, "default_vocoder 'hifigan' is not among its vocoders"),
        ({"format_version": 99}, "format_version 1"),
        ({"speakers": []}, "speakers must be a non-empty list"),
    ):
        (bad_dir / VOICE_FILE).write_text(json.dumps({**data, **change}))
        for name in ("duration.safetensors", "acoustic.safetensors"):
            (bad_dir / name).write_bytes((voice_dir / name).read_bytes())
        with pytest.raises(TTSError, match=message):
            Voice.load(bad_dir)
    with pytest.raises(TTSError, match="not a voice directory"):
        Voice.load(tmp_path / "nowhere")


def test_half_precision_voice_is_half_the_size_and_sounds_the_same(tmp_path, voice_dir, voice):
    from tts.voice_builder import build_voice
    from vocoders.wavenet import kernel
    from vocoders.wavenet.generate import WaveNetGenerator

    parts = voice_dir.parent / "parts"
    half = build_voice(
        tmp_path / "half", duration=parts / "duration.safetensors", acoustic=parts / "acoustic.safetensors",
        vocoders={"griffinlim": None, "wavenet": parts / "wavenet.safetensors"}, default_vocoder="griffinlim",
        speaker_table=parts / "speakers.json", half=True,
    )
    full_size = (voice_dir / "acoustic.safetensors").stat().st_size
    assert (half.root / "acoustic.safetensors").stat().st_size < 0.6 * full_size
    reference = voice.synthesize("Hello there.").utterances[0]
    half_voice = Voice.load(half.root)
    assert abs(half_voice.synthesize("Hello there.").utterances[0].durations.sum() - reference.durations.sum()) <= 1
    mel, _ = half_voice.acoustic_model.synthesize(reference.ids, reference.durations, 0)
    np.testing.assert_allclose(mel, reference.mel, atol=0.02)
    # its WaveNet multiplies from the float16 it is stored in, and speaks as the same weights in float32
    wavenet = half_voice.vocoder("wavenet")
    assert wavenet.generator.net.out_weight.dtype == (np.uint16 if kernel.HALF_IN_HARDWARE else np.float32)
    full = WaveNetGenerator(wavenet.model, half_weights=False)
    assert full.net.out_weight.dtype == np.float32
    np.testing.assert_array_equal(wavenet.generator.generate([mel], [0], seed=2)[0], full.generate([mel], [0], seed=2)[0])


def test_builder_refuses_to_overwrite_and_leaves_nothing_on_failure(tmp_path, voice_dir):
    from tts.voice_builder import build_voice

    parts = voice_dir.parent / "parts"
    kwargs = dict(duration=parts / "duration.safetensors", acoustic=parts / "acoustic.safetensors",
                  default_vocoder="griffinlim", speaker_table=parts / "speakers.json")
    with pytest.raises(TTSError, match="already exists"):
        build_voice(voice_dir, vocoders={"griffinlim": None}, **kwargs)
    with pytest.raises(TTSError):
        build_voice(tmp_path / "broken", vocoders={"griffinlim": None, "wavenet": tmp_path / "missing"}, **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_threads_asking_for_a_vocoder_at_once_load_it_once(voice_dir, monkeypatch):
    voice = Voice.load(voice_dir)
    real = tts.voice.load_vocoder_class
    loads = []

    def slow_class(name):
        vocoder_class = real(name)

        class Counted(vocoder_class):
            @classmethod
            def load(cls, path):
                loads.append(name)
                time.sleep(0.2)  # wide enough for every thread to arrive while the first loads
                return vocoder_class.load(path)

        return Counted

    monkeypatch.setattr(tts.voice, "load_vocoder_class", slow_class)
    got = []
    threads = [threading.Thread(target=lambda: got.append(voice.vocoder("griffinlim"))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == ["griffinlim"]
    assert len(got) == 4 and all(vocoder is got[0] for vocoder in got)
