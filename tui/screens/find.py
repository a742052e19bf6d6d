"""Find one person everywhere: type any of their phones, emails or ids; every account is
searched at once and each place shows as its account answers."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from providers.find import Found, find_everywhere
from providers.matching import tokens
from tui.screens.base import DeckScreen


class FindScreen(DeckScreen):
    BINDINGS = [Binding("slash", "ask", "New search", id="new-search")]

    class Answered(Message):
        """One account has been searched."""

        def __init__(self, found: Found) -> None:
            super().__init__()
            self.found = found

    def heading(self) -> str:
        return "Find someone everywhere"

    def body(self) -> ComposeResult:
        yield Input(placeholder="their phones, emails or ids (any spelling), then enter", id="who")
        yield DataTable(id="places", cursor_type="row", zebra_stripes=True)
        yield Static("Every account is searched at once, a few calls each.", id="status")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Account", "Where", "Who", "Can be removed")
        self.set_focus(self.query_one(Input))
        self.searched = 0

    def action_ask(self) -> None:
        self.set_focus(self.query_one(Input))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        entries = tokens(event.value)
        if not entries:
            self.say("Type a phone number, an email or an id first.")
            return
        self.query_one(DataTable).clear()
        self.searched = 0
        self.say(f"Searching {len(self.deck.workspace.accounts())} accounts…")
        self.search(entries)

    def say(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    @work(exclusive=True, group="find")
    async def search(self, entries: list[str]) -> None:
        def answered(found: Found) -> None:
            self.post_message(self.Answered(found))

        await find_everywhere(self.deck.workspace, entries, answered, opened=self.deck.adapter)

    def on_find_screen_answered(self, message: Answered) -> None:
        found = message.found
        table = self.query_one(DataTable)
        account = found.account.name
        if found.error:
            table.add_row(account, "✗ not searched", found.error, "")
        for place in found.places:
            container, member = place.container, place.member
            where = f"{container.parent} / {container.name}" if container.parent else container.name
            if container.read_only:
                removable = "⊘ read-only"  # why: `rosterdeck find` says it in full
            elif member.locked:
                removable = "⊘ locked"
            else:
                removable = "✓ yes"
            who = member.name or member.address or member.id
            table.add_row(account, where, who, removable)
        self.searched += 1
        total = len(self.deck.workspace.accounts())
        places = table.row_count
        self.say(
            f"{self.searched} of {total} accounts searched · {places} place"
            f"{'s' * (places != 1)} · {found.account.name}: {found.calls} calls"
        )
