"""Duration-informed alignment: the segmental search against MAS and brute force, the length
priors, and the passes of align()."""

import numpy as np
import pytest
import torch

import frontends.aligner.align
from frontends.aligner.align import align
from frontends.aligner.duration_prior import MIN_STD, DurationPrior
from frontends.aligner.mas import monotonic_alignment
from frontends.aligner.model import Aligner
from frontends.aligner.segmental import segmental_alignment
from frontends.aligner.silence import speech_frames
from test_aligner import KnownDurations, all_durations, path_score, tiny_aligner_config, utterances_of
from tts.cli.main import main
from tts.features import FeatureSpec


def log_normal(frames, mean, std):
    z = (np.log(frames) - mean) / std
    return -0.5 * z * z - np.log(std) - np.log(frames)


def random_case(rng, max_tokens, max_frames):
    """(log-likelihoods [tokens, frames], optional [tokens]) with frames enough for the tokens."""
    n_tokens = int(rng.integers(1, max_tokens + 1))
    n_frames = int(rng.integers(n_tokens, max_frames + 1))
    return rng.normal(size=(n_tokens, n_frames)), rng.random(n_tokens) < 0.4


def test_weight_zero_finds_the_mas_path(rng):
    for _ in range(40):
        log_likelihood, optional = random_case(rng, 8, 30)
        n_tokens, n_frames = log_likelihood.shape
        expected = monotonic_alignment(log_likelihood[None], [n_tokens], [n_frames], optional[None])[0]
        found = segmental_alignment(
            log_likelihood, optional, np.zeros(n_tokens), np.ones(n_tokens), weight=0, max_frames=n_frames
        )
        assert found.tolist() == expected.tolist()


def test_the_best_path_with_length_priors_matches_brute_force(rng):
    for _ in range(25):
        log_likelihood, optional = random_case(rng, 4, 8)
        n_tokens, n_frames = log_likelihood.shape
        mean, std = rng.normal(1.0, 0.5, n_tokens), rng.uniform(0.2, 1.0, n_tokens)
        weight = float(rng.uniform(0.5, 4.0))

        def score(durations):
            prior = sum(log_normal(d, m, s) for d, m, s, o in zip(durations, mean, std, optional) if not o)
            return path_score(log_likelihood, durations) + weight * prior

        best = max(all_durations(n_tokens, n_frames, optional), key=score)
        found = segmental_alignment(log_likelihood, optional, mean, std, weight=weight, max_frames=n_frames)
        assert score(found) == pytest.approx(score(best), abs=1e-9)
        assert found.sum() == n_frames and all(d >= 1 for d, o in zip(found, optional) if not o)


def test_a_flat_stretch_is_split_where_the_priors_put_it():
    """Two phonemes the audio cannot tell apart: MAS's ties leave all but one frame to the second,
    the priors give each its usual length."""
    log_likelihood = np.zeros((2, 12))
    assert monotonic_alignment(log_likelihood[None], [2], [12])[0].tolist() == [1, 11]
    mean, std = np.log([3.0, 9.0]), np.full(2, 0.3)
    found = segmental_alignment(log_likelihood, np.zeros(2, bool), mean, std, weight=1.0, max_frames=12)
    assert found.tolist() == [3, 9]


def test_optional_tokens_take_any_length_and_phonemes_at_most_max_frames():
    log_likelihood = np.full((3, 40), -5.0)
    log_likelihood[1] = 0.0  # a pause of 38 frames between two one-frame phonemes
    optional = np.array([False, True, False])
    found = segmental_alignment(log_likelihood, optional, np.zeros(3), np.ones(3), weight=1.0, max_frames=4)
    assert found.tolist() == [1, 38, 1]
    with pytest.raises(ValueError, match="at most 4 frames"):
        segmental_alignment(np.zeros((2, 12)), np.zeros(2, bool), np.zeros(2), np.ones(2), weight=1.0, max_frames=4)


def test_priors_per_speaker_and_phoneme_with_fallbacks():
    phonemes = ["a"] * 6 + ["b"] * 2 + [" "]
    durations = [2, 2, 4, 4, 2, 4, 10, 10, 50]
    optional = [False] * 8 + [True]
    prior = DurationPrior.fit(["s1"], [phonemes], [durations], [optional])
    mean, std = prior.for_tokens("s1", ["a", "b", "c"])
    a = np.log([2, 2, 4, 4, 2, 4])
    every = np.log(durations[:8])  # the pause is not a phoneme
    assert mean.tolist() == pytest.approx([a.mean(), every.mean(), every.mean()])  # b: 2 examples, too few
    assert std.tolist() == pytest.approx([a.std(), every.std(), every.std()])
    regular = DurationPrior.fit(["s2"], [["a"] * 5], [[3] * 5], [[False] * 5])
    assert regular.for_tokens("s2", ["a"])[1].tolist() == [MIN_STD]
    assert [x.tolist() for x in regular.for_tokens("unknown", ["a", "b"])] == [[0.0, 0.0], [1.0, 1.0]]


