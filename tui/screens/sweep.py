"""A sweep: is everyone on the do-not-re-add register still off everything? Every account is
searched for all of them at once, at `find`'s cost; who is back is shown where, and since
when. `d` takes them off again as one job (confirmed like any), `r` sweeps again."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static

from providers.errors import ProviderError
from providers.jobs.find import Found
from providers.jobs.still_off import when
from providers.jobs.sweep import Swept, plan_again, refresh_receipts, sweep
from providers.text import shown
from tui.screens.base import DeckScreen
from tui.widgets.row_table import RowTable


class SweepScreen(DeckScreen):
    BINDINGS = [
        Binding("d", "remove_again", "Remove again", id="remove-again", tooltip="One job"),
        Binding("r", "sweep", "Sweep again", id="sweep-again"),
    ]

    class Searched(Message):
        """One account has been searched."""

        def __init__(self, found: Found) -> None:
            super().__init__()
            self.found = found

    class Done(Message):
        def __init__(self, swept: Swept | None, error: str = "") -> None:
            super().__init__()
            self.swept = swept
            self.error = error

    def heading(self) -> str:
        return "Sweep — is everyone on the register still off everything?"

    def body(self) -> ComposeResult:
        yield RowTable(id="back")
        yield Static("", id="status", markup=False)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Who", "Where", "First seen back")
        self.swept: Swept | None = None
        self.newest_job = ""
        self.action_sweep()
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        """Back from the job that took them off again: the rows no longer say where they are."""
        newest = self.deck.desk.journal.newest_everywhere()
        if self.swept is not None and self.swept.back and newest != self.newest_job:
            self.swept = None
            self.query_one(DataTable).clear()
            self.say("The job ran: r sweeps again, to see that they are off.")
            self.refresh_bindings()

    def say(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    def action_sweep(self) -> None:
        self.swept = None
        self.query_one(DataTable).clear()
        self.searched = 0
        self.refresh_bindings()
        people = len(self.deck.desk.journal.register.entries())
        self.say(f"Looking for {people} people in every account…")
        self.run_sweep()

    @work(exclusive=True, group="sweep")
    async def run_sweep(self) -> None:
        desk = self.deck.desk

        def searched(found: Found) -> None:
            self.post_message(self.Searched(found))

        try:
            swept = await sweep(self.deck.workspace, desk.journal, desk.adapter, searched)
        except ProviderError as error:
            self.post_message(self.Done(None, error.message))
            return
        refresh_receipts(desk.journal, self.deck.workspace.exports_path(), swept)
        self.post_message(self.Done(swept))

    def on_sweep_screen_searched(self, message: Searched) -> None:
        self.searched += 1
        accounts = len(self.deck.workspace.accounts())
        self.say(f"{self.searched} of {accounts} accounts searched…")

    def on_sweep_screen_done(self, message: Done) -> None:
        if message.swept is None:
            self.say(f"✗ {shown(message.error)}")
            return
        self.swept = swept = message.swept
        self.newest_job = self.deck.desk.journal.newest_everywhere()
        table = self.query_one(DataTable)
        for entry, places in swept.sweep.back.items():
            who = shown(", ".join(swept.people[entry].addresses), 40)
            for back in places:
                table.add_row(
                    Text(who), Text(f"{shown(back.where)} ({back.account})"), when(back.first_seen)
                )
        for blind in swept.sweep.unsearched:
            where = f"? not searched: {shown(blind['where'])} ({blind['account']})"
            table.add_row("", Text(where), "")
        record = swept.sweep
        still = len(record.found) - len(record.back)
        line = (
            f"{len(record.back)} back, {still} still off · {swept.calls} calls, "
            f"{swept.seconds:.1f} s · {when(record.created_at)}"
        )
        if swept.unsearchable:
            line += f" · {len(swept.unsearchable)} erased: checked on add-back only"
        if record.back:
            line += " · d takes them off again"
        self.say(line)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove_again":
            return self.swept is not None and bool(self.swept.back)
        return True

    def action_remove_again(self) -> None:
        if self.swept is None or not self.swept.back:
            return
        plan = plan_again(self.swept)
        self.ask_desk(lambda desk: desk.propose_everywhere(plan))
