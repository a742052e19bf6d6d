"""The first screen: every account, where its token lives, and whether it was accepted."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static

from providers.errors import ProviderError
from providers.text import shown
from tui.screens.base import DeckScreen
from tui.widgets.row_table import RowTable

#: where a status stops: a provider's real answers are shorter, an endless one is cut
STATUS_CHARS = 160
TOKEN_WORDS = {
    "keyring": "● keyring",
    "environment": "● environment",
    "built-in": "● sandbox",
    "missing": "○ missing",
}


class AccountsScreen(DeckScreen):
    BINDINGS = [
        # the table's own enter selects the row (and opens it); this one says so in the help.
        # Not a priority binding: a down typed just before it must move the cursor first.
        Binding("enter", "open", "Open", id="open", show=False),
        Binding("n", "add", "Add account", id="add-account"),
        Binding("x", "remove", "Remove account", id="remove-account", show=False),
        Binding("h", "history", "History", id="history"),
        Binding("f", "find", "Find", id="find", tooltip="Find someone in every account"),
        Binding("D", "diagnostics", "Diagnostics", id="diagnostics"),
        Binding(
            "s",
            "register",
            "Register",
            id="register",
            show=False,
            tooltip="Who asked to stay off: the register",
        ),
        Binding("r", "recheck", "Check again", id="recheck", show=False),
    ]

    class Checked(Message):
        def __init__(self, name: str, token: str, status: str) -> None:
            super().__init__()
            self.name = name
            self.token = token
            self.status = status

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Nothing to go back to from the first screen; the sandbox's accounts are built in,
        none to add or remove."""
        if action in ("add", "remove"):
            return not self.deck.workspace.is_sandbox
        return action != "back"

    def heading(self) -> str:
        return "Accounts — choose one and press enter"

    def body(self) -> ComposeResult:
        yield RowTable(id="accounts")
        yield Static("", id="note", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Account", key="name")
        table.add_column("Provider", key="provider")
        table.add_column("Token", key="token")
        table.add_column("Status", key="status")
        self.reload()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        try:
            accounts = self.deck.workspace.accounts()
        except ProviderError as error:
            self.query_one("#note", Static).update(f"✗ {shown(str(error))}")
            return
        for account in accounts:
            table.add_row(account.name, account.provider.label, "…", "… checking", key=account.name)
        self.call_after_refresh(self.check_all, [account.name for account in accounts])
        note = "" if accounts else "No accounts yet: press n to add one."
        self.query_one("#note", Static).update(note)

    def check_all(self, names: list[str]) -> None:
        """Once the rows are drawn: the checks open adapters and the journal, which the
        first screen does not wait for."""
        for name in names:
            self.check(name)

    @work(group="check")
    async def check(self, name: str) -> None:
        """Find the token and try it; a worker per account, so one slow provider blocks none."""
        try:
            source = (await self.deck.workspace.token_source(name)).value
        except ProviderError as error:
            self.post_message(self.Checked(name, "? unknown", f"✗ {error}"))
            return
        if source == "missing":
            self.post_message(self.Checked(name, TOKEN_WORDS[source], "○ no token"))
            return
        try:
            desk = await self.deck.loaded_desk()
            identity = await (await desk.adapter(name)).check()
        except ProviderError as error:
            self.post_message(self.Checked(name, TOKEN_WORDS[source], f"✗ {error.message}"))
            return
        status = f"✓ accepted: {identity.name}"
        self.post_message(self.Checked(name, TOKEN_WORDS.get(source, source), status))

    def on_accounts_screen_checked(self, message: Checked) -> None:
        table = self.query_one(DataTable)
        if message.name not in table.rows:
            return
        table.update_cell(message.name, "token", message.token, update_width=True)
        status = Text(shown(message.status, STATUS_CHARS))
        table.update_cell(message.name, "status", status, update_width=True)

    def _selected(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_open(self) -> None:
        name = self._selected()
        if name is not None:
            from tui.screens.containers import ContainersScreen

            self.app.push_screen(ContainersScreen(self.deck.workspace.account(name)))

    def on_data_table_row_selected(self) -> None:
        self.action_open()

    def action_add(self) -> None:
        from tui.dialogs.add_account import AddAccountScreen

        self.app.push_screen(AddAccountScreen(), lambda added: self.reload() if added else None)

    def action_remove(self) -> None:
        from tui.dialogs.confirm import ConfirmScreen

        name = self._selected()
        if name is None:
            return

        async def removed(confirmed: bool | None) -> None:
            if confirmed:
                await self.deck.remove_account(name)
                self.notify(f"Account {name} removed.")
                self.reload()

        self.app.push_screen(
            ConfirmScreen(
                f"Remove the account {name}?",
                "Its token is deleted from the keyring. Nothing changes at the provider.",
                confirm_label="Remove",
            ),
            removed,
        )

    def action_diagnostics(self) -> None:
        from tui.screens.diagnostics import DiagnosticsScreen

        self.app.push_screen(DiagnosticsScreen())

    def action_find(self) -> None:
        from tui.screens.find import FindScreen

        self.app.push_screen(FindScreen())

    def action_history(self) -> None:
        from tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen())

    def action_register(self) -> None:
        from tui.screens.register import RegisterScreen

        self.app.push_screen(RegisterScreen())

    def action_recheck(self) -> None:
        self.reload()
