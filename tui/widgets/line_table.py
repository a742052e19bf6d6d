"""A read-only table on Textual's line API: a fixed header line, a cursor, and only the
visible rows rendered. Subclasses say how many rows there are and what each one says."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from providers.text import shown


def fit(text: str, width: int) -> str:
    """Pad or cut a cell to its width, with an ellipsis where it was cut."""
    if width <= 0:
        return ""
    if len(text) > width:
        return text[: max(0, width - 1)] + "…"
    return text.ljust(width)


class LineTable(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    LineTable {
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
    ]

    #: Left of every row: a one-character pointer plus what `prefix` returns.
    PREFIX_WIDTH = 1

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cursor = 0
        self._base = Style()
        self._widths: list[int] = []

    # -- what subclasses provide -----------------------------------------------------------

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    def titles(self) -> list[str]:
        raise NotImplementedError

    def widths(self, width: int) -> list[int]:
        raise NotImplementedError

    def cells(self, row: int) -> list[str]:
        raise NotImplementedError

    def prefix(self, row: int) -> str:
        return ""

    def row_style(self, row: int) -> Style:
        return Style()

    def highlighted(self, row: int) -> bool:
        return False

    # -- drawing ---------------------------------------------------------------------------

    def rows_changed(self) -> None:
        """Call after rows were added, removed or reordered."""
        self.cursor = min(self.cursor, max(0, self.row_count - 1))
        self.virtual_size = Size(0, self.row_count + 1)
        self.refresh()

    def _line(self, pointer: str, prefix: str, cells: list[str]) -> str:
        body = " ".join(fit(shown(cell), w) for cell, w in zip(cells, self._widths, strict=True))
        return fit(pointer + prefix + body, self.size.width)

    def render_lines(self, crop: Region) -> list[Strip]:
        """The style and the column widths are worked out once a frame, not once a line:
        the style walks every ancestor, and a frame is drawn at each key."""
        self._base = self.rich_style
        self._widths = self.widths(self.size.width)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        base = self._base
        if y == 0:
            blank = " " * (self.PREFIX_WIDTH)
            header = self._line(" ", blank[1:], self.titles())
            return Strip([Segment(header, base + Style(bold=True, underline=True))])
        row = self.scroll_offset.y + y - 1
        if row >= self.row_count:
            return Strip.blank(self.size.width, base)
        pointer = "›" if row == self.cursor else "+" if self.highlighted(row) else " "
        style = base + self.row_style(row)
        if row == self.cursor and self.has_focus:
            style += Style(reverse=True)
        elif row == self.cursor or self.highlighted(row):
            style += Style(underline=True)
        return Strip([Segment(self._line(pointer, self.prefix(row), self.cells(row)), style)])

    # -- moving ----------------------------------------------------------------------------

    def move_to(self, row: int) -> None:
        if not self.row_count:
            return
        self.cursor = max(0, min(row, self.row_count - 1))
        # Row r is drawn on line r + 1: line 0 is the header, which never scrolls away.
        visible = self.size.height - 1
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False)
        self.refresh()

    def action_cursor(self, step: int) -> None:
        self.move_to(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.size.height - 2))

    def action_jump(self, row: int) -> None:
        self.move_to(row if row >= 0 else self.row_count - 1)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
