"""One row per member of a job with its live state, glyph and word, and the provider's own
words; the member under the cursor and everything said of them, whole, is `words()`."""

from __future__ import annotations

from collections.abc import Sequence

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

    def __init__(self, items: Sequence[Item], progress: Progress, *, id: str | None = None) -> None:
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
        said = rest * 4 // 10 if any(self.progress.said.values()) else len("provider said") + 2
        name = (rest - said) * 45 // 100
        return [name, rest - said - name, state, said]

    def _state(self, row: int) -> str:
        member = self.items[row].member
        return self.progress.states.get(member.id, self.items[row].state)

    def cells(self, row: int) -> list[str]:
        item = self.items[row]
        state = self._state(row)
        said = self.progress.said.get(item.member.id, "")
        return [
            item.member.name or "—",
            item.member.address or item.member.id,
            STATE_WORDS.get(state, state),
            " ".join(said.replace(item.member.id, "").split()),  # the row says who already
        ]

    def words(self) -> str:
        """The member under the cursor, named whole (the columns cut long emails at 80
        columns), and what was said of them, ours and the provider's, whole."""
        item = self.current
        if item is None:
            return ""
        member = item.member
        who = " · ".join(dict.fromkeys(w for w in (member.name, member.address or member.id) if w))
        notes = self.progress.notes
        said = notes[member.id] if member.id in notes else said_of(item)
        return f"{who}: {said}" if said else who

    def row_style(self, row: int) -> Style:
        return STYLES.get(self._state(row), Style())


def said_of(item: Item) -> str:
    """A journaled member's last words, code first when there is one."""
    return f"{item.code}: {item.message}" if item.code else item.message
