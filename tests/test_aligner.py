"""The aligner: MAS, the prior, the forward-sum loss, training on a task with known durations,
word boundaries, the evaluation metric and the durations file."""

import itertools
import json

import numpy as np
import pytest
import torch

from frontends.aligner.align import align
from frontends.aligner.data import AlignerUtterance, collate
from frontends.aligner.evaluate import evaluate, match_words, word_spans
from frontends.aligner.layers import ConvStackConfig
from frontends.aligner.losses import forward_sum_loss
from frontends.aligner.mas import monotonic_alignment
from frontends.aligner.model import Aligner, AlignerConfig
from frontends.aligner.prior import log_beta_binomial_prior
from frontends.aligner.task import AlignerRunConfig, AlignerTask
from tts.config import apply_overrides
from tts.durations import (
    DurationRecord,
    at_least_one_frame,
    convert_durations,
    read_durations,
    write_durations,
)
from tts.errors import TTSError
from tts.features import FeatureSpec
from tts.training import TrainConfig, export_weights, train

# ---------------------------------------------------------------- monotonic alignment search


def reference_alignment(log_likelihood, optional):
    """Slow pure-Python MAS with the kernel's tie rules: stay, then the nearest earlier token."""
    n_tokens, n_frames = log_likelihood.shape
    best = [[-np.inf] * n_frames for _ in range(n_tokens)]
    came_from = [[0] * n_frames for _ in range(n_tokens)]
    for i in range(n_tokens):
        best[i][0] = log_likelihood[i, 0]
        if not optional[i]:
            break
    for j in range(1, n_frames):
        for i in range(n_tokens):
            score, previous = best[i][j - 1], i
            for k in range(i - 1, -1, -1):
                if best[k][j - 1] > score:
                    score, previous = best[k][j - 1], k
                if not optional[k]:
                    break
            best[i][j] = score + log_likelihood[i, j]
            came_from[i][j] = previous
    token = n_tokens - 1
    for k in range(n_tokens - 1, 0, -1):
        if not optional[k]:
            break
        if best[k - 1][n_frames - 1] > best[token][n_frames - 1]:
            token = k - 1
    durations = [0] * n_tokens
    for j in range(n_frames - 1, -1, -1):
        durations[token] += 1
        token = came_from[token][j]
    return durations


def all_durations(n_tokens, n_frames, optional):
    """Every allowed duration vector: optional tokens may get 0 frames, the others at least 1."""
    for durations in itertools.product(range(n_frames + 1), repeat=n_tokens):
        if sum(durations) == n_frames and all(d > 0 or optional[i] for i, d in enumerate(durations)):
            yield durations


def path_score(log_likelihood, durations):
    frames = np.repeat(np.arange(len(durations)), durations)
    return log_likelihood[frames, np.arange(len(frames))].sum()


def test_mas_picks_the_known_best_path():
    log_likelihood = np.full((3, 8), -5.0)
    log_likelihood[0, :2] = 0.0
    log_likelihood[1, 2:5] = 0.0
    log_likelihood[2, 5:] = 0.0
    log_likelihood[2, 1] = 3.0  # tempting, but unreachable at frame 1 by a monotonic path
    durations = monotonic_alignment(log_likelihood[None], [3], [8])
    assert durations.tolist() == [[2, 3, 3]]


def test_mas_matches_the_reference_and_brute_force(rng):
    for _ in range(150):
        n_tokens = int(rng.integers(1, 5))
        n_frames = int(rng.integers(n_tokens, 8))
        optional = rng.random(n_tokens) < 0.4
        log_likelihood = rng.normal(size=(n_tokens, n_frames))
        got = monotonic_alignment(log_likelihood[None], [n_tokens], [n_frames], optional[None])[0]
        assert got.tolist() == reference_alignment(log_likelihood, optional)
        candidates = list(all_durations(n_tokens, n_frames, optional))
        best = max(candidates, key=lambda d: path_score(log_likelihood, d))
        assert got.tolist() == list(best)


def test_mas_batched_matches_reference_on_larger_matrices(rng):
    batch, max_tokens, max_frames = 6, 20, 60
    log_likelihood = rng.normal(size=(batch, max_tokens, max_frames))
    token_lengths = rng.integers(5, max_tokens + 1, size=batch)
    frame_lengths = rng.integers(max_tokens, max_frames + 1, size=batch)
    optional = rng.random((batch, max_tokens)) < 0.3
    durations = monotonic_alignment(log_likelihood, token_lengths, frame_lengths, optional)
    for item in range(batch):
        n, t = token_lengths[item], frame_lengths[item]
        expected = reference_alignment(log_likelihood[item, :n, :t], optional[item, :n])
        assert durations[item, :n].tolist() == expected
        assert durations[item, n:].sum() == 0


