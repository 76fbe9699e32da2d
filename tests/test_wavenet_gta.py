"""The WaveNet's second stage: ground-truth-aligned mels from the acoustic model (`tts corpus
gta-mels`), a WaveNet trained on them (data.mel_dir) from stage 1's weights (init_from)."""

import dataclasses
import json

import numpy as np
import pytest
import torch

from tts.acoustic.model import AcousticModel
from tts.cli.main import main
from tts.durations import default_durations_path, read_durations
from tts.errors import TTSError
from tts.training import TrainConfig
from tts.training.precision import inference_dtype
from vocoders.wavenet.config import ConditioningConfig, ExcitationConfig, OutputConfig, StackConfig, WaveNetConfig
from vocoders.wavenet.data import WaveNetDataConfig, prepare_corpus
from vocoders.wavenet.model import WaveNet
from vocoders.wavenet.task import WaveNetRunConfig, WaveNetTask, train_wavenet
from voice_fixtures import SPEC, make_aligned_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_aligned_corpus(tmp_path_factory.mktemp("gta"), ("p225", "p226"), 3)


@pytest.fixture(scope="module")
def gta_dir(corpus, voice_dir):
    out = corpus.parent / "gta"
    durations = default_durations_path(corpus)
    assert main(["corpus", "gta-mels", "--acoustic", str(voice_dir), "--manifest", str(corpus),
                 "--durations", str(durations), "--out", str(out)]) == 0
    return out


def test_gta_mels_are_the_acoustic_models_own_in_step_with_each_recording(corpus, gta_dir, voice_dir):
    model = AcousticModel.load(voice_dir / "acoustic.safetensors")
    records = read_durations(default_durations_path(corpus)).records
    assert json.loads((gta_dir / "gta.json").read_text())["utterances"] == len(records) == 6
    inventory = {symbol: index for index, symbol in enumerate(model.config.symbols)}
    for record in records:
        mel = np.load(gta_dir / f"{record.id}.npy")
        ids = np.array([inventory[p] for p in record.phonemes])
        (expected, _), = model.synthesize_batch(  # in the precision a voice runs it (bf16 where native)
            [ids], [record.durations], [model.config.speakers.index(record.speaker)], dtype=inference_dtype(torch.device("cpu"))
        )
        assert mel.shape == (record.n_frames, SPEC.n_mels)
        np.testing.assert_allclose(mel, expected, rtol=0, atol=1e-4)


def run_config(out_dir, **data):
    model = WaveNetConfig(
        stack=StackConfig(layers=2, cycle=2, residual_channels=4, gate_channels=8, skip_channels=4),
        output=OutputConfig(kind="mulaw", mulaw_channels=32),
        conditioning=ConditioningConfig(upsample_scales=(8, 8), speaker_dim=4),
        excitation=ExcitationConfig(lpc_order=8),
    )
    train = TrainConfig(out_dir=str(out_dir), max_steps=3, batch_size=2, checkpoint_every=3, progress_bar=False, amp="off")
    return WaveNetRunConfig(model=model, data=WaveNetDataConfig(spec=SPEC, segment_frames=4, **data), train=train)


def test_stage_two_conditions_on_gta_mels_and_starts_from_stage_one(corpus, gta_dir, tmp_path):
    first = train_wavenet(corpus, run_config(tmp_path / "stage1"), progress=False)
    second = dataclasses.replace(run_config(tmp_path / "stage2", mel_dir=str(gta_dir)), init_from=str(tmp_path / "stage1"))
    utterances, skipped = prepare_corpus(corpus, second.data, progress=False)
    assert not skipped and {u.mel_path.parent for u in utterances} == {gta_dir}
    trained = WaveNet.load(first, spec=SPEC)
    task = WaveNetTask(trained.config, None, SPEC, init_from=str(tmp_path / "stage1"))
    started = task.build_model().state_dict()
    assert all(torch.equal(started[name], value) for name, value in trained.state_dict().items())
    assert train_wavenet(corpus, second, progress=False).is_file()
    wider = dataclasses.replace(trained.config, stack=dataclasses.replace(trained.config.stack, residual_channels=8))
    with pytest.raises(TTSError, match="differs in \\['stack'\\]"):
        WaveNetTask(wider, None, SPEC, init_from=str(first)).build_model()


def test_utterances_without_a_usable_gta_mel_are_skipped_with_the_reason(corpus, gta_dir, tmp_path):
    partial = tmp_path / "partial"
    partial.mkdir()
    for path in sorted(gta_dir.glob("p225_*.npy")):
        (partial / path.name).write_bytes(path.read_bytes())
    np.save(partial / "p225_000.npy", np.zeros((3, SPEC.n_mels), np.float32))
    utterances, skipped = prepare_corpus(corpus, WaveNetDataConfig(spec=SPEC, segment_frames=4, mel_dir=str(partial)),
                                         progress=False)
    assert sorted(u.id for u in utterances) == ["p225_001", "p225_002"]
    assert "has shape (3, 16)" in skipped["p225_000"] and "no mel" in skipped["p226_000"]


def test_gta_mels_refuse_a_missing_acoustic_model(corpus, tmp_path, capsys):
    code = main(["corpus", "gta-mels", "--acoustic", str(tmp_path), "--manifest", str(corpus),
                 "--durations", str(default_durations_path(corpus)), "--out", str(tmp_path / "out")])
    assert code == 2 and "no acoustic weights" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
