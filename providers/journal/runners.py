"""Who runs a job: one living process at a time, and one job at a time on a place (a group or
list), proven by a lock row with a heartbeat, on SQLite and PostgreSQL alike.

A second runner of a job would send things twice, and a second job on a place would race the
first for the same members: both are refused, naming the process, person and host that run
the first. The row is the lock, not a PostgreSQL advisory lock: it works the same on both
databases, and it is checked again before every batch (`Runners.check`), so a runner that
was taken over (its heartbeat went stale while its machine slept) sends nothing more.

A runner is alive while its heartbeat is fresh by the database's clock and, on the machine
that checks, while its process exists: a killed process frees its lock at once for a
process beside it, and after `HEARTBEAT_STALE_SECONDS` for one on another machine.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from providers.errors import ConfigurationError
from providers.journal.database import clock
from providers.journal.records import place_of

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Connection

    from providers.journal.database import Database


class JobBusy(ConfigurationError):
    """Another living process runs this job, or another job on its place."""


#: a runner whose heartbeat is older than this (by the database's clock) is taken to be gone
HEARTBEAT_STALE_SECONDS = 60.0


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _alive(pid: int, host: str, heartbeat: float, now: float) -> bool:
    if now - heartbeat >= HEARTBEAT_STALE_SECONDS:
        return False
    return host != socket.gethostname() or _process_alive(pid)


def _me() -> tuple[int, str]:
    return os.getpid(), socket.gethostname()


def _mine(job_id: str) -> ColumnElement[bool]:
    """This process's lock on the job."""
    from sqlalchemy import and_

    from providers.journal.tables import runners

    pid, host = _me()
    return and_(runners.c.job_id == job_id, runners.c.pid == pid, runners.c.host == host)


@dataclass(frozen=True)
class Runner:
    """A living runner: its job and place, and who, where and since when."""

    job_id: str
    place: str
    pid: int
    host: str
    operator: str
    started_at: str
    dry_run: bool

    @property
    def mine(self) -> bool:
        return (self.pid, self.host) == _me()

    def said(self) -> str:
        who = f"{self.operator} on {self.host}" if self.operator else self.host
        return f"{who} (process {self.pid}) since {self.started_at[:19].replace('T', ' ')} UTC"


def living(conn: Connection) -> list[Runner]:
    """Every runner still alive, with its job's place and operator (a handful of rows)."""
    from sqlalchemy import select

    from providers.journal.tables import jobs, runners

    now = clock(conn)
    rows = conn.execute(
        select(
            runners.c.job_id,
            runners.c.pid,
            runners.c.host,
            runners.c.heartbeat,
            runners.c.started_at,
            jobs.c.provider,
            jobs.c.container,
            jobs.c.operator,
            jobs.c.dry_run,
        ).select_from(runners.join(jobs, jobs.c.id == runners.c.job_id))
    ).all()
    return [
        Runner(
            r.job_id,
            place_of(r.provider, r.container),
            r.pid,
            r.host,
            r.operator,
            r.started_at,
            bool(r.dry_run),
        )
        for r in rows
        if _alive(r.pid, r.host, r.heartbeat, now)
    ]


def busy_job(runner: Runner) -> JobBusy:
    return JobBusy(
        f"Job {runner.job_id} is being run by process {runner.pid} on {runner.host} since "
        f"{runner.started_at[:19]}; stop that one first, or wait for it to finish."
    )


def busy_place(runner: Runner, where: str) -> JobBusy:
    return JobBusy(
        f"{where} has a job running: job {runner.job_id}, run by {runner.said()}. Wait for "
        "it to end, or ask them to stop it; nothing was sent."
    )


class Runners:
    """The lock rows: not part of the chain, since they say who runs, not what was done."""

    def __init__(self, db: Database, now: Callable[[], str]) -> None:
        self._db = db
        self._now = now

    def claim(self, job_id: str) -> None:
        """Become the job's only runner, or raise `JobBusy` naming the living one, or the
        living runner of another job on the same place."""
        from sqlalchemy import delete, select

        from providers.journal.tables import head, jobs, runners

        pid, host = _me()
        with self._db.write() as conn:
            conn.execute(select(head.c.seq).with_for_update()).all()  # one claimer at a time
            job = conn.execute(
                select(jobs.c.provider, jobs.c.container, jobs.c.dry_run).where(jobs.c.id == job_id)
            ).one()
            place = place_of(job.provider, job.container)
            for runner in living(conn):
                if runner.job_id == job_id and not runner.mine:
                    raise busy_job(runner)
                dry = job.dry_run or runner.dry_run
                if runner.job_id != job_id and runner.place == place and not dry:
                    raise busy_place(runner, f"Job {job_id}'s place")
            conn.execute(delete(runners).where(runners.c.job_id == job_id))
            conn.execute(
                runners.insert().values(
                    job_id=job_id,
                    pid=pid,
                    host=host,
                    started_at=self._now(),
                    heartbeat=clock(conn),
                )
            )

    def beat(self, job_id: str) -> bool:
        """Say the runner is still alive; False when its lock is no longer its own."""
        from sqlalchemy import update

        from providers.journal.tables import runners

        with self._db.write() as conn:
            changed = conn.execute(
                update(runners).where(_mine(job_id)).values(heartbeat=clock(conn))
            )
            return bool(changed.rowcount)

    def release(self, job_id: str) -> None:
        from sqlalchemy import delete

        from providers.journal.tables import runners

        with self._db.write() as conn:
            conn.execute(delete(runners).where(_mine(job_id)))

    @staticmethod
    def check(conn: Connection, job_id: str) -> None:
        """Before a batch is sent: the job's lock must still be this process's, unless it
        has no runner at all (written by hand, as a test does)."""
        from sqlalchemy import select

        from providers.journal.tables import runners

        row = conn.execute(
            select(runners.c.pid, runners.c.host).where(runners.c.job_id == job_id)
        ).first()
        if row is not None and (row.pid, row.host) != _me():
            raise JobBusy(
                f"Job {job_id} was taken over by process {row.pid} on {row.host} while this "
                "one was out of touch; this one sends nothing more."
            )

    @staticmethod
    def alive(conn: Connection, job_id: str) -> bool:
        return any(runner.job_id == job_id for runner in living(conn))
