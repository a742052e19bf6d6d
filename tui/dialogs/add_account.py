"""Add an account: the token goes in a password field and is checked before anything is saved."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from providers.accounts.store import DEFAULT_BASE_URLS, make_account
from providers.accounts.workspace import LocalWorkspace
from providers.errors import ProviderError
from providers.models import Provider
from providers.text import shown
from tui.dialogs.modal import DeckModal

if TYPE_CHECKING:
    from tui.app import RosterDeckApp


class AddAccountScreen(DeckModal[bool]):
    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel", id="cancel-add")]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("Add an account", classes="title", markup=False)
            yield Label("Name (letters, digits, - _ .)")
            yield Input(placeholder="e.g. acme-support", id="name", classes="line")
            yield Label("Provider")
            yield Select([(p.label, p.value) for p in Provider], id="provider", allow_blank=False)
            yield Label("Base URL (leave empty for the provider's own)")
            yield Input(placeholder=DEFAULT_BASE_URLS[Provider.RASL], id="base-url", classes="line")
            yield Label("API token (hidden; checked before saving)")
            yield Input(password=True, id="token", classes="line")
            yield Static("", id="token-length", markup=False)
            yield Static("", id="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Check and save", id="save", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """The token is masked, so say how long it is: a paste that went wrong shows."""
        if event.input.id == "token":
            length = len(event.value.strip())
            self.query_one("#token-length", Static).update(f"{length} characters" if length else "")

    def on_select_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.query_one("#base-url", Input).placeholder = DEFAULT_BASE_URLS[
                Provider(event.value)
            ]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(False)
        else:
            self.save()

    def on_input_submitted(self) -> None:
        self.save()

    @work(exclusive=True)
    async def save(self) -> None:
        error = self.query_one("#error", Static)
        workspace = cast("RosterDeckApp", self.app).workspace
        assert isinstance(workspace, LocalWorkspace)
        token = self.query_one("#token", Input).value.strip()
        try:
            account = make_account(
                self.query_one("#name", Input).value.strip(),
                str(self.query_one("#provider", Select).value),
                self.query_one("#base-url", Input).value.strip() or None,
            )
            if not token:
                raise ProviderError("Paste the account's API token.")
            error.update("… checking the token")
            identity = await workspace.add(account, token)
        except ProviderError as failure:
            error.update(f"✗ {shown(str(failure))}")
            self.query_one("#token", Input).focus()
            return
        said = shown(identity.name) if identity else ""
        self.notify(f"Account {account.name} added: {said}.", markup=False)
        self.dismiss(True)
