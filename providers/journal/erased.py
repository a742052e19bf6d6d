"""Forgetting a person in the journal (crypto-shredding): their key and details go, and every
hash still holds.

A member's details enter the chain only as an HMAC under a key of their own (`chain`), so
erasing a person is: their key deleted, their row's id and details replaced by "erased on
… (why)", an everywhere job's addresses likewise, and the register's sealed copy of their
addresses and its key emptied (its digests stay: they stay suppressed). Members of theirs a
job could still send (due, cancelled, answer lost) become protected first, so no resume or
retry ever sends an erased id. All of it is one transaction and one `forgot` event, which
names how many records and where (job and member numbers), never who; `verify` replays it.

The exports that named them are listed in the same event (receipts by job, other files by a
digest of their name), so a forget cut short after its commit is finished at the next start.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from providers.journal import recorded
from providers.journal.register import Register, normalised
from providers.journal.writes import Stamps, details
from providers.matching import SHORTEST_NATIONAL, key_of, tokens
from providers.models import Member, Outcome

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from providers.journal.chain import Chain, Writing
    from providers.journal.database import Database

ERASED = "erased-"
#: states a job could still send a member from: they become protected when forgotten
OPEN = ("pending", "sending", Outcome.UNKNOWN.value, Outcome.CANCELLED.value)


def erased_words(at: str, reason: str) -> str:
    """What stands where the person's address was."""
    return f"erased on {at[:10]} ({reason})"


def erased_member(seq: int, said: str) -> Member:
    return Member(id=f"{ERASED}{seq}", address=said)


def is_erased(member: Member) -> bool:
    return member.id.startswith(ERASED) and not member.name


@dataclass
class Traces:
    """Where one person is in the journal, found by any of their addresses."""

    #: the forms they were found by: normalised addresses, and ids exactly as typed
    keys: set[str] = field(default_factory=set)
    #: every spelling of their addresses met on the way (to find them in files)
    spellings: set[str] = field(default_factory=set)
    #: job -> the numbers of their members in it, and which of those could still be sent
    items: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    open: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    everywhere: list[str] = field(default_factory=list)
    #: register entries that still keep their addresses (sealed)
    sealed: list[str] = field(default_factory=list)
    #: whether the register has them (so that they stay suppressed)
    suppressed: bool = False
    #: texts the chain holds as written that name them (a why, a note, a provider's words
    #: journaled before they were kept nameless): erasing those would break its proof
    chained: int = 0

    @property
    def records(self) -> int:
        return sum(map(len, self.items.values())) + len(self.everywhere) + len(self.sealed)

    def counts(self, files: int) -> dict[str, int]:
        return {
            "members": sum(map(len, self.items.values())),
            "jobs": len(self.items),
            "everywhere": len(self.everywhere),
            "register": len(self.sealed),
            "files": files,
        }