def test_align_passes_keep_every_frame_and_weight_zero_is_mas(tmp_path):
    dataset = KnownDurations(6, 10, 8, seed=2)
    torch.manual_seed(0)
    aligner = Aligner(tiny_aligner_config(speakers=("a", "b"))).eval()
    aligner.spec = FeatureSpec(n_mels=8)  # as Aligner.load gives it
    utterances = utterances_of(dataset, tmp_path)
    plain = align(aligner, utterances, duration_weight=0, pause_cost=0, speech_level_db=0)
    with torch.no_grad():
        for durations, utterance, (ids, _, mel) in zip(plain, utterances, dataset.items):
            log_attention = aligner(
                torch.from_numpy(ids)[None], torch.tensor([len(ids)]), torch.from_numpy(mel)[None],
                torch.tensor([len(mel)]), torch.tensor([1]),
            )
            mas = monotonic_alignment(
                log_attention.transpose(1, 2).numpy(), [len(ids)], [len(mel)], (utterance.word_of < 0)[None]
            )
            assert durations.tolist() == mas[0].tolist()
    for rounds in (1, 3):
        for durations, utterance in zip(align(aligner, utterances, rounds=rounds), utterances):
            assert durations.sum() == utterance.n_frames
            assert (durations[utterance.word_of >= 0] >= 1).all()


@pytest.mark.parametrize("option", [["--duration-weight", "-1"], ["--duration-weight", "nan"], ["--prior-rounds", "-2"]])
def test_align_refuses_bad_search_options(option, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["align", "--manifest", "m.jsonl", "--checkpoint", "exp", *option])
    assert exit_.value.code == 2
    assert option[0] in capsys.readouterr().err


def mel_at_levels(levels_db, n_mels=8):
    """A natural-log mel [frames, n_mels] whose frames have these levels (20 log10 of the summed magnitudes)."""
    return np.repeat(np.log(10 ** (np.asarray(levels_db, dtype=np.float64) / 20) / n_mels)[:, None], n_mels, axis=1)


def test_speech_frames_are_near_the_peak_and_well_over_the_floor():
    spec = FeatureSpec(n_mels=8)
    clean = mel_at_levels([-80, -80, 0, -5, -25, -40, -80])  # a quiet tail at -25 dB is still speech
    assert speech_frames(clean, spec).tolist() == [False, False, True, True, True, False, False]
    noisy = mel_at_levels([-20, -21, 0, -5, -8, -20, -19])  # pauses only 20 dB down: 10 dB over them counts
    assert speech_frames(noisy, spec).tolist() == [False, False, True, True, True, False, False]
    assert not speech_frames(clean, spec, below_peak_db=0).any()


def test_pauses_keep_off_loud_frames_that_the_soft_alignment_gives_them(monkeypatch, tmp_path):
    """A sentence-final vowel whose last loud frames the soft alignment scores higher for the pause
    after it, as the bootstrap corpus's aligner does: the vowel keeps them."""
    log_likelihood = np.array([
        [0.0] * 4 + [-2.0] * 2 + [-4.0] * 4,  # the vowel
        [-9.0] * 4 + [-1.0] * 6,  # the pause: better from frame 4, though frames 4 and 5 are loud
    ])
    mel = mel_at_levels([0, 0, 0, -2, -3, -6, -70, -70, -70, -70])
    optional = np.array([False, True])
    monkeypatch.setattr(
        frontends.aligner.align, "_soft_alignments", lambda *args: iter([(0, log_likelihood.copy(), optional, mel)])
    )
    aligner = Aligner(tiny_aligner_config())
    aligner.spec = FeatureSpec(n_mels=8)
    (utterance,) = utterances_of(KnownDurations(1, 10, 8, seed=3), tmp_path)
    assert align(aligner, [utterance], duration_weight=0, pause_cost=0, speech_level_db=0)[0].tolist() == [4, 6]
    assert align(aligner, [utterance], duration_weight=0)[0].tolist() == [6, 4]
