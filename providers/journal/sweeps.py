"""Sweeps of the register: each one journaled with who of it was found back where (by entry
id: the chain never holds an address), what could not be searched, and what it cost.

A place a person is found back in keeps the time it was first seen there, from one sweep to
the next, until a sweep no longer finds them there."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from providers.journal import recorded
from providers.journal.writes import Stamps

if TYPE_CHECKING:
    from providers.journal.chain import Chain
    from providers.journal.database import Database


@dataclass(frozen=True)
class Back:
    """A place a suppressed person was found in again."""

    account: str
    container: str
    where: str
    first_seen: str


@dataclass(frozen=True)
class Sweep:
    id: str
    created_at: str
    operator: str
    #: every entry swept, with the places it was found back in ([] when none)
    found: dict[str, list[Back]]
    #: what could not be searched: {"account", "where", "why"}
    unsearched: list[dict[str, str]]
    calls: int

    @property
    def back(self) -> dict[str, list[Back]]:
        return {entry: places for entry, places in self.found.items() if places}


class Sweeps:
    def __init__(self, db: Database, chain: Chain, stamps: Stamps) -> None:
        self._db = db
        self._chain = chain
        self._stamps = stamps

    def record(
        self,
        found: dict[str, list[tuple[str, str, str]]],
        unsearched: list[dict[str, str]],
        calls: int,
    ) -> Sweep:
        """`found`: each entry swept, and the (account, container id, where) it is back in."""
        from providers.journal.tables import sweeps

        with self._chain.writing(self._stamps.now()) as writing:
            before = self._latest(writing.conn)
            seen = {
                (entry, b.account, b.container): b.first_seen
                for entry, places in (before.found.items() if before else ())
                for b in places
            }
            kept = {
                entry: [
                    Back(
                        account, container, where, seen.get((entry, account, container), writing.at)
                    )
                    for account, container, where in places
                ]
                for entry, places in found.items()
            }
            row = {
                "id": f"sweep-{self._stamps.new_id()}",
                "created_at": writing.at,
                "operator": self._stamps.operator(),
                "host": self._stamps.host(),
                "people": len(found),
                "found": json.dumps(
                    {e: [b.__dict__ for b in places] for e, places in kept.items()},
                    ensure_ascii=False,
                    sort_keys=True,
                ),
                "unsearched": json.dumps(unsearched, ensure_ascii=False, sort_keys=True),
                "calls": calls,
            }
            recorded.insert(writing, sweeps, row, "swept")
        return _sweep(row)

    def latest(self, entry: str = "", since: str = "") -> Sweep | None:
        """The newest sweep (of this entry, when one is named: every sweep since it was put on
        the register searched for it, unless it had nothing to search with)."""
        from sqlalchemy import select

        from providers.journal.tables import sweeps

        query = (
            select(sweeps)
            .where(sweeps.c.created_at >= since)
            .order_by(sweeps.c.created_at.desc(), sweeps.c.id.desc())
        )
        with self._db.read() as conn:
            if not entry:
                return self._latest(conn)
            for row in conn.execute(query).mappings():
                if entry in json.loads(row["found"]):
                    return _sweep(row)
        return None

    def _latest(self, conn: Any) -> Sweep | None:
        from sqlalchemy import select

        from providers.journal.tables import sweeps

        query = select(sweeps).order_by(sweeps.c.created_at.desc(), sweeps.c.id.desc()).limit(1)
        row = conn.execute(query).mappings().first()
        return _sweep(row) if row is not None else None


def _sweep(row: Any) -> Sweep:
    return Sweep(
        id=row["id"],
        created_at=row["created_at"],
        operator=row["operator"],
        found={
            entry: [Back(**place) for place in places]
            for entry, places in json.loads(row["found"]).items()
        },
        unsearched=json.loads(row["unsearched"]),
        calls=int(row["calls"]),
    )
