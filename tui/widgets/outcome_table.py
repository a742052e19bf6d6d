"""One row per member of a job with its live state, glyph and word, and the provider's word."""

from __future__ import annotations

from rich.style import Style

from providers.journal import Item
from providers.models import STATE_WORDS
from providers.removal import Progress
from tui.widgets.line_table import LineTable

STYLES = {
    "failed": Style(color="red", bold=True),
    "unknown": Style(color="magenta", bold=True),
    "removed": Style(color="green"),
    "restored": Style(color="green"),
    "protected": Style(dim=True),
    "cancelled": Style(dim=True),
}


class OutcomeTable(LineTable):
    def __init__(self, items: list[Item], progress: Progress, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items = items
        self.progress = progress

    @property
    def row_count(self) -> int:
        return len(self.items)

    def titles(self) -> list[str]:
        return ["Name", "Address", "State", "What the provider said"]

    def widths(self, width: int) -> list[int]:
        state = 16
        rest = max(12, width - self.PREFIX_WIDTH - state - 4)
        name = rest * 3 // 10
        address = rest * 3 // 10
        return [name, address, state, rest - name - address]

    def _state(self, row: int) -> str:
        member = self.items[row].member
        return self.progress.states.get(member.id, self.items[row].state)

    def cells(self, row: int) -> list[str]:
        item = self.items[row]
        state = self._state(row)
        return [
            item.member.name or "—",
            item.member.address or item.member.id,
            STATE_WORDS.get(state, state),
            self.progress.notes.get(item.member.id, item.message),
        ]

    def row_style(self, row: int) -> Style:
        return STYLES.get(self._state(row), Style())
