"""The journal's everywhere jobs: one row naming the person and why, and one ordinary job a
place (`jobs.part_of`), all written in one transaction before anything is sent. The person's
addresses enter the chain only as a keyed digest (see `chain`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from providers import version
from providers.journal.hashing import mac, new_keys
from providers.journal.reading import no_job
from providers.journal.records import EverywhereJob, NewJob, Unsearched
from providers.journal.writes import Stamps, write_plan

if TYPE_CHECKING:
    from providers.journal.chain import Chain, Writing
    from providers.journal.database import Database
    from providers.journal.reading import Reader


class Everywhere:
    def __init__(self, db: Database, chain: Chain, reader: Reader, stamps: Stamps) -> None:
        self._db = db
        self._chain = chain
        self._reader = reader
        self._stamps = stamps

    def create(
        self,
        *,
        addresses: Sequence[str],
        parts: Sequence[NewJob],
        unsearched: Sequence[Unsearched],
        reason: str,
        dry_run: bool,
        also: Callable[[Writing, str], None] | None = None,
    ) -> str:
        """The whole plan, every place of it, before anything is sent; returns its id."""
        from providers.journal.tables import everywhere, people

        stamps = self._stamps
        everywhere_id = stamps.new_id()
        named = json.dumps(list(addresses), ensure_ascii=False)
        (key,) = new_keys(1)
        with self._chain.writing(stamps.now()) as writing:
            row = {
                "id": everywhere_id,
                "created_at": writing.at,
                "dry_run": int(dry_run),
                "reason": reason,
                "user": stamps.user(),
                "operator": stamps.operator(),
                "host": stamps.host(),
                "version": version(),
                "unsearched": json.dumps([u.model_dump() for u in unsearched], ensure_ascii=False),
                "mac": mac(key, named),
            }
            writing.conn.execute(everywhere.insert(), {**row, "addresses": named})
            writing.conn.execute(people.insert(), {"job_id": everywhere_id, "seq": 0, "key": key})
            writing.event(everywhere_id, "everywhere", {"everywhere": row})
            for part in parts:
                write_plan(writing, stamps, part, reason, part_of=everywhere_id)
            if also is not None:
                also(writing, everywhere_id)
        return everywhere_id

    def is_everywhere(self, job_id: str) -> bool:
        from sqlalchemy import select

        from providers.journal.tables import everywhere

        with self._db.read() as conn:
            found = conn.execute(select(everywhere.c.id).where(everywhere.c.id == job_id))
            return found.first() is not None

    def get(self, everywhere_id: str) -> EverywhereJob:
        from sqlalchemy import select

        from providers.journal.tables import everywhere

        with self._db.read() as conn:
            row = conn.execute(select(everywhere).where(everywhere.c.id == everywhere_id)).first()
        if row is None:
            raise no_job(everywhere_id)
        return EverywhereJob(
            id=row.id,
            created_at=row.created_at,
            addresses=json.loads(row.addresses),
            dry_run=bool(row.dry_run),
            reason=row.reason,
            user=row.user,
            operator=row.operator,
            host=row.host,
            version=row.version,
            unsearched=[Unsearched.model_validate(u) for u in json.loads(row.unsearched)],
            parts=self._reader.jobs(part_of=everywhere_id),
        )

    def newest(self) -> str:
        """The id of the latest everywhere job ('' when none): cheap to ask often."""
        return next(iter(self._ids(1)), "")

    def listed(self, limit: int = 50) -> list[EverywhereJob]:
        return [self.get(everywhere_id) for everywhere_id in self._ids(limit)]

    def _ids(self, limit: int) -> list[str]:
        from sqlalchemy import select

        from providers.journal.tables import everywhere

        query = (
            select(everywhere.c.id)
            .order_by(everywhere.c.created_at.desc(), everywhere.c.id.desc())
            .limit(limit)
        )
        with self._db.read() as conn:
            return [str(everywhere_id) for everywhere_id in conn.execute(query).scalars()]
