"""The loop's held-out evaluations (train.eval_every, Task.evaluate): when they run, what the
log holds, and that a resumed run's log reads as the uninterrupted run's."""

import pytest
import torch

from training_fixtures import Interrupted, TinyTask, tiny_config
from tts.training import train
from tts.training.evaluations import read_evaluations
from tts.training.trainer import migrated_state


class ScoredTask(TinyTask):
    """TinyTask whose held-out figure is the model's mean squared error on noise-free items."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.held_x, self.held_y = self.dataset.x[:16], self.dataset.y[:16]
        self.modes = []

    def evaluate(self, model):
        self.modes.append((model.training, torch.is_grad_enabled()))
        return {"mse": torch.nn.functional.mse_loss(model(self.held_x), self.held_y).item()}


def test_evaluations_run_every_n_steps_in_eval_mode_and_log_time(tmp_path):
    task = ScoredTask()
    train(task, tiny_config(tmp_path, max_steps=12, eval_every=4))
    rows = read_evaluations(tmp_path)
    assert [row["step"] for row in rows] == [4, 8, 12]
    assert task.modes == [(False, False)] * 3  # eval mode, no autograd
    seconds = [row["train_seconds"] for row in rows]
    assert 0 < seconds[0] < seconds[1] < seconds[2]
    assert all(row["mse"] > 0 for row in rows)


def test_a_task_without_evaluate_writes_no_log(tmp_path):
    train(TinyTask(), tiny_config(tmp_path, max_steps=6, eval_every=2))
    assert read_evaluations(tmp_path) == []


def test_a_resumed_run_logs_the_same_figures_as_an_uninterrupted_one(tmp_path):
    whole, broken = tmp_path / "whole", tmp_path / "broken"
    train(ScoredTask(), tiny_config(whole, max_steps=20, eval_every=3, ema_decay=None))
    with pytest.raises(Interrupted):  # killed after step 12's evaluation, before its checkpoint at 15
        train(ScoredTask(stop_at_call=14), tiny_config(broken, max_steps=20, eval_every=3, ema_decay=None))
    assert [row["step"] for row in read_evaluations(broken)] == [3, 6, 9, 12]
    train(ScoredTask(), tiny_config(broken, max_steps=20, eval_every=3, ema_decay=None))
    resumed, uninterrupted = read_evaluations(broken), read_evaluations(whole)
    assert [row["step"] for row in resumed] == [3, 6, 9, 12, 15, 18]  # step 12 from the resumed run alone
    assert [row["mse"] for row in resumed] == pytest.approx([row["mse"] for row in uninterrupted], rel=1e-6)
    assert resumed[-1]["train_seconds"] > resumed[2]["train_seconds"]  # time carried over the resume


def test_version_1_resume_states_read_with_no_training_time():
    assert migrated_state({"version": 1, "step": 5}) == {"version": 2, "step": 5, "train_seconds": 0.0}
    assert migrated_state({"version": 2, "train_seconds": 3.0}) == {"version": 2, "train_seconds": 3.0}
