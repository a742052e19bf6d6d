"""The members screen's state without the screen: loaded members, filter, sort and marks.

Kept free of Textual so that it is cheap to test and to measure: a filter over 100,000
members is one pass over precomputed lower-case text, and the view is a list of indices.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from providers.jobs.words import duration
from providers.models import Member


class SortKey(StrEnum):
    NAME = "name"
    ADDRESS = "address"
    ROLE = "role"


ROLE_ORDER = {"owner": 0, "admin": 1, "member": 2}


@dataclass
class Roster:
    members: list[Member] = field(default_factory=list)
    total: int | None = None
    filter_text: str = ""
    sort_key: SortKey | None = None
    descending: bool = False
    marked: set[str] = field(default_factory=set)
    view: list[int] = field(default_factory=list)
    #: every member is marked as it loads: the user asked for all of a partly loaded list
    marking_all: bool = False
    _haystack: list[str] = field(default_factory=list, repr=False)
    _ids: set[str] = field(default_factory=set, repr=False)

    @property
    def loaded(self) -> int:
        return len(self.members)

    @property
    def shown(self) -> int:
        return len(self.view)

    @property
    def known_total(self) -> int:
        return max(self.total or 0, len(self.members))

    @property
    def complete(self) -> bool:
        """Whether every member of the container is here (an unknown total counts as no)."""
        return self.total is not None and len(self.members) >= self.total

    def member_at(self, row: int) -> Member:
        return self.members[self.view[row]]

    def extend(self, page: Iterable[Member], total: int | None = None) -> int:
        """Add a streamed page (or search results); the view grows without recomputing what
        was there. Members already here (found by a search before their page came) are
        skipped. Returns how many were new."""
        start = len(self.members)
        for member in page:
            if member.id in self._ids:
                continue
            self._ids.add(member.id)
            self.members.append(member)
            self._haystack.append(f"{member.name}\t{member.address}\t{member.id}".lower())
            if self.marking_all and not member.locked:
                self.marked.add(member.id)
        if total is not None:
            self.total = total
        needle = self.filter_text
        added = [i for i in range(start, len(self.members)) if needle in self._haystack[i]]
        self.view.extend(added)
        if self.sort_key is not None and added:
            self._sort()
        return len(self.members) - start

    def set_filter(self, text: str) -> None:
        """Show the members whose name, address or id holds the text. While the query only
        grows (typing), the previous matches are narrowed, not all rows scanned again; the
        order they are in (sorted or not) stays."""
        before, needle = self.filter_text, text.strip().lower()
        self.filter_text = needle
        haystack = self._haystack
        if before and needle.startswith(before):
            self.view = [i for i in self.view if needle in haystack[i]]
            return
        if needle:
            self.view = [i for i, hay in enumerate(haystack) if needle in hay]
        else:
            self.view = list(range(len(self.members)))
        if self.sort_key is not None:
            self._sort()

    def sort_by(self, key: SortKey) -> None:
        """Sort by a column; the same column again flips the direction."""
        self.descending = not self.descending if self.sort_key is key else False
        self.sort_key = key
        self._sort()

    def _sort(self) -> None:
        members = self.members
        key = self.sort_key
        if key is SortKey.ROLE:
            self.view.sort(key=lambda i: ROLE_ORDER[members[i].role.value], reverse=self.descending)
        elif key is SortKey.ADDRESS:
            self.view.sort(key=lambda i: members[i].address.lower(), reverse=self.descending)
        else:
            self.view.sort(key=lambda i: members[i].name.lower(), reverse=self.descending)

    def toggle(self, row: int) -> bool:
        """Mark or unmark one shown member; False when it is locked."""
        member = self.member_at(row)
        if member.locked:
            return False
        self.marked.symmetric_difference_update({member.id})
        return True

    def mark_rows(self, rows: Iterable[int]) -> int:
        """Mark shown members (a range, or all); locked ones are skipped. Returns how many."""
        view = self.view
        return self.mark_at(view[row] for row in rows)

    def mark_at(self, indices: Iterable[int]) -> int:
        """Mark these members (by their place in the list); locked ones are skipped."""
        before = len(self.marked)
        members = self.members
        self.marked.update(members[i].id for i in indices if not members[i].locked)
        return len(self.marked) - before

    def mark_all_shown(self) -> int:
        return self.mark_rows(range(len(self.view)))

    def mark_everyone(self) -> int:
        """Mark every unlocked member of the container, those still to load as they come."""
        self.marking_all = True
        before = len(self.marked)
        self.marked.update(m.id for m in self.members if not m.locked)
        return len(self.marked) - before

    def clear(self) -> None:
        self.marked.clear()
        self.marking_all = False

    def invert(self) -> None:
        """Flip the marks of the shown, unlocked members; marks outside the filter stay."""
        self.marking_all = False
        for index in self.view:
            member = self.members[index]
            if not member.locked:
                self.marked.symmetric_difference_update({member.id})

    def marked_members(self) -> list[Member]:
        return [m for m in self.members if m.id in self.marked]

    def mark_ids(self, ids: Iterable[str]) -> None:
        self.marked.update(ids)

    def summary(self) -> str:
        return f"{len(self.marked):,} marked · {self.shown:,} shown · {self.known_total:,} total"


def counts_line(
    roster: Roster,
    *,
    loading: bool,
    left: float | None = None,
    incomplete: bool = False,
    age: float | None = None,
) -> str:
    """The members screen's counts: marked and shown, then how much of the container is here
    (and, `loading`, how long the rest takes: `left` seconds), whether the list looks
    incomplete and how old its read is (`age` seconds); kept within 80 columns."""
    line = f"{len(roster.marked):,} marked · {roster.shown:,} shown · "
    if loading:
        eta = f" · {duration(left)} left" if left is not None else ""
        line += f"loading {roster.loaded:,} of {roster.known_total:,}{eta}"
    elif roster.complete:
        line += f"{roster.known_total:,} total"
    else:
        line += f"{roster.loaded:,} of {roster.known_total:,} loaded (cut short)"
    if incomplete and not loading:
        line += " · looks incomplete"
    if age is not None and not loading:
        line += " · read " + ("just now" if age < 60 else f"{int(age // 60)} min ago")
    if roster.marking_all and not roster.complete:
        line += " · marking all as they load"
    if roster.sort_key:
        line += f" · sorted by {roster.sort_key.value}"
    return line
