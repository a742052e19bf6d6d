"""Rows the chain holds whole: the do-not-re-add register, overrides, sweeps, invite links
and erasures.

Each write of such a row is one event that says what was written (`records`: an insert with
the row, or an update with the columns it changed), so `verify` replays each of these tables
and names a row changed, inserted or deleted outside RosterDeck. What must stay destroyable
(a person's sealed addresses and their key) is left out of what the chain holds, and so is
nothing else.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from providers.journal.hashing import members_digest

if TYPE_CHECKING:
    from sqlalchemy import Connection, Table

    from providers.journal.chain import Writing

#: the tables replayed, and the columns of each that the chain does not hold
TABLES: dict[str, tuple[str, ...]] = {
    "suppressed": ("sealed", "key"),
    "overrides": (),
    "sweeps": (),
    "invites": (),
    "erasures": (),
}


def digests_hash(digests: list[str]) -> str:
    """A suppressed person's digests, in one hash (their order does not matter)."""
    return members_digest(sorted(digests))


def held(table: str, row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in TABLES[table]}


def insert(writing: Writing, table: Table, row: dict[str, Any], kind: str) -> None:
    writing.conn.execute(table.insert(), row)
    record = ["insert", table.name, held(table.name, row)]
    writing.event(str(row["id"]), kind, {"records": [record]})


def update(writing: Writing, table: Table, row_id: str, changes: dict[str, Any], kind: str) -> None:
    from sqlalchemy import update as updating

    writing.conn.execute(updating(table).where(table.c.id == row_id).values(**changes))
    record = ["update", table.name, row_id, held(table.name, changes)]
    writing.event(row_id, kind, {"records": [record]})


class Replay:
    """What the chain says each recorded table must hold now."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        self.breaks: list[str] = []

    def apply(self, seq: int, records: list[list[Any]]) -> None:
        for record in records:
            if record[0] == "insert":
                _, table, row = record
                self.rows[table][str(row["id"])] = dict(row)
            elif (row := self.rows[record[1]].get(record[2])) is None:
                self.breaks.append(f"event {seq} changes {record[1]} {record[2]}, never written")
            else:
                row.update(record[3])

    def check(self, conn: Connection) -> list[str]:
        from sqlalchemy import text

        breaks = list(self.breaks)
        for table in TABLES:
            said = self.rows.get(table, {})
            for row in conn.execute(text(f"SELECT * FROM {table}")).mappings():
                row_id, now = str(row["id"]), held(table, dict(row))
                told = said.pop(row_id, None)
                if told is None:
                    breaks.append(f"{table} {row_id} has no history (inserted)")
                    continue
                breaks += [
                    f"{table} {row_id}: its {column} reads {value!r}, its history says "
                    f"{told.get(column)!r}"
                    for column, value in now.items()
                    if value != told.get(column)
                ]
            breaks += [f"{table} {row_id} is gone from the journal (deleted)" for row_id in said]
        return breaks + _digests(conn)


def _digests(conn: Connection) -> list[str]:
    """Each suppressed person's digests still make the hash their entry's history holds."""
    from sqlalchemy import text

    by_entry: dict[str, list[str]] = defaultdict(list)
    for digest, entry in conn.execute(text("SELECT digest, entry FROM suppressed_digests")):
        by_entry[entry].append(digest)
    return [
        f"suppressed {entry}: its addresses' digests were changed"
        for entry, told in conn.execute(text("SELECT id, digests FROM suppressed"))
        if digests_hash(by_entry.pop(entry, [])) != told
    ] + [f"suppressed {entry}: digests with no entry (inserted)" for entry in by_entry]
