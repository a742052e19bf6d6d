"""An account's groups, sources, lists and segments, with member counts; filter by typing."""

from __future__ import annotations

import time

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from providers.accounts.store import Account
from providers.errors import ProviderError
from providers.jobs.plans import make_plan
from providers.models import Container, ContainerKind, Operation
from providers.text import shown
from tui.messages import Propose
from tui.screens.base import DeckScreen
from tui.widgets.row_table import RowTable

#: the most of a name a cell shows, alone or beside a session, and of a session: the other
#: columns stay in view at 80 columns
NAME_CHARS, NAME_BESIDE_SESSION, SESSION_CHARS = 48, 32, 26


def _count(container: Container) -> Text:
    count = "?" if container.member_count is None else f"{container.member_count:,}"
    return Text(count, justify="right")


def _kind(container: Container) -> str:
    if container.status not in ("", "working"):
        return "—"  # the session's state, in its own column, says why
    if container.read_only_word:  # "⊘ not removable": the kind is plain beside it
        return f"⊘ {container.read_only_word}"
    word = container.kind.value.replace("-", " ")
    return f"{word} ⊘ read-only" if container.read_only else word


def _name(container: Container, room: int) -> Text:
    """A group linked to a community shows beneath it, indented."""
    linked = container.community and container.kind is ContainerKind.GROUP
    return Text(f"└ {shown(container.name, room - 2)}" if linked else shown(container.name, room))


def _session(container: Container) -> str:
    """The session a group lives under, and its state: a job runs only while it works."""
    if not container.status:
        return container.parent
    mark = "" if container.status == "working" else "⊘ "
    return f"{container.parent} · {mark}{container.status}"