def test_durations_sum_to_frames_and_every_token_gets_a_frame(rng):
    log_likelihood = rng.normal(size=(4, 12, 40))
    token_lengths, frame_lengths = np.array([12, 7, 3, 12]), np.array([40, 30, 3, 12])
    durations = monotonic_alignment(log_likelihood, token_lengths, frame_lengths)
    for item in range(4):
        assert durations[item].sum() == frame_lengths[item]
        assert (durations[item, : token_lengths[item]] >= 1).all()
    skippable = monotonic_alignment(
        log_likelihood, token_lengths, frame_lengths, np.ones((4, 12), bool) & (rng.random((4, 12)) < 0.5)
    )
    for item in range(4):
        fixed = at_least_one_frame(skippable[item, : token_lengths[item]])
        assert fixed.sum() == frame_lengths[item] and (fixed >= 1).all()


def test_at_least_one_frame_takes_the_frame_before_and_keeps_the_total():
    assert at_least_one_frame([3, 0, 4]).tolist() == [2, 1, 4]
    assert at_least_one_frame([3, 0, 0, 4]).tolist() == [1, 1, 1, 4]
    assert at_least_one_frame([0, 0, 5]).tolist() == [1, 1, 3]  # at the start: taken from after
    assert at_least_one_frame([4, 2, 0, 0]).tolist() == [3, 1, 1, 1]  # the frames cascade back
    assert at_least_one_frame([1, 0, 0, 3]).tolist() == [1, 1, 1, 1]
    assert at_least_one_frame([2, 5, 1]).tolist() == [2, 5, 1]


def test_convert_durations_to_a_coarser_hop():
    fine, coarse = FeatureSpec(hop_length=128, win_length=512, n_fft=512), FeatureSpec()
    converted = convert_durations([4, 0, 6, 1, 9], source=fine, target=coarse, target_frames=10)
    # boundaries at fine frames 4, 4, 10, 11 -> coarse 2, 2, 5, 6 (half-way rounds up); the skipped token gets a frame
    assert converted.tolist() == [1, 1, 3, 1, 4]
    assert converted.sum() == 10


def test_mas_refuses_too_few_frames():
    with pytest.raises(TTSError, match="3 frames for 4 tokens"):
        monotonic_alignment(np.zeros((1, 4, 3)), [4], [3])


# ---------------------------------------------------------------- prior and loss


def test_beta_binomial_prior_peaks_on_the_diagonal():
    n_tokens, n_frames = 10, 50
    log_prior = log_beta_binomial_prior(torch.tensor([n_tokens, 4]), torch.tensor([n_frames, 9]))
    peaks = log_prior[0].argmax(dim=1).numpy()
    diagonal = np.arange(1, n_frames + 1) * (n_tokens - 1) / (n_frames + 1)
    assert np.abs(peaks - diagonal).max() <= 1.0
    assert (np.diff(peaks) >= 0).all()
    probabilities = log_prior[0].exp().sum(dim=1)
    torch.testing.assert_close(probabilities, torch.ones(n_frames), atol=1e-4, rtol=0)
    assert (log_prior[1, 9:] == 0).all() and (log_prior[1, :, 4:] == 0).all()  # padding left at 0


def test_forward_sum_loss_is_minus_the_log_sum_over_paths(rng):
    n_tokens, n_frames = 3, 6
    optional = np.array([False, True, False])
    log_likelihood = rng.normal(size=(n_tokens, n_frames))
    scores = [path_score(log_likelihood, d) for d in all_durations(n_tokens, n_frames, optional)]
    log_attention = torch.tensor(log_likelihood.T[None], dtype=torch.float64, requires_grad=True)
    args = (torch.tensor([n_tokens]), torch.tensor([n_frames]), torch.tensor(optional[None]))
    loss = forward_sum_loss(log_attention, *args)
    assert loss.item() == pytest.approx(-np.logaddexp.reduce(scores) / n_tokens, abs=1e-9)
    assert torch.autograd.gradcheck(lambda x: forward_sum_loss(x, *args), (log_attention,))


