"""Keys typed quickly arrive together (over SSH above all): the key that answers a dialog acts
as it arrives, and the key typed right after it reaches the screen beneath, never the closing
dialog."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input

from tests.scenes import until
from tui.dialogs.confirm import ConfirmScreen
from tui.dialogs.help import HelpScreen
from tui.dialogs.modal import DeckModal


def quit_question(app: App[Any]) -> DeckModal[Any]:
    return ConfirmScreen("Quit?", "A job is running.")


def help_dialog(app: App[Any]) -> DeckModal[Any]:
    return HelpScreen(app.screen)


class Host(App[None]):
    """A dialog over a screen with a field; what the dialog answers is kept."""

    def __init__(self, dialog: Callable[[App[Any]], DeckModal[Any]]) -> None:
        super().__init__()
        self.dialog = dialog
        self.answers: list[object] = []

    def compose(self) -> ComposeResult:
        yield Input(id="beneath")

    def on_mount(self) -> None:
        self.push_screen(self.dialog(self), self.answers.append)


def type_together(app: App[None], *keys: str) -> None:
    """The keys reach the app at once, as a terminal delivers what was typed quickly."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


@pytest.mark.parametrize(
    ("dialog", "key", "answer"),
    [
        (quit_question, "n", False),
        (quit_question, "escape", False),
        (quit_question, "y", True),
        (help_dialog, "q", None),
        (help_dialog, "escape", None),
    ],
)
async def test_a_key_typed_right_after_the_answer_reaches_the_screen_beneath(
    dialog: Callable[[App[Any]], DeckModal[Any]], key: str, answer: object
) -> None:
    app = Host(dialog)
    async with app.run_test() as pilot:
        await until(pilot, lambda: isinstance(app.screen, DeckModal))
        type_together(app, key, "a", "b")
        beneath = app.query_one("#beneath", Input)
        await until(pilot, lambda: app.answers == [answer] and app.focused is beneath)
        await until(pilot, lambda: beneath.value == "ab")
