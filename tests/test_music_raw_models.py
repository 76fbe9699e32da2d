"""The raw-audio music models (music.raw): equal sizes, causality, the numba kernel's generation and
priming against the PyTorch model's teacher-forced forward, the LSTM's stepwise generation against
its forward, the corpus (splits, skipped files, windows), and tiny models that learn tiny tones."""

import warnings

import numpy as np
import pytest
import soundfile
import torch

from music.raw.config import RawDataConfig, SampleLSTMConfig, music_wavenet_config
from music.raw.corpus import prepare_corpus
from music.raw.generate import generate
from music.raw.lstm import KIND as LSTM_KIND
from music.raw.lstm import SampleLSTM
from music.raw.render_corpus import DEFAULT_INSTRUMENTS
from music.raw.task import Segments, bits_per_sample, held_out_windows, next_sample_nll
from music.raw.wavenet import KIND as WAVENET_KIND
from music_raw_fixtures import (
    RATE,
    tiny_lstm_config,
    tiny_wavenet_config,
    tone,
    write_not_audio,
    write_silence,
    write_tone_corpus,
)
from tts.errors import TTSError
from vocoders.wavenet import kernel
from vocoders.wavenet.generate import WaveNetGenerator
from vocoders.wavenet.model import WaveNet
from vocoders.wavenet.mulaw import mulaw_decode, mulaw_encode, mulaw_quantize

pytestmark = pytest.mark.usefixtures("one_torch_thread")
INSTRUMENTS = ("bright", "soft")


def parameters(model):
    return sum(p.numel() for p in model.parameters())


def tiny_wavenet(instruments=INSTRUMENTS, *, sharpen=True):
    """A tiny random music WaveNet; `sharpen` scales its input and head up, so that its most likely
    class changes with the samples before it and stands clear of the runner-up (a random tiny
    model's greedy path is nearly constant, with near ties; with nothing but its own past to follow
    it still settles into a short cycle)."""
    torch.manual_seed(0)
    model = WaveNet(tiny_wavenet_config(instruments)).eval()
    if sharpen:
        with torch.no_grad():
            model.input.weight.mul_(100.0)
            model.head[1].weight.mul_(3.0)
            model.head[3].weight.mul_(3.0)
    return model


def tiny_lstm(instruments=INSTRUMENTS):
    torch.manual_seed(0)
    return SampleLSTM(tiny_lstm_config(instruments)).eval()


def forward_classes(model, wav, instrument):
    """The classes the model's forward finds most likely at every sample of `wav` (silence before it)."""
    previous = torch.from_numpy(np.concatenate([[0.0], wav[:-1]]).astype(np.float32))[None]
    speaker = None if instrument is None else torch.tensor([instrument])
    with torch.no_grad():
        if isinstance(model, WaveNet):
            logits = model(mulaw_quantize(previous, 256), None, speaker)
        else:
            logits = model(mulaw_encode(previous, 256), speaker)
    return logits[0].argmax(-1)


def test_the_default_models_have_the_same_size_within_two_percent():
    """With the bootstrap's four instruments, as the default corpus has them."""
    wavenet_config = music_wavenet_config()
    wavenet_config.conditioning.speakers = DEFAULT_INSTRUMENTS
    wavenet = parameters(WaveNet(wavenet_config))
    lstm = parameters(SampleLSTM(SampleLSTMConfig(instruments=DEFAULT_INSTRUMENTS)))
    assert abs(lstm - wavenet) / wavenet < 0.02
    assert 4000 <= wavenet_config.stack.receptive_field <= 6000


def test_a_wavenet_without_a_mel_builds_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = WaveNet(music_wavenet_config())
    assert model.mel_projection is None
    stack = model.config.stack
    assert torch.equal(model.frame_conditioning(torch.zeros(1, 5, 0)), torch.zeros(1, 5, stack.layers * stack.gate_channels))
    assert model.global_conditioning() is None


@pytest.mark.parametrize("call", [
    lambda g: g.generate([np.zeros((2, 0), np.float32)], [0], primes=[np.zeros(513, np.float32)]),  # longer than 2 x 256
    lambda g: g.generate([np.zeros((2, 0), np.float32)], [0], primes=[np.full(4, np.nan, np.float32)]),
    lambda g: g.generate([np.zeros((2, 0), np.float32)], [0], primes=[None, None]),
])
def test_a_bad_prime_is_a_clear_error(call):
    with pytest.raises(TTSError, match="prime"):
        call(WaveNetGenerator(tiny_wavenet()))


