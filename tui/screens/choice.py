"""A modal that offers a few answers, each a button with a key; escape answers none."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static
from textual.widgets.button import ButtonVariant


@dataclass(frozen=True)
class Choice:
    answer: str
    label: str
    key: str
    variant: ButtonVariant = "default"


class ChoiceScreen(ModalScreen[str]):
    """Dismissed with the chosen answer, or "" when the user backs out."""

    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > Vertical {
        width: 70; max-width: 98%; height: auto;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ChoiceScreen .title { text-style: bold; margin-bottom: 1; }
    ChoiceScreen Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    ChoiceScreen Button { margin-left: 1; min-width: 10; }
    """
    BINDINGS = [Binding("escape", "choose('')", "Cancel", id="cancel-choice")]

    def __init__(self, title: str, detail: str, choices: list[Choice]) -> None:
        super().__init__()
        self.title_text = title
        self.detail = detail
        self.choices = choices
        for choice in choices:
            self._bindings.bind(choice.key, f"choose({choice.answer!r})", choice.label)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title", markup=False)
            yield Static(self.detail, markup=False)
            with Horizontal():
                for choice in self.choices:
                    yield Button(
                        f"{choice.label} ({choice.key})",
                        id=f"choice-{choice.answer}",
                        variant=choice.variant,
                    )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "").removeprefix("choice-"))

    def action_choose(self, answer: str) -> None:
        self.dismiss(answer)