class ContainersScreen(DeckScreen):
    # Letters go to the filter: what reloads, deletes or quits is on a key no name has.
    BINDINGS = [
        Binding("enter", "open", "Open", id="open"),
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("ctrl+r", "reload", "Reload", id="reload"),
        Binding("ctrl+q", "app.quit", "Quit", id="quit-typing", priority=True),
        Binding("ctrl+d,delete", "delete_source", "Delete source", id="delete-source", show=False),
    ]
    LETTERS_FILTER = True
    HELP_NAME = "groups and lists"

    class Loaded(Message):
        def __init__(self, containers: list[Container] | None, error: str = "") -> None:
            super().__init__()
            self.containers = containers
            self.error = error

    def __init__(self, account: Account) -> None:
        super().__init__()
        self.account = account
        self.containers: list[Container] = []
        self.loaded_at = 0.0
        #: what the line under the list says of the rows shown
        self.counted = ""

    def heading(self) -> str:
        return f"{self.account.name} ({self.account.provider.label}) — groups and lists"

    def body(self) -> ComposeResult:
        yield Input(placeholder="type to filter by name", id="filter", select_on_focus=False)
        yield RowTable(id="containers")
        yield Static("… loading", id="status", markup=False)

    @property
    def grouped(self) -> bool:
        """Containers that live under something (WhatsApp groups under sessions): show it
        and sort by it."""
        return any(c.parent for c in self.containers)

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    def set_columns(self) -> None:
        table = self.query_one(DataTable)
        wanted = (["Session"] if self.grouped else []) + ["Name", "Kind", "Members"]
        if [str(c.label) for c in table.columns.values()] != wanted:
            table.clear(columns=True)
            for title in wanted:
                table.add_column(title, key=title.lower())

    @work(exclusive=True, group="containers")
    async def load(self) -> None:
        self.loaded_at = time.monotonic()
        try:
            adapter = await self.deck.desk.adapter(self.account.name)
            self.post_message(self.Loaded(await adapter.containers()))
        except ProviderError as error:
            self.post_message(self.Loaded(None, str(error)))

    def on_containers_screen_loaded(self, message: Loaded) -> None:
        status = self.query_one("#status", Static)
        if message.containers is None:
            status.update(f"✗ {shown(message.error)}")
            self.notify(shown(message.error), severity="error", timeout=8, markup=False)
            return
        self.containers = message.containers
        self.set_columns()
        self.refresh_bindings()  # what the account can do is known now
        self.show(self.query_one(Input).value)

    def show(self, text: str) -> None:
        """Fill the table with the containers the filter matches; the row under the cursor
        stays under it when it is still shown."""
        table = self.query_one(DataTable)
        current = self.selected()
        table.clear()
        needle = text.strip().lower()
        matching = [
            c for c in self.containers if needle in f"{c.parent} {c.name} {c.kind.value}".lower()
        ]
        grouped = self.grouped
        room = NAME_BESIDE_SESSION if grouped else NAME_CHARS
        for c in sorted(matching, key=lambda c: c.parent) if grouped else matching:
            cells: list[str | Text] = [_name(c, room), _kind(c), _count(c)]
            if grouped:
                cells.insert(0, Text(shown(_session(c), SESSION_CHARS)))
            table.add_row(*cells, key=c.id)
        if current is not None and current.id in {c.id for c in matching}:
            table.move_cursor(row=table.get_row_index(current.id))
        filtered = f" (filter: {needle})" if needle else ""
        self.counted = (
            f"{len(matching):,} of {len(self.containers):,} shown{filtered} · enter opens"
        )
        self.say_status()

    def say_status(self) -> None:
        """Under the list, how many rows are shown; but while a row nothing can be removed
        from is under the cursor, why (as its members screen would say once opened)."""
        container = self.selected()
        said = self.counted
        if container is not None and container.read_only:
            said = f"⊘ {shown(container.name, NAME_CHARS)}: {shown(container.read_only_said)}"
        self.query_one("#status", Static).update(said)

    def on_data_table_row_highlighted(self) -> None:
        self.say_status()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.show(event.value)

    def on_input_submitted(self) -> None:
        """Enter keeps the filter and moves to the list, and says so; a second enter, typed
        before the first had moved focus (keys come together over SSH), opens the row."""
        table = self.query_one(DataTable)
        if self.focused is table:
            self.action_open()
            return
        self.set_focus(table)
        shown_now = f"{table.row_count:,} of {len(self.containers):,} shown"
        self.counted = f"{shown_now} · on the list: ↑↓, enter opens"
        self.say_status()

    def on_key(self, event: events.Key) -> None:
        """Typing on the list goes to the filter, so filtering needs no key to learn. The
        filter keeps the keys typed into it, so a printable key comes here from the list,
        even once the filter has focus: a word typed over SSH arrives at once, and its keys
        are all sent on to the list before the first one moves the focus. Each is put in the
        filter; left to go on up, the app would drop it."""
        bound = event.key in self.active_bindings or event.key == "space"
        if event.is_printable and not bound:
            field = self.query_one(Input)
            field.focus()
            field.insert_text_at_cursor(event.character or "")
            event.stop()

    def action_filter(self) -> None:
        self.query_one(Input).focus()

    def action_back(self) -> None:
        field = self.query_one(Input)
        if field.has_focus and field.value:
            field.value = ""
            self.query_one(DataTable).focus()
            return
        super().action_back()

    def action_reload(self) -> None:
        self.query_one("#status", Static).update("… loading")
        self.load()

    def on_screen_resume(self) -> None:
        """Back from a job on one of these: read them again, so the counts are true."""
        ended = self.deck.desk.runs.ended_at
        if any(ended.get(c.id, 0.0) > self.loaded_at for c in self.containers):
            self.load()

    def selected(self) -> Container | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((c for c in self.containers if c.id == key), None)

    def action_open(self) -> None:
        container = self.selected()
        if container is not None and container.status not in ("", "working"):
            self.query_one("#status", Static).update(f"⊘ {shown(container.read_only_reason)}.")
            return
        if container is not None:
            from tui.screens.members import MembersScreen

            self.app.push_screen(MembersScreen(self.account, container))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete_source":
            abilities = self.abilities(self.account.name)
            return abilities is not None and abilities.can_delete_sources
        return True

    async def action_delete_source(self) -> None:
        container = self.selected()
        if container is None or container.kind is not ContainerKind.SOURCE:
            self.query_one("#status", Static).update("⊘ Only a source can be deleted.")
            return
        plan = make_plan(
            self.account.name, self.account.provider, container, [], Operation.DELETE_SOURCE
        )
        self.post_message(Propose(lambda desk: desk.propose(plan)))

    def on_data_table_row_selected(self) -> None:
        self.action_open()
