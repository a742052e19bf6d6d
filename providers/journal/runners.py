"""Who runs a job: one living process at a time, proven by a lock row with a heartbeat.

A second `rosterdeck resume` of a running job would send things twice; it is refused, naming
the process and host that run it. A runner whose process died (or, on another machine,
whose heartbeat stopped) holds no lock.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import time
from collections.abc import Callable
from contextlib import AbstractContextManager

from providers.errors import ConfigurationError

RUNNERS_SCHEMA = """
CREATE TABLE IF NOT EXISTS runners (
    job_id TEXT PRIMARY KEY REFERENCES jobs(id),
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    started_at TEXT NOT NULL,
    heartbeat REAL NOT NULL
);
"""


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


class RunnerLocks:
    """The journal's lock table; mixed into `Journal`, which owns the connection."""

    _db: sqlite3.Connection
    now: Callable[[], str]

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    # -- who runs a job ----------------------------------------------------------------------

    def claim(self, job_id: str) -> None:
        """Become the job's only runner, or raise `JobBusy` naming the living one."""
        me = (os.getpid(), socket.gethostname())
        with self._transaction() as db:
            row = db.execute(
                "SELECT pid, host, started_at, heartbeat FROM runners WHERE job_id = ?", (job_id,)
            ).fetchone()
            if row is not None and (row[0], row[1]) != me and self._alive(*row):
                pid, host, started, _ = row
                raise JobBusy(
                    f"Job {job_id} is being run by process {pid} on {host} since "
                    f"{started[:19]}; stop that one first, or wait for it to finish."
                )
            db.execute(
                "INSERT OR REPLACE INTO runners VALUES (?,?,?,?,?)",
                (job_id, me[0], me[1], self.now(), time.time()),
            )

    def beat(self, job_id: str) -> None:
        """Say the runner is still alive (read by runners on other machines)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE runners SET heartbeat = ? WHERE job_id = ? AND pid = ? AND host = ?",
                (time.time(), job_id, os.getpid(), socket.gethostname()),
            )

    def release(self, job_id: str) -> None:
        with self._transaction() as db:
            db.execute(
                "DELETE FROM runners WHERE job_id = ? AND pid = ? AND host = ?",
                (job_id, os.getpid(), socket.gethostname()),
            )

    @staticmethod
    def _alive(pid: int, host: str, started: str, heartbeat: float) -> bool:
        if host == socket.gethostname():
            return _process_alive(pid)
        return time.time() - heartbeat < HEARTBEAT_STALE_SECONDS

    def _runner_alive(self, job_id: str) -> bool:
        row = self._db.execute(
            "SELECT pid, host, started_at, heartbeat FROM runners WHERE job_id = ?", (job_id,)
        ).fetchone()
        return row is not None and self._alive(*row)
