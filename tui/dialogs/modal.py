"""What every dialog shares: a centred frame whose look lives in `rosterdeck.tcss`, and a
question form (a title, a sentence or two, buttons with keys) that the yes/no and the
choice dialogs are made of."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static
from textual.widgets.button import ButtonVariant

from tui.widgets.deck_footer import DeckFooter

ResultT = TypeVar("ResultT")


class DeckModal(ModalScreen[ResultT]):
    """A dialog: its child frame (`Vertical` or `VerticalScroll`) is centred and bordered by
    the stylesheet, so that every dialog looks alike and one rule changes them all. It has a
    footer of its own, over the screen's: the keys shown are the dialog's, not those of the
    screen beneath, which do nothing while it is open."""

    def on_mount(self) -> None:
        self.mount(DeckFooter())

    async def on_key(self, event: events.Key) -> None:
        """Keys typed quickly arrive together, over SSH above all. Textual runs a binding only
        once its key has passed through the dialog, and by then the keys typed after it are on
        their way to the dialog too: `n` then `q` lost the `q` to the closing dialog. So the
        bindings act here, as their key arrives (the same look-up the app would make a moment
        later), and a key that reaches the dialog after its answer closed it goes on to the
        screen beneath, as it was meant to."""
        if not self.is_active:
            self.app.post_message(events.Key(event.key, event.character))
        elif not await self.app._check_bindings(event.key):
            self.unbound_key(event)
            return
        event.prevent_default()
        event.stop()

    def unbound_key(self, event: events.Key) -> None:
        """A key no binding took: it goes on up, as on any screen."""


@dataclass(frozen=True)
class Answer:
    """One button of a question: what it answers, its words, its key and its colour."""

    answer: str
    label: str
    key: str
    variant: ButtonVariant = "default"


class Question(DeckModal[ResultT]):
    """A title, a sentence or two and a row of answers; each answer's key presses it. Focus
    starts on the first answer, so it should be the safe one."""

    def __init__(self, title: str, detail: str, answers: list[Answer]) -> None:
        super().__init__()
        self.title_text = title
        self.detail = detail
        self.answers = answers
        for answer in answers:
            self._bindings.bind(answer.key, f"choose({answer.answer!r})", answer.label)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title", markup=False)
            yield Static(self.detail, markup=False)
            with Horizontal(classes="buttons"):
                for answer in self.answers:
                    yield Button(
                        f"{answer.label} ({answer.key})",
                        id=f"answer-{answer.answer}",
                        variant=answer.variant,
                    )

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_choose((event.button.id or "").removeprefix("answer-"))

    def action_choose(self, answer: str) -> None:
        raise NotImplementedError
