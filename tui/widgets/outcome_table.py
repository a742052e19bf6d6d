"""One row per member of a job with its live state, glyph and word, and the provider's word."""

from __future__ import annotations

from rich.style import Style

from providers.jobs.progress import Progress
from providers.journal.records import Item
from providers.models import STATE_WORDS
from tui.widgets.line_table import LineTable

#: what "failed only" shows: members that did not end as asked and need a person's look
NEEDS_A_LOOK = frozenset({"failed", "unknown"})
STYLES = {
    "failed": Style(color="red", bold=True),
    "unknown": Style(color="magenta", bold=True),
    "removed": Style(color="green"),
    "restored": Style(color="green"),
    "present": Style(color="green"),
    "protected": Style(dim=True),
    "cancelled": Style(dim=True),
}


class OutcomeTable(LineTable):
    """The job's members in plan order, or only those that failed (`failed_only`)."""

    def __init__(self, items: list[Item], progress: Progress, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.all_items = items
        self.items = items
        self.progress = progress
        self.failed_only = False

    @property
    def row_count(self) -> int:
        return len(self.items)

    @property
    def current(self) -> Item | None:
        return self.items[self.cursor] if self.items else None

    def show_failed_only(self, only: bool) -> None:
        """Narrow to the failed (and those whose outcome is unknown), or show everyone."""
        self.failed_only = only
        self.refilter()

    def refilter(self) -> None:
        """The failed set grows as the job runs; the row under the cursor stays under it."""
        keep = self.current
        if self.failed_only:
            states = self.progress.states
            self.items = [
                i for i in self.all_items if states.get(i.member.id, i.state) in NEEDS_A_LOOK
            ]
        else:
            self.items = self.all_items
        self.rows_changed()
        if keep is not None and keep in self.items:
            self.move_to(self.items.index(keep))

    def show_member(self, member_id: str) -> None:
        """Put the cursor on this member (when shown)."""
        for row, item in enumerate(self.items):
            if item.member.id == member_id:
                self.move_to(row)
                return

    def titles(self) -> list[str]:
        return ["Name", "Address", "State", "Provider said"]

    def widths(self, width: int) -> list[int]:
        """Name and address share what the state leaves; the provider's words get a third of
        it once there are any (until then, emails get the room)."""
        state = 16
        rest = max(12, width - self.PREFIX_WIDTH - state - 4)
        said = rest * 4 // 10 if any(self.progress.notes.values()) else len("provider said") + 2
        name = (rest - said) * 45 // 100
        return [name, rest - said - name, state, said]

    def _state(self, row: int) -> str:
        member = self.items[row].member
        return self.progress.states.get(member.id, self.items[row].state)

    def cells(self, row: int) -> list[str]:
        item = self.items[row]
        state = self._state(row)
        said = self.progress.notes.get(item.member.id, item.message)
        return [
            item.member.name or "—",
            item.member.address or item.member.id,
            STATE_WORDS.get(state, state),
            " ".join(said.replace(item.member.id, "").split()),  # the row says who already
        ]

    def row_style(self, row: int) -> Style:
        return STYLES.get(self._state(row), Style())
