"""The members screen's state without the screen: loaded members, filter, sort and marks.

Kept free of Textual so that it is cheap to test and to measure. Taking members in does no
work per member, so a list of 1,000,000 shows at once: the view is a `range` until a filter
or a sort needs a list of indices, and the lower-case text that a filter searches and the
ids that keep a member from being added twice are made when first needed, then kept up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import compress, repeat
from operator import contains

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
    #: every member is marked as it loads: the user asked for all of a partly loaded list
    marking_all: bool = False
    #: the rows shown as indices into `members`; None while that is every member, in order
    _rows: list[int] | None = field(default=None, repr=False)
    #: each member's name, address and id, lower-cased: made on the first filter
    _haystack: list[str] = field(default_factory=list, repr=False)
    _ids: set[str] = field(default_factory=set, repr=False)
    #: how many of `members` have their id in `_ids`
    _ids_of: int = field(default=0, repr=False)

    @property
    def view(self) -> Sequence[int]:
        """The rows shown, in order, as indices into `members`."""
        return range(len(self.members)) if self._rows is None else self._rows

    @property
    def loaded(self) -> int:
        return len(self.members)

    @property
    def shown(self) -> int:
        return len(self.members) if self._rows is None else len(self._rows)

    @property
    def known_total(self) -> int:
        return max(self.total or 0, len(self.members))

    @property
    def complete(self) -> bool:
        """Whether every member of the container is here (an unknown total counts as no)."""
        return self.total is not None and len(self.members) >= self.total

    def member_at(self, row: int) -> Member:
        return self.members[row if self._rows is None else self._rows[row]]

    def extend(self, page: Iterable[Member], total: int | None = None) -> int:
        """Add a streamed page (or search results); the view grows without recomputing what
        was there. Members already here (found by a search before their page came, or listed
        twice) are skipped. Returns how many were new."""
        members = self.members
        if members or self.marking_all:
            known = self._known_ids()
            start = len(members)
            for member in page:
                if member.id not in known:
                    known.add(member.id)
                    members.append(member)
            self._ids_of = len(members)
        else:
            start = 0
            members.extend(page)  # their ids are hashed when more come, or a plan is made
        if self.marking_all:
            self.marked.update(m.id for m in members[start:] if not m.locked)
        if total is not None:
            self.total = total
        self._extend_view(start)
        return len(members) - start

    def _extend_view(self, start: int) -> None:
        new = range(start, len(self.members))
        if not new:
            return
        added = self._matching(new, self.filter_text) if self.filter_text else None
        if self._rows is None and added is None:
            return  # still every member, in order
        rows = list(range(start)) if self._rows is None else self._rows
        rows.extend(new if added is None else added)
        self._rows = rows
        if self.sort_key is not None and (added is None or added):
            self._sort()

    def _known_ids(self) -> set[str]:
        """The ids of every member here. Those taken in at once are hashed now; a member
        listed twice among them is dropped (the first stays), and the view made again."""
        ids, members = self._ids, self.members
        if self._ids_of == len(members):
            return ids
        fresh = members[self._ids_of :]
        before = len(ids)
        ids.update(m.id for m in fresh)
        if len(ids) - before < len(fresh):
            first: dict[str, Member] = {}
            for member in members:
                first.setdefault(member.id, member)
            members[:] = first.values()
            self._haystack.clear()
            text, self.filter_text = self.filter_text, ""
            self.set_filter(text)
        self._ids_of = len(members)
        return ids

    def _matching(self, rows: Sequence[int], needle: str) -> list[int] | None:
        """The rows whose text holds the needle, in their order, or None when all do. Each
        check runs in C (`map`), and the few matches of a whole scan are picked out by
        `list.index`, so that a scan costs little beyond its checks."""
        hay, members = self._haystack, self.members
        if len(hay) < len(members):
            hay.extend([f"{m.name}\t{m.address}\t{m.id}".lower() for m in members[len(hay) :]])
        texts: Iterable[str]
        if not isinstance(rows, range):
            texts = map(hay.__getitem__, rows)
        else:
            texts = hay if len(rows) == len(hay) else hay[rows.start : rows.stop]
        flags = list(map(contains, texts, repeat(needle)))
        found = len(flags) - flags.count(False)
        if found == len(flags):
            return None
        if found * 8 > len(flags) or not isinstance(rows, range):
            return list(compress(rows, flags))
        indices, at, find = [], -1, flags.index
        for _ in range(found):
            at = find(True, at + 1)
            indices.append(rows.start + at)
        return indices

    def set_filter(self, text: str) -> None:
        """Show the members whose name, address or id holds the text. While the query only
        grows (typing), the previous matches are narrowed, not all rows scanned again; the
        order they are in (sorted or not) stays."""
        before, needle = self.filter_text, text.strip().lower()
        self.filter_text = needle
        if needle and before and needle.startswith(before):
            narrowed = self._matching(self.view, needle)
            if narrowed is not None:
                self._rows = narrowed
            return
        self._rows = self._matching(range(len(self.members)), needle) if needle else None
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
        rows = list(self.view) if self._rows is None else self._rows
        if key is SortKey.ROLE:
            rows.sort(key=lambda i: ROLE_ORDER[members[i].role.value], reverse=self.descending)
        elif key is SortKey.ADDRESS:
            rows.sort(key=lambda i: members[i].address.lower(), reverse=self.descending)
        else:
            rows.sort(key=lambda i: members[i].name.lower(), reverse=self.descending)
        self._rows = rows

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
        return self.mark_at(self.view)

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
        """The marked members, each once (a member listed twice is dropped first)."""
        self._known_ids()
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