class KnownDurations(torch.utils.data.Dataset):
    """Each symbol has its own mel template; an utterance repeats each symbol's template for its
    random duration, so the true alignment is known."""

    def __init__(self, n_items, n_symbols, n_mels, seed=0):
        rng = np.random.default_rng(seed)
        templates = rng.normal(size=(n_symbols, n_mels)) * 2
        self.items = []
        for _ in range(n_items):
            ids = [int(rng.integers(1, n_symbols))]
            while len(ids) < rng.integers(4, 9):
                ids.append(int((ids[-1] + rng.integers(1, n_symbols - 1) - 1) % (n_symbols - 1) + 1))
            durations = rng.integers(2, 7, size=len(ids))
            mel = np.repeat(templates[ids], durations, axis=0) + 0.1 * rng.normal(size=(durations.sum(), n_mels))
            self.items.append((np.array(ids), durations, mel.astype(np.float32)))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, index):
        ids, _, mel = self.items[index]
        return {"ids": torch.from_numpy(ids), "mel": torch.from_numpy(mel), "speaker": 0,
                "optional": torch.zeros(len(ids), dtype=torch.bool)}


def tiny_aligner_config(n_symbols=10, n_mels=8, speakers=("a",)):
    stack = ConvStackConfig(channels=32, kernel_size=1, layers=2, dropout=0.0)
    return AlignerConfig(
        symbols=tuple("_" + "abcdefghijklmnopqrstuvwxyz"[: n_symbols - 1]),
        inventory_version="test-1",
        speakers=speakers,
        n_mels=n_mels,
        attention_dim=16,
        text_encoder=stack,
        mel_encoder=stack,
        speaker_dim=8,
        temperature=0.01,
    )


def test_training_learns_the_known_alignment(tmp_path):
    dataset = KnownDurations(64, 10, 8)
    spec = FeatureSpec(n_mels=8)
    task = AlignerTask(tiny_aligner_config(), dataset, spec)
    config = TrainConfig(out_dir=str(tmp_path), max_steps=30, batch_size=8, lr=3e-3, log_every=5,
                         checkpoint_every=100, progress_bar=False)
    batch = collate([dataset[i] for i in range(len(dataset))])

    def loss_of(model):
        with torch.no_grad():
            return task.loss(model, batch)[0].item()

    torch.manual_seed(config.seed)
    untrained = task.build_model()
    result = train(task, config)
    aligner = Aligner.load(export_weights(result.checkpoint, tmp_path / "aligner.safetensors"), spec=spec)
    assert loss_of(aligner) < 0.7 * loss_of(untrained)
    with torch.no_grad():
        log_attention = aligner(batch.ids, batch.id_lengths, batch.mels, batch.mel_lengths, batch.speakers)
    found = monotonic_alignment(log_attention.transpose(1, 2).numpy(), batch.id_lengths, batch.mel_lengths)
    right = sum((found[i, : len(ids)] == true).sum() for i, (ids, true, _) in enumerate(dataset.items))
    assert right / sum(len(ids) for ids, _, _ in dataset.items) > 0.9


def utterances_of(dataset, folder):
    """AlignerUtterances of speaker "b" for a KnownDurations dataset, mels saved in `folder`; the
    first and last tokens are optional, like separators at the ends."""
    utterances = []
    for index, (ids, _durations, mel) in enumerate(dataset.items):
        np.save(folder / f"u{index}.npy", mel)
        word_of = np.array([-1] + [0] * (len(ids) - 2) + [-1])
        utterances.append(AlignerUtterance(f"u{index}", "b", ("w",), tuple("xyzuvwrst"[: len(ids)]), ids, word_of,
                                           folder / "unused.wav", folder / f"u{index}.npy", len(mel)))
    return utterances


def test_align_gives_each_utterance_its_frames(tmp_path):
    dataset = KnownDurations(5, 10, 8, seed=1)
    config = tiny_aligner_config(speakers=("a", "b"))
    torch.manual_seed(0)
    aligner = Aligner(config).eval()
    aligner.spec = FeatureSpec(n_mels=8)  # as Aligner.load gives it
    utterances = utterances_of(dataset, tmp_path)
    for durations, utterance in zip(align(aligner, utterances, batch_size=2), utterances):
        assert len(durations) == len(utterance.ids) and durations.sum() == utterance.n_frames
        assert (durations[utterance.word_of >= 0] >= 1).all()


# ---------------------------------------------------------------- words and evaluation


def test_word_spans_from_durations_and_word_of():
    durations = [3, 2, 4, 1, 5, 2, 6, 3]
    word_of = [-1, 0, 0, -1, 1, -1, 2, -1]  # SEP w0 w0 SEP w1 pause w2 SEP
    assert word_spans(durations, word_of, 3).tolist() == [[3, 9], [10, 15], [17, 23]]


def test_match_words_groups_different_splits_and_skips_mismatches():
    predicted = ["They", "fifty-five", "pockets", "zebra", "in", "summer"]
    reference = ["they", "fifty", "five", "pockets", "quagga", "in", "summer's"]
    assert match_words(predicted, reference) == [
        ((0, 1), (0, 1)),
        ((1, 2), (1, 3)),
        ((2, 3), (3, 4)),
        ((4, 5), (5, 6)),
    ]


