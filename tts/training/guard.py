"""The NaN/inf guard: counts skipped steps and stops a run that keeps producing them."""

from tts.errors import TTSError


class NonFiniteGuard:
    def __init__(self, max_bad_steps):
        self.max_bad_steps = max_bad_steps
        self.bad_in_a_row = 0
        self.skipped_total = 0

    def record(self, finite, *, step, last_checkpoint):
        """Note one step; raise once `max_bad_steps` non-finite steps came in a row."""
        if finite:
            self.bad_in_a_row = 0
            return
        self.bad_in_a_row += 1
        self.skipped_total += 1
        if self.bad_in_a_row >= self.max_bad_steps:
            where = (
                f"a re-run resumes from the last checkpoint, {last_checkpoint}"
                if last_checkpoint
                else "no checkpoint was written"
            )
            raise TTSError(
                f"training stopped at step {step}: {self.bad_in_a_row} steps in a row had a non-finite "
                f"loss or gradient (check the data for NaN/inf or lower the lr); {where}"
            )

    def state_dict(self):
        return {"bad_in_a_row": self.bad_in_a_row, "skipped_total": self.skipped_total}

    def load_state_dict(self, state):
        self.bad_in_a_row = state["bad_in_a_row"]
        self.skipped_total = state["skipped_total"]
