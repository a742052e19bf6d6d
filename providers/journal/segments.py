"""One person's journal copied into the team's, once, as a segment of its chain.

Every row of the person's history (jobs, members, steps, people's keys, everywhere jobs) is
copied as it is: ids, times, operators, hosts. Their chain events are appended to the team's
chain in their order, after one `migrated` event that names the journal they came from (its
first event's hash, which no other journal has) and its head (last event and hash, what its
receipts carry). The appended events keep their times, kinds and bodies; `verify` hashes them
again as the chain they were (numbered from 1, from the genesis), which must end at the head
the `migrated` event names: the segment is linked, never silently rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from providers.errors import ConfigurationError
from providers.journal.database import insert_many
from providers.journal.hashing import GENESIS, event_hash

if TYPE_CHECKING:
    from providers.journal.chain import Chain
    from providers.journal.database import Database

#: what is copied, in an order that keeps every foreign key whole
TABLES = ("jobs", "items", "steps", "people", "everywhere")
MIGRATED = "migrated"


@dataclass(frozen=True)
class Copied:
    jobs: int
    everywhere: int
    members: int
    events: int
    #: the team chain's `migrated` event
    at_event: int
    source_head: tuple[int, str]


def copy_segment(source: Database, target: Database, chain: Chain, now: str) -> Copied:
    """Copy the source's whole history into the target, in one transaction; refused, with
    nothing copied, when it was copied before or one of its jobs is there already."""
    from sqlalchemy import select, text

    from providers.journal import tables

    with source.read() as conn:
        events = conn.execute(
            text("SELECT seq, job_id, at, kind, body, hash FROM chain ORDER BY seq")
        ).all()
        rows = {name: conn.execute(select(tables.metadata.tables[name])).all() for name in TABLES}
    if not events:
        raise ConfigurationError(f"The journal {source.where} has no history: nothing to copy.")
    first, last = events[0], events[-1]
    said = {
        "source": source.where,
        "first": first.hash,
        "head": [last.seq, last.hash],
        "events": len(events),
        "jobs": len(rows["jobs"]),
    }
    with chain.writing(now) as writing:
        conn = writing.conn
        before = conn.execute(
            select(tables.chain.c.seq, tables.chain.c.at, tables.chain.c.body).where(
                tables.chain.c.kind == MIGRATED
            )
        ).all()
        for seq, at, body in before:
            if f'"first":"{first.hash}"' in body:
                raise ConfigurationError(
                    f"The journal {source.where} was copied into {target.where} already "
                    f"(event {seq}, {at[:19]} UTC): nothing was copied again."
                )
        ids = [row.id for row in rows["jobs"]] + [row.id for row in rows["everywhere"]]
        there = (
            conn.execute(
                select(tables.jobs.c.id).where(tables.jobs.c.id.in_(ids)).limit(1)
            ).scalar()
            or conn.execute(
                select(tables.everywhere.c.id).where(tables.everywhere.c.id.in_(ids)).limit(1)
            ).scalar()
        )
        if there:
            raise ConfigurationError(
                f"Job {there} of {source.where} is in {target.where} already: nothing was copied."
            )
        writing.event("", MIGRATED, said)
        at_event = writing.head.seq
        for name in TABLES:
            insert_many(conn, tables.metadata.tables[name], [tuple(row) for row in rows[name]])
        for event in events:
            writing.append(event.job_id, event.at, event.kind, event.body)
    return Copied(
        len(rows["jobs"]),
        len(rows["everywhere"]),
        len(rows["items"]),
        len(events),
        at_event,
        (last.seq, last.hash),
    )


class Segments:
    """`verify`'s side: the events after each `migrated` one, hashed again as the chain they
    were, must end at the head it names."""

    def __init__(self) -> None:
        self._open: list[tuple[int, dict[str, Any], list[tuple[str, str, str, str]]]] = []
        self.breaks: list[str] = []

    def saw(self, seq: int, job_id: str, at: str, kind: str, body: str, told: Any) -> None:
        for _, _, held in self._open:
            held.append((job_id, at, kind, body))
        if kind == MIGRATED:
            self._open.append((seq, told, []))
        for whole in [s for s in self._open if len(s[2]) >= int(s[1]["events"])]:
            self._open.remove(whole)
            self._check(*whole)

    def _check(self, seq: int, said: dict[str, Any], held: list[tuple[str, str, str, str]]) -> None:
        digest = GENESIS
        for number, (job_id, at, kind, body) in enumerate(held, start=1):
            digest = event_hash(digest, number, job_id, at, kind, body)
        if [len(held), digest] != said["head"]:
            self.breaks.append(
                f"the events copied from {said['source']} after event {seq} are not the chain "
                f"that journal had (it ended at event {said['head'][0]}, "
                f"{said['head'][1][:12]}…): they were changed after the copy"
            )

    def end(self) -> None:
        self.breaks += [
            f"the events copied from {said['source']} after event {seq} are cut short "
            f"({len(held)} of {said['events']})"
            for seq, said, held in self._open
        ]
