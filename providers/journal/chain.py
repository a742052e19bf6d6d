"""The journal's hash chain: one event a transaction (a job planned, a batch marked sending,
outcomes recorded, members reset, a state changed), each holding the hash of the event before
it. An event that wrote steps names them (`steps`: first and last number within the job) and
the last one's hash, which chains every step of the job before it; a plan's event holds the
job's facts, its members' keyed digests in one hash, and how each member started.

What the chain hashes holds no one's name, phone or email: a step names its member by their
number in the job, and a member's details enter only as an HMAC under a key of their own
(`people`, one row a person). A plain hash of a phone number could be reversed by trying
every number, so it would itself be personal data; a keyed digest cannot, and once a
person's key and details are deleted, what is left in the chain says nothing about them,
yet every hash still holds.

The chain's head (last number and hash) is also written after each commit to a file outside
the database (`Anchor`), so a journal cut short, emptied or replaced shows even when every
hash inside it was recomputed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from secrets import token_hex
from typing import TYPE_CHECKING, Any, NamedTuple

from providers.errors import JournalUnavailable
from providers.journal.database import insert_many
from providers.journal.hashing import GENESIS, body, event_hash, step_hash

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from providers.journal.database import Database


class Head(NamedTuple):
    seq: int
    hash: str


class NewStep(NamedTuple):
    item: int
    state: str
    code: str = ""
    message: str = ""
    batch: int | None = None


class Anchor:
    """The chain's head kept in a small file beside the journal, replaced atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> Head | None:
        try:
            said = self.path.read_text(encoding="ascii").split()
            if not said:  # a crash before the new head reached the disk: the journal's is newer
                return None
            seq, digest = said
            return Head(int(seq), digest)
        except FileNotFoundError:
            return None
        except (OSError, ValueError):  # bytes that are not ASCII among them
            return Head(-1, "unreadable")

    def write(self, head: Head) -> None:
        """Each writer its own partial file: two processes of one machine writing one
        PostgreSQL journal share its head file, and must not take each other's."""
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.{token_hex(4)}.partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(f"{head.seq} {head.hash}\n")
        os.replace(partial, self.path)


@dataclass
class Writing:
    """One write transaction of the journal: its steps and its events, in chain order."""

    conn: Connection
    head: Head
    at: str

    def steps(self, job_id: str, rows: Iterable[NewStep]) -> dict[str, Any]:
        """Append steps to the job's story; returns what the event says of them."""
        from sqlalchemy import select

        from providers.journal.tables import steps

        last = self.conn.execute(
            select(steps.c.seq, steps.c.hash)
            .where(steps.c.job_id == job_id)
            .order_by(steps.c.seq.desc())
            .limit(1)
        ).first()
        first = seq = last[0] if last else 0
        digest = last[1] if last else GENESIS
        out = []
        for step in rows:
            seq += 1
            fields = (step.item, self.at, step.state, step.code, step.message, step.batch)
            digest = step_hash(digest, seq, *fields)
            out.append((job_id, seq, *fields, digest))
        insert_many(self.conn, steps, out)
        return {"steps": [first + 1, seq] if out else [], "last": digest}

    def event(self, job_id: str, kind: str, payload: dict[str, Any]) -> None:
        self.append(job_id, self.at, kind, body(payload))

    def append(self, job_id: str, at: str, kind: str, text: str) -> None:
        """An event as it is given: a copied one keeps its time and body."""
        from sqlalchemy import update

        from providers.journal.tables import chain, head

        seq = self.head.seq + 1
        digest = event_hash(self.head.hash, seq, job_id, at, kind, text)
        self.conn.execute(
            chain.insert().values(seq=seq, job_id=job_id, at=at, kind=kind, body=text, hash=digest)
        )
        self.conn.execute(update(head).where(head.c.id == 1).values(seq=seq, hash=digest))
        self.head = Head(seq, digest)


class Chain:
    """Writes go through `writing()`: the head row is locked first, so two writers (two
    processes on one PostgreSQL) never hang events on the same head."""

    def __init__(self, db: Database, anchor: Anchor) -> None:
        self._db = db
        self.anchor = anchor
        #: the head file is written only while the chain still holds what it says
        self._anchored = True

    def open(self) -> None:
        said = self.anchor.read()
        self._anchored = said is None or self.holds(said)
        if said is None:
            self._write_anchor(self.head())

    @contextmanager
    def writing(self, at: str) -> Iterator[Writing]:
        from sqlalchemy import select

        from providers.journal.tables import head

        with self._db.write() as conn:
            row = conn.execute(select(head.c.seq, head.c.hash).with_for_update()).first()
            if row is None:
                raise JournalUnavailable(
                    f"The journal {self._db.where} has lost its chain's head: it was changed "
                    "outside RosterDeck (`jobs verify` says where)."
                )
            writing = Writing(conn, Head(*row), at)
            yield writing
        self._write_anchor(writing.head)

    def _write_anchor(self, head: Head) -> None:
        if self._anchored and head.seq:
            with self._db.failing_as_unavailable():
                self.anchor.write(head)

    def head(self) -> Head:
        from sqlalchemy import select

        from providers.journal.tables import head

        with self._db.read() as conn:
            row = conn.execute(select(head.c.seq, head.c.hash)).first()
        return Head(*row) if row else Head(0, GENESIS)  # emptied: `verify` says so

    def holds(self, said: Head) -> bool:
        """Whether the chain's event `said.seq` is still the one with that hash."""
        from sqlalchemy import select

        from providers.journal.tables import chain

        if said.seq == 0:
            return said.hash == GENESIS
        with self._db.read() as conn:
            found = conn.execute(select(chain.c.hash).where(chain.c.seq == said.seq)).scalar()
        return found == said.hash
