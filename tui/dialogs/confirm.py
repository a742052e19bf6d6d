"""A reusable yes/no question whose focus starts on Cancel."""

from __future__ import annotations

from textual.binding import Binding

from tui.dialogs.modal import Answer, Question


class ConfirmScreen(Question[bool]):
    BINDINGS = [Binding("escape", "choose('cancel')", "Cancel", id="cancel")]

    def __init__(self, title: str, detail: str, *, confirm_label: str = "Confirm") -> None:
        super().__init__(
            title,
            detail,
            [Answer("cancel", "Cancel", "n"), Answer("confirm", confirm_label, "y", "error")],
        )

    def action_choose(self, answer: str) -> None:
        self.dismiss(answer == "confirm")
