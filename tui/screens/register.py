"""The do-not-re-add register: everyone who asked to stay off, since when, by whom and why,
and their addresses (or that they were erased). `s` sweeps every account for them, `x` takes
the one under the cursor off it (with why), `F` forgets someone, `e` exports it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from providers.errors import ProviderError
from providers.jobs.find import one_persons_addresses
from providers.jobs.staying_off import exported
from providers.journal.files import write_private
from providers.text import shown
from tui.dialogs.ask import AskScreen
from tui.messages import Forgot
from tui.screens.base import DeckScreen
from tui.widgets.row_table import RowTable

ADDRESS_CHARS = 44
ERASED = "erased: checked on add-back only"


class RegisterScreen(DeckScreen):
    BINDINGS = [
        Binding("s", "sweep", "Sweep", id="sweep", tooltip="Look for all of them everywhere"),
        Binding("x", "lift", "Take off", id="lift", tooltip="Take them off the register"),
        Binding("F", "forget", "Forget", id="forget", tooltip="Erase someone from our records"),
        Binding("e", "export", "Export", id="export-register", show=False),
    ]

    #: whether anyone is on it: sweeping, taking off and exporting need someone
    listed = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.listed or action not in ("sweep", "lift", "export")

    def heading(self) -> str:
        return "Do-not-re-add register — who asked to stay off"

    def body(self) -> ComposeResult:
        yield RowTable(id="register")
        yield Static("", id="status", markup=False)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Since, by", "Who", "Why")
        self.reload()
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def on_forgot(self, message: Forgot) -> None:
        self.reload()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        entries = self.deck.desk.journal.register.entries()
        self.listed = bool(entries)
        self.refresh_bindings()
        for entry in entries:
            who = shown(", ".join(entry.addresses), ADDRESS_CHARS) if entry.addresses else ERASED
            table.add_row(
                f"{entry.since}\n{shown(entry.operator, 20)}",
                Text(f"{who}\n{entry.id}"),
                Text(shown(entry.reason or "(no reason given)", 40)),
                key=entry.id,
                height=2,
            )
        self.query_one("#status", Static).update(
            f"{len(entries)} on the register · s sweeps every account for them"
            if entries
            else "Nobody is on the register: an everywhere job puts its person on it."
        )

    def _selected(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_sweep(self) -> None:
        from tui.screens.sweep import SweepScreen

        self.app.push_screen(SweepScreen())

    def action_lift(self) -> None:
        entry = self._selected()
        if entry is None:
            return

        def lifted(why: str | None) -> None:
            if not why:
                return
            try:
                self.deck.desk.journal.register.lift(entry, why)
            except ProviderError as error:
                self.notify(shown(error.message), severity="warning", markup=False)
                return
            self.notify(f"{entry} taken off the register: adding them back is no longer refused.")
            self.reload()

        self.app.push_screen(
            AskScreen(
                f"Take {entry} off the register?",
                "Adding them back is then no longer refused. Why (journaled):",
                "a ticket or reason",
            ),
            lifted,
        )

    def action_forget(self) -> None:
        names = [a.name for a in self.deck.workspace.accounts()]

        def asked(given: str | None) -> None:
            if not given:
                return
            try:
                addresses = one_persons_addresses([given], names)
            except ProviderError as error:
                self.notify(shown(error.message), severity="warning", markup=False)
                return
            self.ask_desk(lambda desk: desk.propose_forget(addresses))

        self.app.push_screen(
            AskScreen(
                "Forget someone",
                "Their phones, emails or WhatsApp ids: every record of them is found and said "
                "before anything is erased.",
                "their addresses, any spelling",
            ),
            asked,
        )

    def action_export(self) -> None:
        path = self.deck.workspace.exports_path() / "do-not-re-add-register.csv"
        write_private(path, exported(self.deck.desk.journal.register.entries(), "csv"))
        self.notify(f"The register is written to {path}.", markup=False)
