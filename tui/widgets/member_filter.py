"""The members screen's filter: what is typed filters the loaded rows at once; enter also asks
the provider's own search when not every member is loaded; escape clears and hides it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from providers.errors import ProviderError
from providers.models import Member, MemberPage

#: one page of the provider's search for a query (None: it found nobody)
Search = Callable[[str], Awaitable[MemberPage | None]]
WHOLE = "filter by name, address or id · enter keeps it, escape clears"


class MemberFilter(Input):
    BINDINGS = [
        Binding("enter", "submit", "Keep filter", id="keep-filter", tooltip="Back to the list"),
        Binding("escape", "clear", "Clear filter", id="clear-filter", tooltip="Show every row"),
    ]

    class Cleared(Message):
        """The filter was emptied and hidden: every row shows again."""

    class Searched(Message):
        """The provider's own search answered a filter that the loaded rows could not."""

        def __init__(
            self, query: str, found: Sequence[Member], matches: int = 0, error: str = ""
        ) -> None:
            super().__init__()
            self.query = query
            self.found = found
            self.matches = max(matches, len(found))  # all the provider has, beyond this page
            self.error = error

    def __init__(self, search: Search, provider: str) -> None:
        super().__init__(placeholder=WHOLE, id="filter", classes="-hidden")
        self.search_with = search
        self.provider = provider

    def open(self, *, whole: bool) -> None:
        """Show it and take the keys typed next; on a list not all loaded, enter also asks."""
        self.placeholder = (
            WHOLE if whole else f"filter the loaded rows · enter also asks {self.provider}"
        )
        self.remove_class("-hidden")
        self.screen.set_focus(self)  # now (focus() waits a turn): keys typed next land here

    def action_clear(self) -> None:
        self.value = ""
        self.add_class("-hidden")
        self.post_message(self.Cleared())

    @work(exclusive=True, group="search")
    async def search(self, query: str) -> None:
        """One page of the provider's own search: members not loaded yet that match."""
        try:
            first = await self.search_with(query)
        except ProviderError as error:
            self.post_message(self.Searched(query, (), error=str(error)))
            return
        if first is None:
            self.post_message(self.Searched(query, ()))
        else:
            self.post_message(self.Searched(query, first.members, first.total or 0))