@pytest.mark.parametrize("make", [tiny_wavenet, tiny_lstm], ids=["wavenet", "lstm"])
def test_a_sample_never_sees_the_future(make, rng):
    model = make()
    wav = rng.uniform(-0.5, 0.5, 200).astype(np.float32)
    changed = wav.copy()
    changed[120:] = rng.uniform(-0.5, 0.5, 80)
    before, after = forward_classes(model, wav, 1), forward_classes(model, changed, 1)
    assert torch.equal(before[:121], after[:121])  # output t reads samples before t
    assert not torch.equal(before[121:], after[121:])


def test_the_kernel_teacher_forced_matches_the_model_without_a_mel(rng):
    """The generator's conditioning of a WaveNet without a mel (the instrument's, the same at every
    sample) gives, in the numba kernel, the params of the model's forward without a mel."""
    model = tiny_wavenet(sharpen=False)
    generator = WaveNetGenerator(model)
    wav = rng.uniform(-1, 1, 3 * generator.hop).astype(np.float32)
    previous = np.concatenate([[0.0], wav[:-1]]).astype(np.float32)
    condition = generator.conditioning(np.zeros((3, 0), np.float32), 1)
    fast = kernel.teacher_forced(generator.net, previous, condition)
    with torch.no_grad():
        expected = model(torch.from_numpy(previous)[None], None, torch.tensor([1]))[0].numpy()
    np.testing.assert_allclose(fast, expected, rtol=0, atol=1e-4)


@pytest.mark.parametrize("instruments", [INSTRUMENTS, ()], ids=["instruments", "none"])
def test_greedy_kernel_generation_is_the_models_most_likely_sample_at_every_step(instruments):
    model = tiny_wavenet(instruments)
    instrument = 1 if instruments else None
    wav = np.concatenate(list(generate(model, samples=600, instrument=instruments[1] if instruments else None,
                                       temperature=0)))
    assert len(wav) == 600 and len(np.unique(wav)) >= 5  # not a constant path
    np.testing.assert_array_equal(wav, mulaw_decode(forward_classes(model, wav, instrument), 256).numpy())


def test_priming_then_generating_equals_the_teacher_forced_forward(rng):
    """A prime that crosses chunk boundaries and ends mid-chunk: the output starts with the prime as
    the model hears it, and every new sample is the forward's most likely one given the prime and
    the samples drawn before it, as if the whole had been read teacher-forced."""
    model = tiny_wavenet()
    generator = WaveNetGenerator(model)
    prime = tone(330.0, seconds=0.03)  # 480 samples
    silence = np.zeros((4, 0), np.float32)  # 4 frames of 256: 1,024 samples
    wav = generator.generate([silence], [1], primes=[prime], temperature=0, chunk_frames=1)[0]
    np.testing.assert_array_equal(wav[:480], mulaw_quantize(torch.from_numpy(prime), 256).numpy())
    expected = mulaw_decode(forward_classes(model, wav, 1), 256).numpy()
    np.testing.assert_array_equal(wav[480:], expected[480:])
    assert len(np.unique(wav[480:])) >= 5
    # chunked or not, streamed or not, at any temperature: the same samples
    warm = generator.generate([silence], [1], primes=[prime], temperature=0.8, seed=3, chunk_frames=1)[0]
    streamed = np.concatenate(list(generator.stream(silence, 1, prime=prime, temperature=0.8, seed=3)))
    np.testing.assert_array_equal(warm, streamed)
    np.testing.assert_array_equal(warm[:480], wav[:480])


def test_the_lstm_steps_give_its_forward(rng):
    model = tiny_lstm()
    prime = tone(440.0, seconds=0.02)
    wav = np.concatenate(list(generate(model, samples=300, prime=prime, instrument="soft", temperature=0)))
    assert len(wav) == len(prime) + 300
    expected = mulaw_decode(forward_classes(model, wav, 1), 256).numpy()
    np.testing.assert_array_equal(wav[: len(prime)], mulaw_quantize(torch.from_numpy(prime), 256).numpy())
    np.testing.assert_array_equal(wav[len(prime) :], expected[len(prime) :])


@pytest.mark.parametrize("make", [tiny_wavenet, tiny_lstm], ids=["wavenet", "lstm"])
def test_seeds_reproduce_and_instruments_differ(make):
    model = make()

    def run(seed, instrument="soft"):
        return np.concatenate(list(generate(model, samples=400, instrument=instrument, temperature=1.0, seed=seed)))

    first = run(3)
    np.testing.assert_array_equal(first, run(3))
    assert not np.array_equal(first, run(4)) and not np.array_equal(first, run(3, "bright"))
    assert np.isin(first, mulaw_decode(torch.arange(256), 256).numpy()).all()


