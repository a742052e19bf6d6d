"""A member table on Textual's line API: it renders only the lines on screen.

One widget for 100,000 members: no row objects, no per-row widgets. The rows are the
`Roster`'s view; this widget owns the cursor and turns keys into marks.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from providers.models import Member, Role
from tui.roster import Roster, SortKey

MARKED = "[x] "
UNMARKED = "[ ] "
LOCKED = "[-] "
ROLE_WORDS = {Role.OWNER: "owner", Role.ADMIN: "admin", Role.MEMBER: ""}
StatusOf = Callable[[Member], str]


def locked_status(member: Member) -> str:
    return "⊘ locked" if member.locked else ""


def _fit(text: str, width: int) -> str:
    if width <= 0:
        return ""
    if len(text) > width:
        return text[: max(0, width - 1)] + "…"
    return text.ljust(width)


class MemberTable(ScrollView, can_focus=True):
    """Members of one container, with a cursor, marks and a status column."""

    DEFAULT_CSS = """
    MemberTable {
        height: 1fr;
        overflow-x: hidden;
        background: $surface;
        &:focus { background-tint: $foreground 4%; }
    }
    """

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "First", show=False),
        Binding("end,G", "jump(-1)", "Last", show=False),
        Binding("space", "mark", "Mark", id="mark"),
        Binding("shift+down", "extend(1)", "Mark and move down", show=False),
        Binding("shift+up", "extend(-1)", "Mark and move up", show=False),
        Binding("v", "range", "Range", id="range", show=False),
        Binding("a", "mark_all", "Mark shown", id="mark-all"),
        Binding("A,ctrl+backslash", "clear", "Clear marks", id="clear", show=False),
        Binding("i", "invert", "Invert marks", id="invert", show=False),
        Binding("s", "sort", "Sort by next column", id="sort", show=False),
    ]

    class MarksChanged(Message):
        """The marks or the view changed: the screen updates its counts."""

    class Refused(Message):
        """A key could not do what it says (e.g. a locked member); the reason is shown."""

        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self, roster: Roster, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.roster = roster
        self.cursor = 0
        self.range_start: int | None = None
        self.status_of: StatusOf = locked_status

    # -- data ------------------------------------------------------------------------------

    def rows_changed(self) -> None:
        """Call after the roster's view changed (pages arrived, filter, sort)."""
        self.cursor = min(self.cursor, max(0, self.roster.shown - 1))
        self.virtual_size = Size(0, self.roster.shown + 1)
        self.refresh()

    @property
    def current(self) -> Member | None:
        return self.roster.member_at(self.cursor) if self.roster.shown else None

    # -- rendering -------------------------------------------------------------------------

    def _widths(self) -> tuple[int, int, int, int]:
        width = self.size.width
        role, status = 6, 16 if width >= 100 else 11
        rest = max(10, width - 5 - role - status - 4)
        name = rest * 2 // 5
        return name, rest - name, role, status

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        name_w, address_w, role_w, status_w = self._widths()
        if y == 0:
            sort = self.roster.sort_key
            arrow = " ↓" if self.roster.descending else " ↑"
            titles = ["Name", "Address", "Role", "Status"]
            if sort is not None:
                column = {"name": 0, "address": 1, "role": 2}[sort.value]
                titles[column] += arrow
            text = (
                "     "
                + _fit(titles[0], name_w)
                + " "
                + _fit(titles[1], address_w)
                + " "
                + _fit(titles[2], role_w)
                + " "
                + _fit(titles[3], status_w)
            )
            return Strip([Segment(_fit(text, width), base + Style(bold=True, underline=True))])
        row = self.scroll_offset.y + y - 1
        if row >= self.roster.shown:
            return Strip.blank(width, base)
        member = self.roster.member_at(row)
        marked = member.id in self.roster.marked
        box = LOCKED if member.locked else MARKED if marked else UNMARKED
        in_range = self.range_start is not None and min(
            self.range_start, self.cursor
        ) <= row <= max(self.range_start, self.cursor)
        pointer = "›" if row == self.cursor else "+" if in_range else " "
        text = (
            f"{pointer}{box}"
            + _fit(member.name or "—", name_w)
            + " "
            + _fit(member.address, address_w)
            + " "
            + _fit(ROLE_WORDS[member.role], role_w)
            + " "
            + _fit(self.status_of(member), status_w)
        )
        style = base
        if marked:
            style += Style(bold=True, color="yellow")
        if member.locked:
            style += Style(dim=True)
        if row == self.cursor and self.has_focus:
            style += Style(reverse=True)
        elif row == self.cursor or in_range:
            style += Style(underline=True)
        return Strip([Segment(_fit(text, width), style)])

    # -- moving ----------------------------------------------------------------------------

    def _move_to(self, row: int) -> None:
        if not self.roster.shown:
            return
        self.cursor = max(0, min(row, self.roster.shown - 1))
        # Row r is drawn on line r + 1 (line 0 is the header, which never scrolls away).
        visible = self.size.height - 1
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False)
        self.refresh()

    def action_cursor(self, step: int) -> None:
        self._move_to(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self._move_to(self.cursor + direction * max(1, self.size.height - 2))

    def action_jump(self, row: int) -> None:
        self._move_to(row if row >= 0 else self.roster.shown - 1)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- marking ---------------------------------------------------------------------------

    def _changed(self) -> None:
        self.refresh()
        self.post_message(self.MarksChanged())

    def _refuse_locked(self) -> bool:
        member = self.current
        if member is not None and member.locked:
            self.post_message(
                self.Refused(f"{member.name or member.address} is locked: {member.locked_reason}.")
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
        self._move_to(self.cursor + 1)
        self._changed()

    def action_extend(self, step: int) -> None:
        if self.current is None:
            return
        self.roster.mark_rows([self.cursor])
        self._move_to(self.cursor + step)
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
        self.roster.mark_all_shown()
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
