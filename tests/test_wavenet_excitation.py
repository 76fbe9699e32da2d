"""The excitation WaveNet (LPCNet-style): the numba kernel's LPC path against the model's training
path, greedy generation, batches and streaming, and a tiny model that learns one utterance."""

import dataclasses

import numpy as np
import pytest
import soundfile
import torch

from corpus_fixtures import write_tone
from tts.corpora.manifest import ManifestEntry, write_manifest
from tts.errors import TTSError
from tts.feature_cache import load_cached_audio
from tts.features import FeatureSpec
from tts.lpc import preemphasize
from tts.mel import mel_numpy
from tts.source import sine_source
from tts.training import TrainConfig
from tts.training.checkpoints import halved
from vocoders.wavenet import excitation_kernel, kernel
from vocoders.wavenet.config import (
    ConditioningConfig,
    ExcitationConfig,
    OutputConfig,
    StackConfig,
    WaveNetConfig,
)
from vocoders.wavenet.data import SegmentDataset, WaveNetDataConfig, prepare_corpus
from vocoders.wavenet.excitation import band_limit_hz, frame_coefficients, training_pairs
from vocoders.wavenet.generate import WaveNetGenerator
from vocoders.wavenet.model import WaveNet
from vocoders.wavenet.mulaw import mulaw_encode, mulaw_expand
from vocoders.wavenet.task import WaveNetRunConfig, WaveNetTask, train_wavenet
from vocoders.wavenet.upsample import upsample_context

SPEC = FeatureSpec(sample_rate=8000, n_fft=64, hop_length=8, win_length=64, n_mels=5, fmax=4000.0)
ORDER = 6


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tiny tensors: one thread (conftest.py)


def tiny_model(speakers=3, scale=1.0, f0_source=False, reads_signal=True):
    config = WaveNetConfig(
        stack=StackConfig(layers=4, cycle=2, residual_channels=8, gate_channels=16, skip_channels=8),
        output=OutputConfig(kind="mulaw", mulaw_channels=32),
        conditioning=ConditioningConfig(
            n_mels=SPEC.n_mels, upsample_scales=(2, 4), speakers=tuple(f"s{i}" for i in range(speakers)), speaker_dim=4
        ),
        excitation=ExcitationConfig(lpc_order=ORDER, preemphasis=0.85, f0_source=f0_source, reads_signal=reads_signal),
    )
    torch.manual_seed(0)
    model = WaveNet(config).eval()
    model.spec = SPEC
    with torch.no_grad():
        for weight in (model.head[1].weight, model.head[3].weight, model.mel_projection.weight, model.input.weight):
            weight.mul_(scale)  # a greedy path that changes class along the utterance
    return model


def speech_like(rng, frames):
    """A waveform of resonant noise bursts and its log-mel: coefficients worth predicting with."""
    noise = rng.standard_normal(frames * SPEC.hop_length)
    wav = np.zeros_like(noise)
    for t in range(2, len(noise)):
        wav[t] = 1.3 * wav[t - 1] - 0.6 * wav[t - 2] + noise[t]
    wav = (0.3 * wav / np.abs(wav).max()).astype(np.float32)
    return wav, mel_numpy(wav, SPEC)


def sine(f0):
    return sine_source(f0, hop=SPEC.hop_length, sample_rate=SPEC.sample_rate)


def torch_params(model, wav, mel, speaker, f0=None):
    """The model's params over a whole utterance, from the training path (excitation.py)."""
    mel_t = torch.from_numpy(mel)[None]
    coefficients = frame_coefficients(mel_t, model.config.excitation, SPEC)
    # the frame "before" the first only predicts history that is silence: any coefficients do
    coefficients = torch.cat([coefficients[:, :1], coefficients], dim=1)
    audio = torch.cat([torch.zeros(1, ORDER + 2), torch.from_numpy(wav)[None]], dim=1)
    source = None if f0 is None else torch.cat([torch.zeros(1, ORDER + 2), torch.from_numpy(sine(f0))[None]], dim=1)
    inputs, target = training_pairs(
        audio, coefficients, excitation=model.config.excitation, hop=SPEC.hop_length, channels=32, source=source
    )
    with torch.no_grad():
        params = model(inputs, mel_t, torch.tensor([speaker]))[0].numpy()
    return params, target[0]


