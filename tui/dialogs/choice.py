"""A question with a few answers, each a button with a key; escape answers none ("")."""

from __future__ import annotations

from textual.binding import Binding

from tui.dialogs.modal import Question


class ChoiceScreen(Question[str]):
    BINDINGS = [Binding("escape", "choose('')", "Cancel", id="cancel-choice")]

    def action_choose(self, answer: str) -> None:
        self.dismiss(answer)
