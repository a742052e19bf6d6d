"""The members of one container: streamed in, filtered, sorted and marked."""

from __future__ import annotations

import gc
import time
from collections.abc import Sequence

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, Static

from providers.accounts.store import Account
from providers.errors import ProviderError
from providers.jobs.lookup import find_members
from providers.jobs.plans import make_plan
from providers.jobs.words import duration
from providers.matching import Given, PasteResult
from providers.models import Container, ContainerKind, Member, MemberPage, Operation
from providers.text import shown
from tui.dialogs.choice import ChoiceScreen
from tui.dialogs.modal import Answer
from tui.roster import SLICE_SECONDS, Roster, counts_line
from tui.screens.base import DeckScreen
from tui.widgets.member_filter import MemberFilter
from tui.widgets.member_table import MemberTable

NAME_CHARS = 60


class MembersScreen(DeckScreen):
    BINDINGS = [
        Binding("d", "remove", "Remove", id="remove", tooltip="Remove the marked members"),
        Binding("x", "delete_contacts", "Delete contacts", id="delete-contacts", show=False),
        # before the keys after it are routed, so that they land in the field it opens
        Binding("slash", "filter", "Filter", id="filter", priority=True),
        Binding("p", "paste", "Paste", id="paste", tooltip="Paste a list to mark"),
        Binding("ctrl+r", "reload", "Reload", id="reload", show=False),
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
        #: members a second the account's pace allows reading, until the load shows its own
        self.read_pace = 0.0
        self.search_said = False
        #: when the list shown was read (the clock of `time.monotonic`), where the provider
        #: keeps reads; and why it looks incomplete ("" when it looks whole)
        self.read_at: float | None = None
        self.incomplete = ""
        #: whether more of a filter's rows are to be checked once the next frame is drawn
        self.filter_pending = False
        #: whether the line under the table says that the filter matches nobody
        self.nothing_matched = False

    def heading(self) -> str:
        return f"{self.account.name} › {shown(self.container.where)}"

    def body(self) -> ComposeResult:
        yield Static("", id="counts", markup=False)
        yield MemberFilter(self.search_provider, self.account.provider.label)
        yield MemberTable(self.roster, id="members")
        yield Static("", id="status", markup=False)

    def on_mount(self) -> None:
        self.query_one(MemberTable).focus()
        if self.container.read_only:
            self.say_not_removable(self.container.read_only_reason)
        elif self.container.kind is ContainerKind.COMMUNITY:
            self.say("A community: d takes the marked off each of its groups they are in.")
        self.load()
        self.set_interval(30, self.show_counts)  # the read's age grows

    def say_not_removable(self, why: str) -> None:
        word = self.container.read_only_word or "read-only"
        self.say(f"⊘ {word.capitalize()}: {shown(why)}.")

    @property
    def container_name(self) -> str:
        """The container's name as a sentence shows it: a name of any length leaves the
        rest of the sentence in view."""
        return shown(self.container.name, NAME_CHARS)

    @property
    def table(self) -> MemberTable:
        return self.query_one(MemberTable)

    def say(self, text: str, *, search: bool = False) -> None:
        """Show a line under the table; `search` marks it as the answer to a filter."""
        self.search_said, self.nothing_matched = search, False
        self.query_one("#status", Static).update(text)

    def loading_left(self) -> float | None:
        """Seconds until the load ends: at the pace seen so far, else the account's."""
        left = self.roster.known_total - self.roster.loaded
        elapsed = time.monotonic() - self.loaded_at
        pace = self.roster.loaded / elapsed if self.roster.loaded and elapsed > 1 else 0.0
        pace = pace or self.read_pace
        return left / pace if pace > 0 and left > 0 else None

    def show_rows(self) -> None:
        """Draw the rows and their counts. While a filter is being applied, more rows are
        checked once this frame is drawn, after the keys typed meanwhile are read."""
        self.table.rows_changed()
        self.show_counts()
        roster = self.roster
        if roster.filtering is not None and not self.filter_pending:
            self.filter_pending = True
            self.call_after_refresh(self.filter_more)
        elif roster.filtering is None and roster.filter_text and not roster.shown:
            typed = shown(roster.filter_text)
            self.say(f"No loaded member's name, address or id holds “{typed}”.", search=True)
            self.nothing_matched = True
        elif self.nothing_matched and roster.shown:  # members loaded since match it
            self.say("")

    def filter_more(self) -> None:
        self.filter_pending = False
        self.roster.advance(SLICE_SECONDS)
        self.show_rows()

    def show_counts(self) -> None:
        age = None if self.read_at is None else time.monotonic() - self.read_at
        line = counts_line(
            self.roster,
            left=self.loading_left() if self.streaming else None,
            loading=self.streaming,
            incomplete=bool(self.incomplete),
            age=age,
        )
        self.query_one("#counts", Static).update(line)

    @work(exclusive=True, group="members")
    async def load(self) -> None:
        self.loaded_at = time.monotonic()
        try:
            adapter = await self.deck.desk.adapter(self.account.name)
            abilities = adapter.capabilities
            self.read_pace = abilities.page_size * abilities.requests_per_second
            async for page in adapter.members(self.container):
                self.post_message(self.PageLoaded(page))
        except ProviderError as error:
            self.post_message(self.LoadEnded(str(error)))
            return
        self.post_message(self.LoadEnded())

    def on_members_screen_page_loaded(self, message: PageLoaded) -> None:
        page = message.page
        if page.age is not None:
            self.read_at = time.monotonic() - page.age
        self.incomplete = page.incomplete
        self.roster.extend(message.page.members, message.page.total)
        gc.freeze()  # see on_unmount
        self.show_rows()

    def on_unmount(self) -> None:
        """While the list is shown none of its members is garbage, yet Python's full
        collection would walk them all: at a million, 0.4 s of stalled keys here, and it comes
        round as the list grows. So each page is moved out of the collector's reach as it
        comes (`gc.freeze`, which costs nothing), and given back when the list is left."""
        gc.unfreeze()

    def on_members_screen_load_ended(self, message: LoadEnded) -> None:
        self.streaming = False
        if not message.error:
            self.roster.total = self.roster.loaded  # what was read is the truth, not the count
        self.show_counts()
        adapter = self.deck.desk.opened(self.account.name)
        why = adapter.refusal(self.container) if adapter is not None else ""
        if why and not self.container.read_only:  # learnt from the list just read
            self.say_not_removable(why)
        elif self.incomplete:
            self.say(
                f"⚠ The list looks incomplete ({shown(self.incomplete)}): who is not in it may "
                "still be a member. ctrl+r reads it again."
            )
        if message.error:
            kept = (
                f" Showing the {self.roster.loaded:,} loaded before it failed."
                if self.roster.loaded
                else ""
            )
            self.say(f"✗ {shown(message.error)}{kept}")
            self.notify(shown(message.error), severity="error", timeout=8, markup=False)

    def on_member_table_marks_changed(self) -> None:
        self.show_counts()

    def on_member_table_refused(self, message: MemberTable.Refused) -> None:
        self.say(f"⊘ {message.reason}")

    @property
    def filter(self) -> MemberFilter:
        return self.query_one(MemberFilter)

    def action_filter(self) -> None:
        self.filter.open(whole=self.roster.complete)

    def on_member_filter_cleared(self) -> None:
        self.table.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.search_said:
            self.say("")  # what the last search found no longer answers this filter
        self.roster.set_filter(event.value)
        self.show_rows()

    def on_input_submitted(self) -> None:
        self.set_focus(self.table)
        if self.roster.filter_text and not self.roster.complete:
            self.say(
                f"Asking {self.account.provider.label} for “{self.roster.filter_text}”…",
                search=True,
            )
            self.filter.search(self.roster.filter_text)

    async def search_provider(self, query: str) -> MemberPage | None:
        """The first page of the provider's own search: members not loaded yet that match."""
        adapter = await self.deck.desk.adapter(self.account.name)
        return await anext(adapter.members(self.container, search=query), None)

    def on_member_filter_searched(self, message: MemberFilter.Searched) -> None:
        label = self.account.provider.label
        if message.error:
            self.say(f"✗ {label}'s search failed: {shown(message.error)}", search=True)
            return
        added = self.roster.extend(message.found)
        self.roster.set_filter(self.roster.filter_text)
        self.show_rows()
        query, matches, page = message.query, message.matches, len(message.found)
        if matches > page:
            self.say(
                f"{label} has {matches:,} for “{query}”; its first {page:,} are here "
                f"({added:,} not loaded yet). Narrow the filter for the rest.",
                search=True,
            )
        elif added:
            self.say(f"✓ {label} found {added:,} more for “{query}” not loaded yet.", search=True)
        else:
            self.say(f"{label} has no more for “{query}” than the loaded rows.", search=True)

    def on_member_table_partly_loaded(self) -> None:
        """`a` before every member is here: all of the container, or only what is loaded?"""
        roster = self.roster
        roster.finish()  # "the shown" are every match, not those found so far
        left = self.loading_left()
        wait = f" (about {duration(left)} more at this account's pace)" if left else ""
        filtered = " It ignores the filter." if roster.filter_text else ""
        detail = (
            f"Only {roster.loaded:,} of {roster.known_total:,} are loaded; {roster.shown:,} "
            f"are shown. All marks every member of {self.container_name} except the locked, "
            f"each as it loads{wait}; the removal can start once all are here.{filtered}"
        )
        offered = list(roster.view)  # "only the shown" means these, however many load meanwhile
        choices = [
            Answer("all", f"All {roster.known_total:,}", "l", "warning"),
            Answer("shown", f"Only the {roster.shown:,} shown", "o", "primary"),
        ]

        def chosen(answer: str | None) -> None:
            if answer == "all":
                self.table.mark_everyone()
                if not self.streaming and not roster.complete:
                    self.action_reload()  # the load was cut short: read it again, marking
            elif answer == "shown":
                self.table.mark_shown(offered)

        self.app.push_screen(ChoiceScreen("Mark which members?", detail, choices), chosen)

    def action_back(self) -> None:
        if self.table.cancel_range():
            return
        if self.filter.has_focus or self.roster.filter_text:
            self.filter.action_clear()
            return
        marked = len(self.roster.marked)
        if not marked:
            super().action_back()
            return
        from tui.dialogs.confirm import ConfirmScreen

        def answered(leave: bool | None) -> None:
            if leave:
                super(MembersScreen, self).action_back()

        self.app.push_screen(
            ConfirmScreen(
                f"Leave {self.container_name} with {marked:,} marked?",
                "The marks are dropped (and what was loaded is read again next time). "
                "Nothing is sent.",
                confirm_label="Leave",
            ),
            answered,
        )

    def action_reload(self) -> None:
        """Read the members again from the provider, not from a read it keeps."""
        adapter = self.deck.desk.opened(self.account.name)
        if adapter is not None:
            adapter.forget(self.container)
        self.read_at, self.incomplete = None, ""
        self.roster = Roster(
            total=self.container.member_count,
            marked=self.roster.marked,
            marking_all=self.roster.marking_all,
        )
        self.table.roster = self.roster
        self.filter.value = ""
        self.streaming = True
        self.show_rows()
        self.load()

    def chosen(self) -> list[Member]:
        """The marked members, or the one under the cursor when none is marked."""
        marked = self.roster.marked_members()
        if marked:
            return marked
        current = self.table.current
        return [current] if current is not None else []

    async def propose(self, operation: Operation) -> None:
        if self.roster.marking_all and not self.roster.complete:
            left = self.loading_left()
            wait = f" (about {duration(left)} left)" if left else ""
            self.say(
                f"⊘ All of {self.container_name} is being marked as it loads{wait}: "
                f"{len(self.roster.marked):,} so far. d starts the removal once all are here."
            )
            return
        chosen = self.chosen()
        if not chosen:
            self.say("Nothing to remove: mark members with space first.")
            return
        if self.container.kind is ContainerKind.COMMUNITY:
            account, community = self.account.name, self.container
            self.ask_desk(lambda desk: desk.propose_community(account, community, chosen))
            return
        plan = make_plan(
            self.account.name, self.account.provider, self.container, chosen, operation
        )
        self.ask_desk(lambda desk: desk.propose(plan))

    async def action_remove(self) -> None:
        """Remove the marked (off a community: off each of its groups they are in)."""
        if self.container.kind in (ContainerKind.SOURCE, ContainerKind.CONTACT_BOOK):
            await self.propose(Operation.DELETE_CONTACTS)  # a source has no membership to end
        else:
            await self.propose(Operation.REMOVE_FROM_CONTAINER)

    async def action_delete_contacts(self) -> None:
        await self.propose(Operation.DELETE_CONTACTS)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "filter":  # in the filter, `/` is a character of the query
            return not self.filter.has_focus
        if action == "delete_contacts":
            abilities = self.abilities(self.account.name)
            return abilities is not None and abilities.can_delete_contacts
        return True

    def on_screen_resume(self) -> None:
        """Back from a job on this container: read it again from the provider."""
        ended = self.deck.desk.runs.ended_at.get(self.container.id, 0.0)
        if ended > self.loaded_at:
            self.roster.clear()  # the marks were the job's input; the job has them now
            self.action_reload()

    def action_paste(self) -> None:
        from tui.dialogs.paste import PasteScreen

        def pasted(marked: int | None) -> None:
            if marked is not None:
                self.show_rows()

        lookup = None if self.roster.complete else self.look_up
        self.app.push_screen(PasteScreen(self.roster, lookup), pasted)

    async def look_up(self, entries: Sequence[Given]) -> PasteResult:
        """Ask the provider about entries the loaded rows do not hold (a few calls each)."""
        adapter = await self.deck.desk.adapter(self.account.name)
        return await find_members(adapter, self.container, entries)
