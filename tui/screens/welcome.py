"""What a first start shows: try the sandbox, or add a real account."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.widgets import Button, Static

from tui.screens.base import DeckScreen

WELCOME = """Welcome to RosterDeck.

It takes people off WhatsApp groups and email contact lists, safely:
pick an account, open a group or list, mark who must go, confirm,
and watch every removal happen.

No account yet? The sandbox has three fake providers to try it on."""


class WelcomeScreen(DeckScreen):
    BINDINGS = [
        Binding("t", "demo", "Try the sandbox", id="try-demo"),
        Binding("n", "add", "Add an account", id="add-account"),
    ]

    def heading(self) -> str:
        return "RosterDeck"

    def body(self) -> ComposeResult:
        with Center(), Vertical(id="welcome"):
            yield Static(WELCOME, markup=False)
            with Horizontal():
                yield Button("Try the sandbox (t)", id="demo", variant="primary")
                yield Button("Add an account (n)", id="add")

    def on_mount(self) -> None:
        self.query_one("#demo", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_demo() if event.button.id == "demo" else self.action_add()

    def action_demo(self) -> None:
        self.deck.use_sandbox()

    def action_add(self) -> None:
        from tui.dialogs.add_account import AddAccountScreen

        def added(done: bool | None) -> None:
            if done:
                self.deck.show_accounts()

        self.app.push_screen(AddAccountScreen(), added)
