"""The journal's everywhere jobs: one row naming the person and why, and one ordinary job a
place (`jobs.part_of`), all written in one transaction before anything is sent."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager

from providers import version
from providers.errors import ConfigurationError
from providers.journal import chain
from providers.journal.records import EverywhereJob, Job, NewJob, Unsearched

EVERYWHERE_SCHEMA = """
CREATE TABLE IF NOT EXISTS everywhere (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    addresses TEXT NOT NULL,
    dry_run INTEGER NOT NULL,
    reason TEXT NOT NULL,
    user TEXT NOT NULL,
    operator TEXT NOT NULL,
    host TEXT NOT NULL,
    version TEXT NOT NULL,
    unsearched TEXT NOT NULL
);
"""
COLUMNS = "id, created_at, addresses, dry_run, reason, user, operator, host, version, unsearched"


class EverywhereJobs:
    """Mixed into `Journal`, which owns the connection and writes each part as a job."""

    _db: sqlite3.Connection
    now: Callable[[], str]
    new_id: Callable[[], str]
    user: Callable[[], str]
    operator: Callable[[], str]
    host: Callable[[], str]

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _insert_job(
        self,
        db: sqlite3.Connection,
        job: NewJob,
        now: str,
        reason: str,
        *,
        undo_of: str | None = None,
        part_of: str = "",
    ) -> str:
        raise NotImplementedError

    def job(self, job_id: str) -> Job:
        raise NotImplementedError

    def create_everywhere(
        self,
        *,
        addresses: Sequence[str],
        parts: Sequence[NewJob],
        unsearched: Sequence[Unsearched],
        reason: str,
        dry_run: bool,
    ) -> str:
        """The whole plan, every place of it, before anything is sent; returns its id."""
        everywhere_id = self.new_id()
        now = self.now()
        row = {
            "id": everywhere_id,
            "created_at": now,
            "addresses": json.dumps(list(addresses), ensure_ascii=False),
            "dry_run": int(dry_run),
            "reason": reason,
            "user": self.user(),
            "operator": self.operator(),
            "host": self.host(),
            "version": version(),
            "unsearched": json.dumps([u.model_dump() for u in unsearched], ensure_ascii=False),
        }
        with self._transaction() as db:
            db.execute(
                f"INSERT INTO everywhere ({COLUMNS}) VALUES ({','.join('?' * len(row))})",
                tuple(row.values()),
            )
            chain.append(db, everywhere_id, now, "everywhere", row)
            for part in parts:
                self._insert_job(db, part, now, reason, part_of=everywhere_id)
        return everywhere_id

    def is_everywhere(self, job_id: str) -> bool:
        found = self._db.execute("SELECT 1 FROM everywhere WHERE id = ?", (job_id,)).fetchone()
        return found is not None

    def everywhere(self, everywhere_id: str) -> EverywhereJob:
        row = self._db.execute(
            f"SELECT {COLUMNS} FROM everywhere WHERE id = ?", (everywhere_id,)
        ).fetchone()
        if row is None:
            raise ConfigurationError(
                f"No job {everywhere_id!r} in the journal (`rosterdeck jobs` lists them)."
            )
        job_id, created, addresses, dry, reason, user, operator, host, version, unsearched = row
        parts = [
            self.job(str(part))
            for (part,) in self._db.execute(
                "SELECT id FROM jobs WHERE part_of = ? ORDER BY rowid", (everywhere_id,)
            )
        ]
        return EverywhereJob(
            id=str(job_id),
            created_at=str(created),
            addresses=json.loads(addresses),
            dry_run=bool(dry),
            reason=str(reason),
            user=str(user),
            operator=str(operator),
            host=str(host),
            version=str(version),
            unsearched=[Unsearched.model_validate(u) for u in json.loads(unsearched)],
            parts=parts,
        )

    def newest_everywhere(self) -> str:
        """The id of the latest everywhere job ('' when none): cheap to ask often."""
        row = self._db.execute(
            "SELECT id FROM everywhere ORDER BY created_at DESC, rowid DESC LIMIT 1"
        ).fetchone()
        return str(row[0]) if row else ""

    def everywhere_jobs(self, limit: int = 50) -> list[EverywhereJob]:
        ids = self._db.execute(
            "SELECT id FROM everywhere ORDER BY created_at DESC LIMIT ?", (limit,)
        ).fetchall()
        return [self.everywhere(str(row[0])) for row in ids]
