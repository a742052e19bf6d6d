"""A question answered in words: a title, a sentence, one line to type. Enter answers (once
something is typed), escape answers nothing (None)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from tui.dialogs.modal import DeckModal


class AskScreen(DeckModal[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="cancel-ask")]

    def __init__(self, title: str, detail: str, placeholder: str) -> None:
        super().__init__()
        self.title_text = title
        self.detail = detail
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title", markup=False)
            yield Static(self.detail, markup=False)
            yield Input(placeholder=self.placeholder, id="answer", classes="line")
            yield Static("enter answers · escape cancels", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(" ".join(event.value.split()))
