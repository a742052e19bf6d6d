"""The members of one container on the line API: it renders only the lines on screen.

One widget for 100,000 members: no row objects, no per-row widgets. The rows are the
`Roster`'s view; this widget owns the cursor and turns keys into marks.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from textual.binding import Binding
from textual.message import Message

from providers.models import Member, Role
from providers.text import shown
from tui.roster import Roster, SortKey
from tui.widgets.line_table import LineTable

MARKED = "[x] "
UNMARKED = "[ ] "
LOCKED = "[-] "
ROLE_WORDS = {Role.OWNER: "owner", Role.ADMIN: "admin", Role.MEMBER: ""}
SORT_COLUMNS = {SortKey.NAME: 0, SortKey.ADDRESS: 1, SortKey.ROLE: 2}
StatusOf = Callable[[Member], str]


def locked_status(member: Member) -> str:
    return "⊘ locked" if member.locked else ""


def member_widths(width: int, prefix: int) -> list[int]:
    """Name and address share what role and status leave."""
    role, status = 6, 16 if width >= 100 else 11
    rest = max(10, width - prefix - role - status - 4)
    name = rest * 2 // 5
    return [name, rest - name, role, status]


class MemberTable(LineTable):
    """Members of one container, with a cursor, marks and a status column."""

    BINDINGS = [
        Binding("space", "mark", "Mark", id="mark", tooltip="Mark or unmark, then move down"),
        Binding("shift+down", "extend(1)", "Mark and move down", show=False),
        Binding("shift+up", "extend(-1)", "Mark and move up", show=False),
        Binding("v", "range", "Range", id="range", show=False),
        Binding("a", "mark_all", "Mark shown", id="mark-all", show=False),
        Binding("A,ctrl+backslash", "clear", "Clear marks", id="clear", show=False),
        Binding("i", "invert", "Invert marks", id="invert", show=False),
        Binding("s", "sort", "Sort by next column", id="sort", show=False),
    ]
    PREFIX_WIDTH = 1 + len(MARKED)

    class MarksChanged(Message):
        """The marks or the view changed: the screen updates its counts."""

    class Refused(Message):
        """A key could not do what it says (e.g. a locked member); the reason is shown."""

        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    class PartlyLoaded(Message):
        """`a` on a list still loading (or cut short): the screen asks what "all" means."""

    def __init__(self, roster: Roster, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.roster = roster
        self.range_start: int | None = None
        self.status_of: StatusOf = locked_status

    @property
    def current(self) -> Member | None:
        return self.roster.member_at(self.cursor) if self.roster.shown else None

    @property
    def row_count(self) -> int:
        return self.roster.shown

    def titles(self) -> list[str]:
        titles = ["Name", "Address", "Role", "Status"]
        if self.roster.sort_key is not None:
            titles[SORT_COLUMNS[self.roster.sort_key]] += " ↓" if self.roster.descending else " ↑"
        return titles

    def widths(self, width: int) -> list[int]:
        return member_widths(width, self.PREFIX_WIDTH)

    def cells(self, row: int) -> list[str]:
        member = self.roster.member_at(row)
        return [member.name or "—", member.address, ROLE_WORDS[member.role], self.status_of(member)]

    def prefix(self, row: int) -> str:
        member = self.roster.member_at(row)
        if member.locked:
            return LOCKED
        return MARKED if member.id in self.roster.marked else UNMARKED

    def row_style(self, row: int) -> Style:
        member = self.roster.member_at(row)
        style = Style()
        if member.id in self.roster.marked:
            style += Style(bold=True, color="yellow")
        if member.locked:
            style += Style(dim=True)
        return style

    def highlighted(self, row: int) -> bool:
        start = self.range_start
        return start is not None and min(start, self.cursor) <= row <= max(start, self.cursor)

    # -- marking ---------------------------------------------------------------------------

    def _changed(self) -> None:
        self.refresh()
        self.post_message(self.MarksChanged())

    def _refuse_locked(self) -> bool:
        member = self.current
        if member is not None and member.locked:
            self.post_message(
                self.Refused(
                    f"{shown(member.name or member.address, 40)} is locked: "
                    f"{shown(member.locked_reason)}."
                )
            )
            return True
        return False

    def action_mark(self) -> None:
        if self.range_start is not None:
            self.action_range()
            return
        if self.current is None or self._refuse_locked():
            return
        self.roster.toggle(self.cursor)
        self.move_to(self.cursor + 1)
        self._changed()

    def action_extend(self, step: int) -> None:
        if self.current is None:
            return
        self.roster.mark_rows([self.cursor])
        self.move_to(self.cursor + step)
        self.roster.mark_rows([self.cursor])
        self._changed()

    def action_range(self) -> None:
        """First `v` sets the range's start; the second marks everything in between."""
        if self.range_start is None:
            self.range_start = self.cursor
            self.refresh()
            return
        low, high = sorted((self.range_start, self.cursor))
        self.range_start = None
        self.roster.mark_rows(range(low, high + 1))
        self._changed()

    def cancel_range(self) -> bool:
        if self.range_start is None:
            return False
        self.range_start = None
        self.refresh()
        return True

    def action_mark_all(self) -> None:
        """Mark what is shown; on a partly loaded list, ask the screen what "all" means."""
        if not self.roster.complete:
            self.post_message(self.PartlyLoaded())
            return
        self.mark_shown()

    def mark_shown(self, offered: list[int] | None = None) -> None:
        """The rows shown, or those that were shown when the person was asked (`offered`):
        pages that load while they choose are not theirs."""
        if offered is None:
            self.roster.mark_all_shown()
        else:
            self.roster.mark_at(offered)
        self._changed()

    def mark_everyone(self) -> None:
        self.roster.mark_everyone()
        self._changed()

    def action_clear(self) -> None:
        self.roster.clear()
        self._changed()

    def action_invert(self) -> None:
        self.roster.invert()
        self._changed()

    def action_sort(self) -> None:
        order = [SortKey.NAME, SortKey.ADDRESS, SortKey.ROLE]
        current = self.roster.sort_key
        if current is not None and not self.roster.descending:
            self.roster.sort_by(current)  # same column again: descending
        else:
            following = order[(order.index(current) + 1) % len(order)] if current else order[0]
            self.roster.sort_key = None
            self.roster.sort_by(following)
        self.rows_changed()
        self._changed()
