"""The members screen's state without the screen: loaded members, filter, sort and marks.

Kept free of Textual so that it is cheap to test and to measure. Taking members in does no
work per member, so a list of 1,000,000 shows at once: the view is a `range` until a filter
or a sort needs a list of indices, and the lower-case text that a filter searches and the
ids that keep a member from being added twice are made when first needed, then kept up.

A filter is applied a slice at a time: `set_filter` checks rows for about `SLICE_SECONDS`
and shows what it found (the top of the list, which is what the screen shows), and the
screen calls `advance` between frames until every row is checked, so a key typed into the
filter of a million members is answered at once and the next key is never kept waiting.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import compress, repeat
from operator import contains
from time import perf_counter

from providers.jobs.words import duration
from providers.models import Member


class SortKey(StrEnum):
    NAME = "name"
    ADDRESS = "address"
    ROLE = "role"


ROLE_ORDER = {"owner": 0, "admin": 1, "member": 2}
#: how long a filter checks rows before the screen draws what it found and reads keys
SLICE_SECONDS = 0.016
#: rows checked between looks at the clock
CHUNK = 4_096


@dataclass
class _Scan:
    """A filter still being applied: the rows left to check, in the order they are shown,
    and whether the matches are sorted once all are found."""

    needle: str
    left: list[Sequence[int]]
    sort_at_end: bool
    at: int = field(default=0, init=False)  # how far into left[0] the checks have got
    total: int = field(default=0, init=False)
    checked: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.total = sum(map(len, self.left))

    def take(self) -> Sequence[int]:
        """The next rows to check."""
        source = self.left[0]
        chunk = source[self.at : self.at + CHUNK]
        self.at += len(chunk)
        if self.at >= len(source):
            self.left.pop(0)
            self.at = 0
        self.checked += len(chunk)
        return chunk

    def rest(self) -> list[Sequence[int]]:
        """The rows not checked yet."""
        if not self.left:
            return []
        return [self.left[0][self.at :], *self.left[1:]]


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
    #: the filter being applied, while rows are left to check
    _scan: _Scan | None = field(default=None, repr=False)

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
    def filtering(self) -> float | None:
        """How much of the filter's check is done (0 to 1), while one is being applied."""
        scan = self._scan
        return None if scan is None else scan.checked / max(1, scan.total)

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
        scan = self._scan
        if scan is not None and (scan.sort_at_end or self.sort_key is None):
            scan.left.append(new)  # checked in their turn, after the rows before them
            scan.total += len(new)
            return
        self.finish()
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
        needed = (rows.stop if isinstance(rows, range) else max(rows, default=-1) + 1) - len(hay)
        if needed > 0:
            made = members[len(hay) : len(hay) + needed]
            hay.extend([f"{m.name}\t{m.address}\t{m.id}".lower() for m in made])
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
        """Show the members whose name, address or id holds the text: the first slice of
        rows is checked now, the rest by `advance`. While the query only grows (typing), the
        matches so far and the rows not checked yet are narrowed, not all rows scanned again;
        the order they are in (sorted or not) stays."""
        before, needle = self.filter_text, text.strip().lower()
        self.filter_text = needle
        scan = self._scan
        if not needle:
            self._scan, self._rows = None, None
            if self.sort_key is not None:
                self._sort()
            return
        if before and needle.startswith(before):
            left = [self.view, *(scan.rest() if scan else [])]
            sort_at_end = scan is not None and scan.sort_at_end
        elif scan is None and self._rows is not None and len(self._rows) == len(self.members):
            left, sort_at_end = [self._rows], False  # every member, in the sorted order
        else:
            left, sort_at_end = [range(len(self.members))], self.sort_key is not None
        self._rows = []
        self._scan = _Scan(needle, left, sort_at_end)
        self.advance(SLICE_SECONDS)

    def advance(self, seconds: float) -> bool:
        """Check rows for the filter being applied for about `seconds` (at least one chunk);
        True while rows are left to check."""
        scan, found = self._scan, self._rows
        if scan is None or found is None:
            return False
        deadline = perf_counter() + seconds
        while scan.left:
            chunk = scan.take()
            matched = self._matching(chunk, scan.needle)
            found.extend(chunk if matched is None else matched)
            if scan.left and perf_counter() >= deadline:
                return True
        return self._finished(scan)

    def _finished(self, scan: _Scan) -> bool:
        self._scan = None
        if scan.sort_at_end:
            self._sort()
        return False

    def finish(self) -> None:
        """Apply the filter to every row now: for what needs all the matches at once."""
        while self.advance(float("inf")):
            pass

    def sort_by(self, key: SortKey) -> None:
        """Sort by a column; the same column again flips the direction."""
        self.finish()
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
        self.finish()
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
        self.finish()
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
    filtering = roster.filtering
    checked = "" if filtering is None else f" (filtering: {filtering:.0%})"
    line = f"{len(roster.marked):,} marked · {roster.shown:,} shown{checked} · "
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