def test_evaluation_metric_on_a_hand_made_example(tmp_path):
    frame = 0.01  # seconds per frame
    record = DurationRecord(
        id="u1", speaker="s", words=("a", "bc", "d"), phonemes=tuple("_a_bc,d_"),
        durations=np.array([5, 10, 1, 5, 5, 20, 10, 4]), word_of=np.array([-1, 0, -1, 1, 1, -1, 2, -1]),
    )  # words a: 0.05-0.15, bc: 0.16-0.26, d: 0.46-0.56
    reference = {"id": "u1", "speaker": "s", "sample_rate": 16000, "words": [
        {"word": "A", "start": 0.05, "end": 0.16},  # errors 0, 10 ms
        {"word": "bc", "start": 0.16, "end": 0.30},  # errors 0, 40 ms
        {"word": "x", "start": 0.40, "end": 0.45},  # unmatched
        {"word": "d", "start": 0.46, "end": 0.585},  # errors 0, 25 ms (within)
    ]}
    (tmp_path / "u1.json").write_text(json.dumps(reference))
    reports = evaluate([record], tmp_path, frame)
    report = reports["all"]
    assert reports["s"] == report
    assert (report.utterances, report.reference_words, report.matched_words, report.boundaries) == (1, 4, 3, 6)
    assert report.mean_error_ms == pytest.approx((10 + 40 + 25) / 6)
    assert report.within_tolerance == pytest.approx(5 / 6)


# ---------------------------------------------------------------- durations file and config


def test_durations_file_round_trip(tmp_path):
    records = [
        DurationRecord("u1", "p1", ("hi",), (" ", "h", "ˈaɪ", " "), np.array([2, 3, 4, 1]), np.array([-1, 0, 0, -1])),
        DurationRecord("u2", "p2", ("a", "b"), ("a", " ", "b"), np.array([1, 1, 5]), np.array([0, -1, 1])),
    ]
    path = write_durations(tmp_path / "m.durations.jsonl", records, spec=FeatureSpec(), inventory="inv-1")
    loaded = read_durations(path)
    assert (loaded.spec, loaded.inventory) == (FeatureSpec(), "inv-1")
    for mine, theirs in zip(records, loaded.records):
        assert (mine.id, mine.speaker, mine.words, mine.phonemes) == (theirs.id, theirs.speaker, theirs.words, theirs.phonemes)
        assert mine.durations.tolist() == theirs.durations.tolist() and mine.word_of.tolist() == theirs.word_of.tolist()
    row = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    row["durations"][0] = 0
    (tmp_path / "bad.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(TTSError, match="at least one frame"):
        read_durations(tmp_path / "bad.jsonl")


def test_run_config_overrides_are_checked():
    run = apply_overrides(AlignerRunConfig(), ["train.lr=0.003", "model.mel_encoder.layers=2", "data.spec.hop_length=128"])
    assert (run.train.lr, run.model.mel_encoder.layers, run.data.spec.hop_length) == (0.003, 2, 128)
    with pytest.raises(TTSError, match="unknown field 'attention_dimm'"):
        apply_overrides(AlignerRunConfig(), ["model.attention_dimm=3"])


def test_mel_deltas_are_symmetric_regression_slopes():
    from frontends.aligner.model import _deltas

    ramp = torch.arange(12.0).repeat(2, 3, 1)  # [batch, channels, frames], slope 1
    for width in (1, 2):
        deltas = _deltas(ramp, width)
        assert deltas.shape == ramp.shape
        torch.testing.assert_close(deltas[..., width:-width], torch.ones(2, 3, 12 - 2 * width))
    flipped = _deltas(ramp.flip(-1), 1).flip(-1)
    torch.testing.assert_close(flipped, -_deltas(ramp, 1))  # no frame shift: time reversal negates


def test_deltas_widen_the_mel_encoder_and_old_checkpoints_load_without_them(tmp_path):
    from dataclasses import replace

    from tts.checkpoint import save_weights
    from tts.config import config_to_dict

    plain = Aligner(tiny_aligner_config())
    with_deltas = Aligner(replace(tiny_aligner_config(), mel_deltas=1))
    assert with_deltas.mel_encoder.blocks[0].conv.in_channels == 2 * plain.mel_encoder.blocks[0].conv.in_channels
    config = config_to_dict(plain.config)
    del config["mel_deltas"]  # a checkpoint written before the field existed
    path = tmp_path / "old.safetensors"
    save_weights(path, plain.state_dict(), kind="aligner", config=config, spec=FeatureSpec(n_mels=8))
    assert Aligner.load(path).config.mel_deltas == 0
    assert AlignerRunConfig().model.mel_deltas == 1
