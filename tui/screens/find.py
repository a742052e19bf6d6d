"""Find one person everywhere: type any of their phones, emails or ids; every account is
searched at once and each place shows as its account answers. `d` then takes them off every
place found, as one job."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from providers.errors import ProviderError
from providers.jobs.everywhere import plan_everywhere
from providers.jobs.find import Found, find_everywhere, one_persons_addresses
from providers.models import Container
from providers.text import shown
from tui.screens.base import DeckScreen
from tui.widgets.row_table import RowTable

COLUMNS = ("Account", "Where", "Who", "Can be removed")


class FindScreen(DeckScreen):
    BINDINGS = [
        Binding("slash", "ask", "New search", id="new-search"),
        Binding(
            "d",
            "remove_everywhere",
            "Remove all",
            id="remove-everywhere",
            tooltip="Remove from every place found, one job",
        ),
    ]

    class Answered(Message):
        """One account has been searched."""

        def __init__(self, found: Found) -> None:
            super().__init__()
            self.found = found

    def heading(self) -> str:
        return "Find someone everywhere"

    def body(self) -> ComposeResult:
        yield Input(placeholder="their phones, emails or ids (any spelling), then enter", id="who")
        yield RowTable(id="places")
        yield Static(
            "Every account is searched at once, a few calls each.", id="status", markup=False
        )

    def on_mount(self) -> None:
        # Widths fixed from the start: measured from the rows, they would depend on which
        # account answered first, and shift as the others do.
        table = self.query_one(DataTable)
        account_width = min(
            18, max((len(a.name) for a in self.deck.workspace.accounts()), default=8)
        )
        who_width, removable_width = 16, 15
        where_width = max(16, self.size.width - account_width - who_width - removable_width - 8)
        widths = (account_width, where_width, who_width, removable_width)
        for label, width in zip(COLUMNS, widths, strict=True):
            table.add_column(label, width=width)
        self.set_focus(self.query_one(Input))
        self.searched = 0
        self.found: list[Found] = []
        self.entries: list[str] = []
        self.newest_job = self.deck.desk.journal.newest_everywhere()
        #: what the status line says of the search, and each row's why, where it has one
        self.counted = ""
        self.whys: list[str] = []

    def on_screen_resume(self) -> None:
        """Back from a job that acted on these places: the rows no longer say where they
        are, so they go, and `d` with them, until a new search."""
        newest = self.deck.desk.journal.newest_everywhere()
        if self.found and newest != self.newest_job:
            self.newest_job = newest
            self.found = []
            self.query_one(DataTable).clear()
            self.say("The job ran: enter searches again, to see where they are now.")
            self.set_focus(self.query_one(Input))
            self.refresh_bindings()

    def action_ask(self) -> None:
        self.set_focus(self.query_one(Input))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        names = [a.name for a in self.deck.workspace.accounts()]
        try:
            entries = one_persons_addresses([event.value], names)
        except ProviderError as error:
            self.say(shown(error.message))
            return
        self.query_one(DataTable).clear()
        self.searched = 0
        self.found, self.entries = [], entries
        self.refresh_bindings()
        self.say(f"Searching {len(self.deck.workspace.accounts())} accounts…")
        self.search(entries)
        self.query_one(DataTable).focus()  # so that d (remove all) is a key, not a letter

    def say(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    @work(exclusive=True, group="find")
    async def search(self, entries: list[str]) -> None:
        def answered(found: Found) -> None:
            self.post_message(self.Answered(found))

        await find_everywhere(self.deck.workspace, entries, answered, opened=self.deck.desk.adapter)

    def on_find_screen_answered(self, message: Answered) -> None:
        """The rows are rebuilt in the accounts' own order, whichever answered first."""
        order = [a.name for a in self.deck.workspace.accounts()]
        self.found.append(message.found)
        self.found.sort(key=lambda f: order.index(f.account.name))
        table = self.query_one(DataTable)
        table.clear()
        self.whys = []
        for found in self.found:
            for row, why in _rows(found):
                table.add_row(*row)
                self.whys.append(why)
        self.searched += 1
        places = sum(len(f.places) for f in self.found)
        calls = sum(f.calls for f in self.found)
        line = (
            f"{self.searched} of {len(order)} accounts searched · {places} place"
            f"{'s' * (places != 1)} · {calls:,} calls"
        )
        if self.searched == len(order) and self.removable:
            line += " · d removes them everywhere"
        self.counted = line
        self.say_status()

    def say_status(self) -> None:
        """Under the list, how far the search has got; but while a row that a cell can only
        hint at is under the cursor (not searched, read-only, unknown), why, whole."""
        table = self.query_one(DataTable)
        row = table.cursor_row
        why = self.whys[row] if table.row_count and 0 <= row < len(self.whys) else ""
        self.say(shown(why) if why else self.counted)

    def on_data_table_row_highlighted(self) -> None:
        if self.found:
            self.say_status()
        self.refresh_bindings()

    @property
    def removable(self) -> int:
        return sum(
            1
            for f in self.found
            for p in f.places
            if not (p.container.read_only or p.member.locked)
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove_everywhere":  # once every account has answered
            return self.searched == len(self.deck.workspace.accounts()) and bool(self.removable)
        return True

    async def action_remove_everywhere(self) -> None:
        plan = plan_everywhere(self.found, self.entries)
        self.ask_desk(lambda desk: desk.propose_everywhere(plan))


Row = tuple[str, str | Text, str | Text, str]


def _rows(found: Found) -> list[tuple[Row, str]]:
    """An account's answer as table rows, each with why in full where a cell can only hint
    (the status line says it while the row is under the cursor): each place, and what could
    not be searched or told. An account that answered and found nothing says so in a row."""
    account = found.account.name
    rows: list[tuple[Row, str]] = []
    if found.error:
        why = f"✗ {account} not searched: {found.error}"
        rows.append(((account, "✗ not searched", _cell(found.error), ""), why))
    elif not (found.places or found.unsearched or found.unsure):
        rows.append(((account, "— not found", "", ""), ""))
    for place in found.places:
        container, member = place.container, place.member
        why = ""
        if container.read_only:
            removable = f"⊘ {container.read_only_word or 'read-only'}"
            why = _why("⊘", container, container.where)
        elif member.locked:
            removable = "⊘ locked"
        else:
            removable = "✓ yes"
        who = _cell(member.name or member.address or member.id)
        rows.append(((account, _cell(container.where), who, removable), why))
    for c in found.unsearched:
        where = c.parent or c.name
        why = f"? not searched: {c.read_only_said}"
        rows.append(((account, _cell(where), c.read_only_word, "? not searched"), why))
    for c in found.unsure:  # looked in, but could not tell
        why = _why("?", c, c.where)
        rows.append(((account, _cell(c.where), c.read_only_word, "? unknown"), why))
    return rows


def _cell(text: str) -> Text:
    """A stranger's words as text, cut with an ellipsis where the column ends: a number cut
    short without one would read as another number."""
    return Text(shown(text), no_wrap=True, overflow="ellipsis")


def _why(mark: str, container: Container, where: str) -> str:
    """Why a place is read-only or unknown, naming it once."""
    said = container.read_only_said
    return f"{mark} {said}" if where in said else f"{mark} {where}: {said}"
