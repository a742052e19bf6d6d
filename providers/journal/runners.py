"""Who runs a job: one living process at a time, proven by a lock row with a heartbeat.

A second `rosterdeck resume` of a running job would send things twice; it is refused, naming
the process and host that run it. A runner whose process died (or, on another machine,
whose heartbeat stopped) holds no lock.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from providers.errors import ConfigurationError

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Connection

    from providers.journal.database import Database


class JobBusy(ConfigurationError):
    """Another living process runs this job: a second runner would send things twice."""


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


#: A runner on another machine whose heartbeat is older than this is taken to be gone.
HEARTBEAT_STALE_SECONDS = 60.0


def _alive(pid: int, host: str, heartbeat: float) -> bool:
    if host == socket.gethostname():
        return _process_alive(pid)
    return time.time() - heartbeat < HEARTBEAT_STALE_SECONDS


def _mine(job_id: str) -> ColumnElement[bool]:
    """This process's lock on the job."""
    from sqlalchemy import and_

    from providers.journal.tables import runners

    return and_(
        runners.c.job_id == job_id,
        runners.c.pid == os.getpid(),
        runners.c.host == socket.gethostname(),
    )


class Runners:
    """The lock rows: not part of the chain, since they say who runs, not what was done."""

    def __init__(self, db: Database, now: Callable[[], str]) -> None:
        self._db = db
        self._now = now

    def claim(self, job_id: str) -> None:
        """Become the job's only runner, or raise `JobBusy` naming the living one."""
        from sqlalchemy import delete, select

        from providers.journal.tables import runners

        me = (os.getpid(), socket.gethostname())
        with self._db.write() as conn:
            row = conn.execute(
                select(runners.c.pid, runners.c.host, runners.c.started_at, runners.c.heartbeat)
                .where(runners.c.job_id == job_id)
                .with_for_update()
            ).first()
            if row is not None and (row.pid, row.host) != me and _alive(*row[:2], row[3]):
                raise JobBusy(
                    f"Job {job_id} is being run by process {row.pid} on {row.host} since "
                    f"{row.started_at[:19]}; stop that one first, or wait for it to finish."
                )
            conn.execute(delete(runners).where(runners.c.job_id == job_id))
            conn.execute(
                runners.insert().values(
                    job_id=job_id,
                    pid=me[0],
                    host=me[1],
                    started_at=self._now(),
                    heartbeat=time.time(),
                )
            )

    def beat(self, job_id: str) -> None:
        """Say the runner is still alive (read by runners on other machines)."""
        from sqlalchemy import update

        from providers.journal.tables import runners

        with self._db.write() as conn:
            conn.execute(update(runners).where(_mine(job_id)).values(heartbeat=time.time()))

    def release(self, job_id: str) -> None:
        from sqlalchemy import delete

        from providers.journal.tables import runners

        with self._db.write() as conn:
            conn.execute(delete(runners).where(_mine(job_id)))

    @staticmethod
    def alive(conn: Connection, job_id: str) -> bool:
        from sqlalchemy import select

        from providers.journal.tables import runners

        row = conn.execute(
            select(runners.c.pid, runners.c.host, runners.c.heartbeat).where(
                runners.c.job_id == job_id
            )
        ).first()
        return row is not None and _alive(*row)