def test_a_folder_corpus_is_split_and_its_bad_files_skipped(tmp_path):
    names = write_tone_corpus(tmp_path / "c", files=20)
    write_not_audio(tmp_path / "c" / "notes.wav")
    write_silence(tmp_path / "c" / "silent.wav")
    soundfile.write(tmp_path / "c" / "stereo.flac", np.stack([tone(200.0, rate=48_000)] * 2, axis=1), 48_000)
    (tmp_path / "c" / "readme.txt").write_text("not listed: not an audio suffix")
    train, held_out, skipped = prepare_corpus(tmp_path / "c", fraction=0.1)
    assert sorted(skipped) == ["notes.wav", "silent.wav"]
    assert "not a readable audio file" in skipped["notes.wav"] and "silent" in skipped["silent.wav"]
    assert len(held_out) == 2 and len(train) == 19 and {f.id for f in train + held_out} == {*names, "stereo.flac"}
    stereo = next(f for f in train + held_out if f.id == "stereo.flac")
    assert stereo.samples == RATE  # one second, resampled to 16 kHz and averaged
    assert {f.instrument for f in train} == {""}


@pytest.mark.parametrize("make, message", [
    (lambda folder: None, "no audio files"),
    (lambda folder: write_not_audio(folder / "a.wav"), "none of its 1 audio files is usable"),
])
def test_a_corpus_with_nothing_usable_is_an_error(tmp_path, make, message):
    (tmp_path / "c").mkdir()
    make(tmp_path / "c")
    with pytest.raises(TTSError, match=message):
        prepare_corpus(tmp_path / "c", fraction=0.1)


def test_training_items_and_held_out_windows(tmp_path):
    write_tone_corpus(tmp_path / "c", files=4, seconds=0.5, instruments=INSTRUMENTS)
    train, held_out, _ = prepare_corpus(tmp_path / "c", fraction=0.1)
    assert [f.id for f in held_out] == ["tone03.wav"]  # pieces.json's split
    dataset = Segments(train, INSTRUMENTS, segment=1000)
    assert len(dataset) == 3 * 8
    np.random.seed(0)
    items = [dataset[i] for i in range(len(dataset))]
    assert all(item["audio"].shape == (1001,) for item in items)
    assert {item["instrument"] for item in items} == {0, 1}
    data = RawDataConfig(eval_windows=5, eval_context=300, eval_samples=1000)
    audio, instruments = held_out_windows(held_out, INSTRUMENTS, data)
    assert audio.shape == (5, 1301) and instruments.tolist() == [1] * 5  # tone03: instrument "soft"
    assert torch.equal(audio[0, :301], torch.zeros(301))  # the first starts the file: silence before it
    assert held_out_windows(held_out, INSTRUMENTS, RawDataConfig(eval_samples=10_000)) is None  # too short to score


@pytest.mark.parametrize("kind", [WAVENET_KIND, LSTM_KIND])
def test_a_tiny_model_learns_tiny_tones(kind, tmp_path):
    """100 Adam steps on nine tones: the held-out tone's bits per sample drop from about a uniform
    guess over 256 classes (8) to under 6."""
    write_tone_corpus(tmp_path / "c", files=10, instruments=INSTRUMENTS)
    train, held_out, _ = prepare_corpus(tmp_path / "c", fraction=0.1)
    windows = held_out_windows(held_out, INSTRUMENTS, RawDataConfig(eval_windows=8, eval_context=16, eval_samples=512))
    model = tiny_wavenet(sharpen=False) if kind == WAVENET_KIND else tiny_lstm()
    dataset = Segments(train, INSTRUMENTS, segment=256)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.03)
    before = bits_per_sample(model, windows, context=16)["bits_per_sample"]
    np.random.seed(0)
    model.train()
    for _ in range(100):
        items = [dataset[int(i)] for i in np.random.randint(0, len(dataset), 4)]
        audio = torch.stack([item["audio"] for item in items])
        instrument = torch.tensor([item["instrument"] for item in items])
        loss = next_sample_nll(model, kind, audio, instrument, 256).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    after = bits_per_sample(model.eval(), windows, context=16)["bits_per_sample"]
    assert before > 7.9 and after < 6.0


def test_the_lstm_trains_under_the_cpu_bf16_autocast():
    """The recipe trains in bf16 autocast on CPU; oneDNN has no bf16 LSTM on CPUs without AVX-512,
    so the recurrence runs in float32 (tts.training.precision.lstm_in_float32): the logits match
    float32 ones to bf16's precision in the head, and gradients reach the LSTM."""
    model = SampleLSTM(tiny_lstm_config(INSTRUMENTS))
    classes, instrument = torch.randint(0, 256, (2, 24)), torch.tensor([0, 1])
    reference = model(classes, instrument)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        logits = model(classes, instrument)
    assert logits.dtype == torch.bfloat16
    torch.testing.assert_close(logits.float(), reference, atol=0.05, rtol=0.05)
    logits.float().sum().backward()
    assert model.lstm.weight_hh_l0.grad.abs().sum() > 0