# (f0_source, reads_signal): LPCNet's inputs and ExcitNet's, each with and without the sine at F0
INPUT_VARIANTS = [(False, True), (True, True), (False, False), (True, False)]


def f0_contour(rng, frames):
    """Voiced stretches at 150-300 Hz with unvoiced gaps."""
    f0 = rng.uniform(150, 300, frames)
    f0[frames // 3 : frames // 2] = 0
    return f0


@pytest.mark.parametrize("f0_source, reads_signal", INPUT_VARIANTS)
def test_teacher_forced_kernel_matches_the_training_path(rng, f0_source, reads_signal):
    model = tiny_model(f0_source=f0_source, reads_signal=reads_signal)
    generator = WaveNetGenerator(model)
    wav, mel = speech_like(rng, 30)
    f0 = f0_contour(rng, 30) if f0_source else None
    expected, _ = torch_params(model, wav, mel, 1, f0)
    fast = excitation_kernel.teacher_forced_excitation(
        generator.net, wav, generator.conditioning(mel, 1), generator.coefficients(torch.from_numpy(mel)),
        sine(f0) if f0_source else np.zeros(0, np.float32), SPEC.hop_length,
    )
    assert np.abs(expected).max() > 0.1
    np.testing.assert_allclose(fast, expected, rtol=0, atol=1e-4)


# an ExcitNet model hears less, so its random weights need a stronger head and mel to leave one class
@pytest.mark.parametrize("reads_signal, scale, mel_noise", [(True, 6.0, 2.0), (False, 12.0, 6.0)])
def test_greedy_generation_is_what_the_model_predicts_of_its_own_output(rng, reads_signal, scale, mel_noise):
    """Temperature 0: every generated sample's excitation is the model's most likely class given
    the samples generated before it, as the PyTorch training path computes it (on the kernel's
    output before clipping, which generate.py applies)."""
    model = tiny_model(scale=scale, reads_signal=reads_signal)
    with torch.no_grad():
        model.mel_projection.weight.mul_(20.0)  # classes that change with the frames
    generator = WaveNetGenerator(model)
    _, mel = speech_like(rng, 24)
    mel += mel_noise * rng.standard_normal(mel.shape).astype(np.float32)
    wav = np.empty(24 * SPEC.hop_length, np.float32)
    excitation_kernel.generate_excitation_chunk(
        generator.net, kernel.new_rings(generator.net, 1)[0], excitation_kernel.new_excitation_states(generator.net, 1, ORDER)[0],
        0, np.uint64(0), np.zeros(24), generator.conditioning_frames(mel, 2), generator.phases,
        *excitation_kernel.sparse_predictor(generator.coefficients(torch.from_numpy(mel))), np.ones(24, np.float32),
        np.zeros(0, np.float32), wav,
    )
    params, excitation = torch_params(model, wav, mel, 2)
    classes = mulaw_encode(excitation, 32).numpy()
    assert len(np.unique(classes)) >= 3  # not a constant path
    top_two = np.sort(params, axis=1)[:, -2:]
    decided = top_two[:, 1] - top_two[:, 0] > 1e-3  # near-ties can go either way on 1e-6 differences
    assert decided.mean() > 0.95
    np.testing.assert_array_equal(params.argmax(axis=1)[decided], classes[decided])
    clipped = WaveNetGenerator(model).generate([mel], [2], temperature=0)[0]
    np.testing.assert_array_equal(clipped, np.clip(wav, -1, 1))


@pytest.mark.parametrize("f0_source, reads_signal", INPUT_VARIANTS)
def test_batches_and_streams_equal_each_utterance_alone(rng, f0_source, reads_signal):
    model = tiny_model(scale=3.0, f0_source=f0_source, reads_signal=reads_signal)
    generator = WaveNetGenerator(model)
    mel_a, mel_b = speech_like(rng, 17)[1], speech_like(rng, 9)[1]
    f0_a, f0_b = (f0_contour(rng, 17), f0_contour(rng, 9)) if f0_source else (None, None)
    pairs = ((mel_a, 0, f0_a), (mel_b, {1: 0.5, 2: 0.5}, f0_b))
    alone = [generator.generate([mel], [s], f0s=None if f0 is None else [f0], seed=5)[0] for mel, s, f0 in pairs]
    together = generator.generate(
        [mel_a, mel_b], [0, {1: 0.5, 2: 0.5}], f0s=[f0_a, f0_b] if f0_source else None, seed=5
    )
    streamed = np.concatenate(list(generator.stream(mel_a, 0, f0=f0_a, seed=5, chunk_frames=3)))
    for one, batched in zip(alone, together):
        np.testing.assert_array_equal(one, batched)
    np.testing.assert_array_equal(streamed, alone[0])
    assert np.std(alone[0]) > 0


def test_a_float16_excitation_model_generates_bitwise_as_in_float32(rng):
    """The bundled voice's case (weights stored as float16): the kernel multiplies from float16
    where the CPU widens it, and the waveform is the float32 matrices' one, bit for bit."""
    model = tiny_model(scale=3.0)
    model.load_state_dict(halved(model.state_dict()))
    half, full = WaveNetGenerator(model), WaveNetGenerator(model, half_weights=False)
    assert half.net.conv_weight.dtype == (np.uint16 if kernel.HALF_IN_HARDWARE else np.float32)
    assert full.net.conv_weight.dtype == np.float32
    _, mel = speech_like(rng, 17)
    wav = half.generate([mel], [1], seed=5)[0]
    assert np.std(wav) > 0
    np.testing.assert_array_equal(wav, full.generate([mel], [1], seed=5)[0])


def test_an_excitation_model_needs_its_feature_spec_a_mulaw_output_and_its_f0(rng):
    model = tiny_model()
    del model.spec
    _, mel = speech_like(rng, 5)
    with pytest.raises(TTSError, match="FeatureSpec"):
        WaveNetGenerator(model).generate([mel], [0])
    with pytest.raises(TTSError, match="pass one frame F0"):
        WaveNetGenerator(tiny_model(f0_source=True)).generate([mel], [0])
    with pytest.raises(TTSError, match="must be 5 finite values"):
        WaveNetGenerator(tiny_model(f0_source=True)).generate([mel], [0], f0s=[np.full(5, np.nan)])
    with pytest.raises(TTSError, match="reads no F0"):
        WaveNetGenerator(tiny_model()).generate([mel], [0], f0s=[np.zeros(5)])
    with pytest.raises(TTSError, match="mulaw"):
        WaveNetConfig(output=OutputConfig(kind="mol"), excitation=ExcitationConfig(lpc_order=16))
    for excitation in (ExcitationConfig(dc_pole=0.99), ExcitationConfig(lpc_order=16, dc_pole=1.0)):
        with pytest.raises(TTSError, match=r"dc_pole must be in \[0, 1\), and set only on an excitation model"):
            WaveNetConfig(excitation=excitation)


def test_a_tiny_excitation_model_learns_one_utterance(tmp_path, rng):
    """80 steps on one 0.4 s utterance lower the excitation's μ-law NLL on its segments by more
    than 0.5 nat against the untrained model (3.54 -> 2.78 here); the exported model generates a finite waveform."""
    wav_path = write_tone(tmp_path / "u.wav", 0.4, 8000, seed=3)
    write_manifest(tmp_path / "m.jsonl", [ManifestEntry("u0", "a", "text", wav_path, 0.4, 8000)])
    config = dataclasses.replace(tiny_model(speakers=0).config, conditioning=ConditioningConfig(upsample_scales=(2, 4)))
    train = TrainConfig(
        out_dir=str(tmp_path / "run"), max_steps=80, batch_size=1, lr=1e-2, warmup_steps=0,
        checkpoint_every=80, log_every=10, progress_bar=False, amp="off",
    )
    run = WaveNetRunConfig(
        model=config, data=WaveNetDataConfig(spec=SPEC, segment_frames=8), holdout_fraction=0.0, train=train
    )
    trained = WaveNet.load(train_wavenet(tmp_path / "m.jsonl", run, progress=False), spec=SPEC)
    assert trained.config.excitation.lpc_order == ORDER
    utterances, _ = prepare_corpus(tmp_path / "m.jsonl", run.data, progress=False)
    dataset = SegmentDataset(
        utterances, [], segment_frames=8, context=upsample_context((2, 4)), hop_length=8, history=ORDER + 2
    )
    task = WaveNetTask(trained.config, dataset, SPEC)
    torch.manual_seed(1)
    batch = {key: torch.stack([torch.as_tensor(dataset[0][key]) for _ in range(4)]) for key in dataset[0]}
    with torch.no_grad():
        trained_loss, _ = task.loss(trained, batch)
        fresh_loss, _ = task.loss(WaveNet(trained.config), batch)
    assert trained_loss < fresh_loss - 0.5
    _, mel = speech_like(rng, 10)
    out = WaveNetGenerator(trained).generate([mel])[0]
    assert out.shape == (80,) and np.all(np.isfinite(out))


def test_excitnet_inputs_are_the_past_excitation_alone(rng):
    """Without the signal inputs the network reads exactly LPCNet's e[t - 1] column, with the same
    targets; a plain WaveNet has no excitation to read alone."""
    wav, mel = speech_like(rng, 12)
    audio = torch.cat([torch.zeros(1, ORDER + 2), torch.from_numpy(wav)[None]], dim=1)
    lpcnet = ExcitationConfig(lpc_order=ORDER, preemphasis=0.85)
    coefficients = frame_coefficients(torch.from_numpy(mel)[None], lpcnet, SPEC)
    coefficients = torch.cat([coefficients[:, :1], coefficients], dim=1)
    pairs = dict(hop=SPEC.hop_length, channels=32)
    full_inputs, full_target = training_pairs(audio, coefficients, excitation=lpcnet, **pairs)
    excitnet = dataclasses.replace(lpcnet, reads_signal=False)
    inputs, target = training_pairs(audio, coefficients, excitation=excitnet, **pairs)
    assert inputs.shape[-1] == excitnet.inputs == 1
    np.testing.assert_array_equal(inputs[..., 0], full_inputs[..., 2])
    np.testing.assert_array_equal(target, full_target)
    with pytest.raises(TTSError, match="reads_signal"):
        WaveNetConfig(excitation=ExcitationConfig(reads_signal=False))


def test_an_excitation_model_trains_on_audio_band_limited_at_the_mels_fmax(tmp_path):
    """Above fmax the mel says nothing, so the LPC filter leaves that band in the excitation
    (test_lpc.py): an excitation model's training audio stops at fmax; a plain WaveNet's, or one
    whose mel reaches Nyquist, keeps the whole band."""
    spec = dataclasses.replace(SPEC, fmax=2000.0)
    excitation = ExcitationConfig(lpc_order=ORDER)
    assert band_limit_hz(excitation, spec) == 2000.0
    assert band_limit_hz(ExcitationConfig(), spec) is None and band_limit_hz(excitation, SPEC) is None
    t = np.arange(4000) / 8000
    soundfile.write(tmp_path / "u.wav", 0.3 * np.sin(2 * np.pi * 500 * t) + 0.3 * np.sin(2 * np.pi * 3000 * t), 8000)
    write_manifest(tmp_path / "m.jsonl", [ManifestEntry("u0", "a", "text", tmp_path / "u.wav", 0.5, 8000)])
    config = dataclasses.replace(tiny_model(speakers=0).config, conditioning=ConditioningConfig(upsample_scales=(2, 4)))
    train = TrainConfig(out_dir=str(tmp_path / "run"), max_steps=1, batch_size=1, progress_bar=False, amp="off")
    data = WaveNetDataConfig(spec=spec, segment_frames=8)
    train_wavenet(tmp_path / "m.jsonl", WaveNetRunConfig(model=config, data=data, holdout_fraction=0.0, train=train),
                  progress=False)
    (trained_on,) = (tmp_path / "m.cache").glob("audio-*/u0.npy")
    assert trained_on.parent.name == "audio-8000-below-2000"
    spectrum = np.abs(np.fft.rfft(load_cached_audio(trained_on)[1000:3000]))  # 4 Hz bins: 500 Hz is 125, 3 kHz 750
    assert spectrum[750] < 1e-3 * spectrum[125]
    whole_band, _ = prepare_corpus(tmp_path / "m.jsonl", dataclasses.replace(data, spec=spec), progress=False)
    assert whole_band[0].wav_path.parent.name == "audio-8000"
    spectrum = np.abs(np.fft.rfft(load_cached_audio(whole_band[0].wav_path)[1000:3000]))
    assert spectrum[750] > 0.5 * spectrum[125]


@pytest.mark.parametrize("scaled", [False, True])
def test_noise_injection_moves_the_past_by_the_stated_levels_and_targets_the_clean_signal(rng, scaled):
    """LPCNet's noise injection: the excitation the network reads back moves by at most
    `levels` μ-law levels (rounded to a level) of what it draws (normalized per frame, for a
    model with `scale`, as the NSynth decoder), while its target plus the prediction from the
    noisy past is the clean signal; zero noise is the clean path, to rounding."""
    levels = 3.0
    excitation = ExcitationConfig(lpc_order=ORDER, preemphasis=0.85)
    wav, mel = speech_like(rng, 12)
    coefficients = frame_coefficients(torch.from_numpy(mel)[None], excitation, SPEC)
    coefficients = torch.cat([coefficients[:, :1], coefficients], dim=1)
    # a scale that jumps 20-fold between frames: levels must be counted after dividing by it (at
    # least 1, so that the normalized excitation stays within μ-law's range, as the clean path's does)
    scale = torch.from_numpy(rng.choice([1.0, 20.0], coefficients.shape[1]).astype(np.float32))[None] if scaled else None
    audio = torch.cat([torch.zeros(1, ORDER + 2), torch.from_numpy(wav)[None]], dim=1)
    pairs = dict(excitation=excitation, hop=SPEC.hop_length, channels=32, scale=scale)
    clean_inputs, clean_target = training_pairs(audio, coefficients, **pairs)
    silent_inputs, silent_target = training_pairs(
        audio, coefficients, noise=torch.zeros(1, len(wav) + 1), **pairs
    )
    np.testing.assert_allclose(silent_inputs, clean_inputs, rtol=0, atol=1e-5)  # μ-law there and back: rounding
    np.testing.assert_allclose(silent_target, clean_target, rtol=0, atol=1e-5)

    noise = torch.from_numpy(rng.uniform(-1, 1, (1, len(wav) + 1)).astype(np.float32))
    inputs, target = training_pairs(audio, coefficients, noise=noise * levels, **pairs)
    noisy_prediction = mulaw_expand(inputs[0, :, 1], 32)
    clean_x = preemphasize(torch.from_numpy(wav).double(), 0.85).float()
    divisor = 1.0 if scale is None else scale[0, 1:].repeat_interleave(SPEC.hop_length)
    np.testing.assert_allclose(target[0] * divisor + noisy_prediction, clean_x, rtol=0, atol=1e-5)
    read_back = mulaw_encode(mulaw_expand(inputs[0, :, 2], 32), 32)
    clean_read_back = mulaw_encode(mulaw_expand(clean_inputs[0, :, 2], 32), 32)
    moved = (read_back - clean_read_back).abs()
    assert moved.max() <= levels + 1 and (moved > 0).float().mean() > 0.5
    if scaled:  # by as many levels where the scale is 20 as where it is 1 (measured: 1.6 and 1.7)
        read_scale = torch.cat([scale[0, :1], scale[0, 1:].repeat_interleave(SPEC.hop_length)])[:-1]  # e[-1] .. e[N - 2]'s
        assert all(moved[read_scale == value].float().mean() > 1.0 for value in (1.0, 20.0))