class Erasure:
    def __init__(
        self,
        db: Database,
        chain: Chain,
        stamps: Stamps,
        register: Register,
        running: Callable[[str], bool],
    ) -> None:
        self._db = db
        self._chain = chain
        self._stamps = stamps
        self._register = register
        self._running = running

    # -- finding -----------------------------------------------------------------------------

    def traces(self, addresses: Iterable[str]) -> Traces:
        """Every record that names them. What is found widens the search (a phone finds a
        member whose WhatsApp id then finds another job), until nothing new is found."""
        found = Traces()
        given = [a.strip() for a in addresses if a.strip()]
        found.spellings.update(given)
        wanted = {normalised(a) or key_of(a) for a in given}
        with self._db.read() as conn:
            members = self._members(conn)
            everywhere = self._everywhere(conn)
        seen_items: set[tuple[str, int]] = set()
        while wanted - found.keys:
            found.keys |= wanted
            for job_id, seq, member, state in members:
                if (job_id, seq) in seen_items or not wanted & _keys(member):
                    continue
                seen_items.add((job_id, seq))
                found.items[job_id].append(seq)
                if state in OPEN:
                    found.open[job_id].append(seq)
                found.spellings.update(a for a in (member.id, member.address) if a)
                wanted |= {n for a in (member.id, member.address) if (n := normalised(a))}
            for everywhere_id, named in everywhere:
                if everywhere_id not in found.everywhere and wanted & {key_of(a) for a in named}:
                    found.everywhere.append(everywhere_id)
                    found.spellings.update(named)
                    wanted |= {n for a in named if (n := normalised(a))}
            for entry in self._register.matching(wanted):
                if entry.addresses and entry.id not in found.sealed:
                    found.sealed.append(entry.id)
                    found.spellings.update(entry.addresses)
                    wanted |= {n for a in entry.addresses if (n := normalised(a))}
        found.suppressed = bool(self._register.matching(found.keys))
        with self._db.read() as conn:
            found.chained = self._chained(conn, found.keys)
        return found

    def _chained(self, conn: Connection, keys: set[str]) -> int:
        """Events and steps whose text names them: kept, and said."""
        from sqlalchemy import select

        from providers.journal.tables import chain, steps

        texts = conn.execute(select(chain.c.body).union_all(select(steps.c.message)))
        return sum(1 for (text,) in texts if text and mentions(text, keys))

    def _members(self, conn: Connection) -> list[tuple[str, int, Member, str]]:
        from sqlalchemy import select

        from providers.journal.tables import items

        rows = conn.execute(select(items.c.job_id, items.c.seq, items.c.member, items.c.state))
        members = [(j, int(n), Member.from_dict(json.loads(m)), state) for j, n, m, state in rows]
        return [row for row in members if not is_erased(row[2])]

    def _everywhere(self, conn: Connection) -> list[tuple[str, list[str]]]:
        from sqlalchemy import select

        from providers.journal.tables import everywhere, people

        kept = select(people.c.job_id).where(people.c.seq == 0)
        rows = conn.execute(
            select(everywhere.c.id, everywhere.c.addresses).where(everywhere.c.id.in_(kept))
        )
        return [(everywhere_id, json.loads(named)) for everywhere_id, named in rows]

    def running(self, traces: Traces) -> list[str]:
        """The jobs naming them that a process is running now: a forget waits for them."""
        return [job_id for job_id in traces.items if self._running(job_id)]

    # -- erasing -----------------------------------------------------------------------------

    def erase(self, traces: Traces, reason: str, files: list[dict[str, str]]) -> str:
        """Erase them everywhere in the journal, and say which exports are still to be
        rewritten or deleted, in one transaction; returns the erasure's id."""
        from providers.journal.tables import erasures

        with self._chain.writing(self._stamps.now()) as writing:
            said = erased_words(writing.at, reason)
            for job_id, numbers in traces.items.items():
                self._erase_members(writing, job_id, numbers, traces.open.get(job_id, []), said)
            self._erase_everywhere(writing.conn, traces.everywhere, said)
            self._erase_sealed(writing.conn, traces.sealed)
            erasure_id = f"erasure-{self._stamps.new_id()}"
            row = {
                "id": erasure_id,
                "created_at": writing.at,
                "reason": reason,
                "operator": self._stamps.operator(),
                "host": self._stamps.host(),
                "counts": json.dumps(traces.counts(len(files)), sort_keys=True),
                "files": json.dumps(files, sort_keys=True),
                "finished_at": "",
            }
            writing.conn.execute(erasures.insert(), row)
            told = {
                "as": said,
                "items": {job_id: sorted(numbers) for job_id, numbers in traces.items.items()},
                "everywhere": sorted(traces.everywhere),
            }
            records = [["insert", "erasures", row]]
            writing.event(erasure_id, "forgot", {"records": records, "erased": told})
        return erasure_id

    def _erase_members(
        self, writing: Writing, job_id: str, numbers: list[int], still_open: list[int], said: str
    ) -> None:
        from sqlalchemy import bindparam, delete, update

        from providers.journal.chain import NewStep
        from providers.journal.items import apply
        from providers.journal.tables import items, people

        if still_open:
            steps = [
                NewStep(seq, Outcome.PROTECTED.value, "", f"Not sent: {said}.")
                for seq in sorted(still_open)
            ]
            apply(writing.conn, job_id, writing.at, steps)
            writing.event(job_id, "erased", writing.steps(job_id, steps))
        rows = []
        for seq in numbers:
            gone = erased_member(seq, said)
            rows.append({"n": seq, "new_id": gone.id, "new_member": details(gone)})
        statement = (
            update(items)
            .where(items.c.job_id == job_id, items.c.seq == bindparam("n"))
            .values(member_id=bindparam("new_id"), member=bindparam("new_member"))
        )
        writing.conn.execute(statement, rows)
        writing.conn.execute(
            delete(people).where(people.c.job_id == job_id, people.c.seq.in_(numbers))
        )

    def _erase_everywhere(self, conn: Connection, ids: list[str], said: str) -> None:
        from sqlalchemy import delete, update

        from providers.journal.tables import everywhere, people

        if not ids:
            return
        named = json.dumps([said], ensure_ascii=False)
        conn.execute(update(everywhere).where(everywhere.c.id.in_(ids)).values(addresses=named))
        conn.execute(delete(people).where(people.c.job_id.in_(ids), people.c.seq == 0))

    def _erase_sealed(self, conn: Connection, entries: list[str]) -> None:
        from sqlalchemy import update

        from providers.journal.tables import suppressed

        if entries:
            conn.execute(
                update(suppressed).where(suppressed.c.id.in_(entries)).values(sealed="", key="")
            )

    # -- finishing ---------------------------------------------------------------------------

    def unfinished(self) -> list[tuple[str, list[dict[str, str]]]]:
        """Erasures whose exports are still to be rewritten, or the journal to be compacted."""
        from sqlalchemy import select

        from providers.journal.tables import erasures

        query = (
            select(erasures.c.id, erasures.c.files)
            .where(erasures.c.finished_at == "")
            .order_by(erasures.c.created_at)
        )
        with self._db.read() as conn:
            return [(e, json.loads(files)) for e, files in conn.execute(query)]

    def finish(self, erasure_id: str) -> None:
        from providers.journal.tables import erasures

        with self._chain.writing(self._stamps.now()) as writing:
            changes = {"finished_at": writing.at}
            recorded.update(writing, erasures, erasure_id, changes, "forgot")

    def compact(self) -> str:
        """Rewrite the journal without the space its erased rows left (SQLite keeps freed
        pages, and its write-ahead log old copies of them, until then); '' when done, else
        why not."""
        engine = self._db.engine
        raw = engine.raw_connection()
        driver: Any = raw.driver_connection
        try:
            cursor = raw.cursor()
            if self._db.is_file:
                cursor.execute("VACUUM")
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                busy = cursor.fetchone()
                return "it is being read elsewhere" if busy and busy[0] else ""
            raw.rollback()
            driver.autocommit = True  # VACUUM runs outside a transaction
            try:
                cursor.execute("VACUUM items, everywhere, people, suppressed")
            finally:
                driver.autocommit = False
            return ""
        except engine.dialect.loaded_dbapi.Error as error:  # said by the caller
            return str(error).strip().splitlines()[0] if str(error).strip() else "it failed"
        finally:
            raw.close()


def mentions(text: str, keys: set[str]) -> bool:
    """Whether a text names one of these addresses, in any spelling: an email or a WhatsApp
    id anywhere in it, or a phone among its words (written with or without its country
    code). Only addresses count: a provider's short contact id would name strangers."""
    keys = {key for key in keys if normalised(key)}
    low = text.lower()
    if any(key in low for key in keys if not key.isdigit()):
        return True
    phones = [key for key in keys if key.isdigit()]
    for word in tokens(text):
        spelled = normalised(word) or key_of(word)
        national = spelled.lstrip("0")
        if spelled in keys or (
            national.isdigit()
            and len(national) >= SHORTEST_NATIONAL
            and any(p.endswith(national) for p in phones)
        ):
            return True
    return False


def _keys(member: Member) -> set[str]:
    return {key_of(a) for a in (member.id, member.address) if a} | {
        n for a in (member.id, member.address) if (n := normalised(a))
    }
