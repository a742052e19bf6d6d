"""The members of one container: streamed in, filtered, sorted and marked."""

from __future__ import annotations

import time

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, Static

from providers.accounts import Account
from providers.errors import ProviderError
from providers.models import Container, ContainerKind, Member, MemberPage, Operation, Provider
from providers.removal import make_plan
from tui.roster import Roster
from tui.screens.base import DeckScreen
from tui.widgets.member_table import MemberTable


class MembersScreen(DeckScreen):
    BINDINGS = [
        Binding("d", "remove", "Remove marked", id="remove"),
        Binding("x", "delete_contacts", "Delete contacts", id="delete-contacts", show=False),
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("p", "paste", "Paste a list", id="paste"),
        Binding("r", "reload", "Reload", id="reload", show=False),
    ]

    class PageLoaded(Message):
        def __init__(self, page: MemberPage) -> None:
            super().__init__()
            self.page = page

    class LoadEnded(Message):
        def __init__(self, error: str = "") -> None:
            super().__init__()
            self.error = error

    def __init__(self, account: Account, container: Container) -> None:
        super().__init__()
        self.account = account
        self.container = container
        self.roster = Roster(total=container.member_count)
        self.streaming = True
        self.loaded_at = 0.0

    def heading(self) -> str:
        where = f"{self.container.parent} / " if self.container.parent else ""
        return f"{self.account.name} › {where}{self.container.name}"

    def body(self) -> ComposeResult:
        yield Static("", id="counts", markup=False)
        yield Input(
            placeholder="filter by name, address or id · enter keeps it, escape clears",
            id="filter",
            classes="-hidden",
        )
        yield MemberTable(self.roster, id="members")
        yield Static("", id="status", markup=False)

    def on_mount(self) -> None:
        self.query_one(MemberTable).focus()
        if self.container.read_only:
            self.say(f"⊘ Read-only: {self.container.read_only_reason}.")
        self.load()

    @property
    def table(self) -> MemberTable:
        return self.query_one(MemberTable)

    def say(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    def show_counts(self) -> None:
        roster = self.roster
        if self.streaming:
            progress = f" · loading {roster.loaded:,} of {roster.known_total:,}…"
        else:
            progress = f" · loaded {roster.loaded:,} of {roster.known_total:,}"
        sort = f" · sorted by {roster.sort_key.value}" if roster.sort_key else ""
        self.query_one("#counts", Static).update(roster.summary() + progress + sort)

    @work(exclusive=True, group="members")
    async def load(self) -> None:
        self.loaded_at = time.monotonic()
        try:
            adapter = await self.deck.adapter(self.account.name)
            async for page in adapter.members(self.container):
                self.post_message(self.PageLoaded(page))
        except ProviderError as error:
            self.post_message(self.LoadEnded(str(error)))
            return
        self.post_message(self.LoadEnded())

    def on_members_screen_page_loaded(self, message: PageLoaded) -> None:
        self.roster.extend(message.page.members, message.page.total)
        self.table.rows_changed()
        self.show_counts()

    def on_members_screen_load_ended(self, message: LoadEnded) -> None:
        self.streaming = False
        self.show_counts()
        if message.error:
            kept = (
                f" Showing the {self.roster.loaded:,} loaded before it failed."
                if self.roster.loaded
                else ""
            )
            self.say(f"✗ {message.error}{kept}")
            self.notify(message.error, severity="error", timeout=8)

    def on_member_table_marks_changed(self) -> None:
        self.show_counts()

    def on_member_table_refused(self, message: MemberTable.Refused) -> None:
        self.say(f"⊘ {message.reason}")

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.remove_class("-hidden")
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.roster.set_filter(event.value)
        self.table.rows_changed()
        self.show_counts()

    def on_input_submitted(self) -> None:
        self.table.focus()

    def action_back(self) -> None:
        field = self.query_one("#filter", Input)
        if self.table.cancel_range():
            return
        if field.has_focus or self.roster.filter_text:
            field.value = ""
            field.add_class("-hidden")
            self.table.focus()
            return
        super().action_back()

    def action_reload(self) -> None:
        self.roster = Roster(total=self.container.member_count, marked=self.roster.marked)
        self.table.roster = self.roster
        self.query_one("#filter", Input).value = ""
        self.streaming = True
        self.table.rows_changed()
        self.show_counts()
        self.load()

    def chosen(self) -> list[Member]:
        """The marked members, or the one under the cursor when none is marked."""
        marked = self.roster.marked_members()
        if marked:
            return marked
        current = self.table.current
        return [current] if current is not None else []

    async def propose(self, operation: Operation) -> None:
        chosen = self.chosen()
        if not chosen:
            self.say("Nothing to remove: mark members with space first.")
            return
        plan = make_plan(
            self.account.name, self.account.provider, self.container, chosen, operation
        )
        if not plan.members:
            self.say(f"⊘ Nothing can be removed here: {plan.skipped[0][1]}.")
            return
        await self.deck.propose(plan)

    async def action_remove(self) -> None:
        if self.container.kind in (ContainerKind.SOURCE, ContainerKind.CONTACT_BOOK):
            await self.propose(Operation.DELETE_CONTACTS)  # a source has no membership to end
        else:
            await self.propose(Operation.REMOVE_FROM_CONTAINER)

    async def action_delete_contacts(self) -> None:
        await self.propose(Operation.DELETE_CONTACTS)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete_contacts":
            return self.account.provider is Provider.RASL
        return True

    def on_screen_resume(self) -> None:
        """Back from a job on this container: read it again from the provider."""
        ended = self.deck.jobs.ended_at.get(self.container.id, 0.0)
        if ended > self.loaded_at:
            self.roster.clear()  # the marks were the job's input; the job has them now
            self.action_reload()

    def action_paste(self) -> None:
        from tui.screens.paste import PasteScreen

        def pasted(marked: int | None) -> None:
            if marked is not None:
                self.table.refresh()
                self.show_counts()

        self.app.push_screen(PasteScreen(self.roster), pasted)
