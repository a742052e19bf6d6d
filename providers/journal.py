"""The SQLite journal of every removal job and every member in it.

It is written before anything is sent (the plan), before each request (the batch's intent:
its members become `sending`) and after each answer (each member's outcome), in WAL mode with
synchronous writes. After a crash, a kill -9 or a dropped SSH link it knows every member's
last state, which is what `resume` needs to finish without sending anything twice.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sqlite3
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from providers import ledger, version
from providers.errors import ConfigurationError
from providers.everywhere_journal import EVERYWHERE_SCHEMA, EverywhereJobs
from providers.models import Container, Member, MemberOutcome, Operation, Outcome, Provider
from providers.records import PENDING, SENDING, Item, Job, JobState, NewJob, Step
from providers.runners import RUNNERS_SCHEMA, RunnerLocks

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    user TEXT NOT NULL,
    account TEXT NOT NULL,
    provider TEXT NOT NULL,
    container TEXT NOT NULL,
    operation TEXT NOT NULL,
    dry_run INTEGER NOT NULL,
    undo_of TEXT,
    state TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    operator TEXT NOT NULL DEFAULT '',
    host TEXT NOT NULL DEFAULT '',
    version TEXT NOT NULL DEFAULT '',
    part_of TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS items (
    job_id TEXT NOT NULL REFERENCES jobs(id),
    seq INTEGER NOT NULL,
    member_id TEXT NOT NULL,
    member TEXT NOT NULL,
    state TEXT NOT NULL,
    batch INTEGER,
    code TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (job_id, member_id)
);
CREATE INDEX IF NOT EXISTS items_by_state ON items (job_id, state);
CREATE TABLE IF NOT EXISTS steps (
    job_id TEXT NOT NULL REFERENCES jobs(id),
    member_id TEXT NOT NULL,
    at TEXT NOT NULL,
    state TEXT NOT NULL,
    code TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS steps_by_member ON steps (job_id, member_id);
"""

#: columns older journals gain, empty: why a job was run and by whom, and what it is part of
LATER_COLUMNS = ("reason", "operator", "host", "version", "part_of")
JOB_COLUMNS = (
    "id, created_at, user, account, provider, container, operation, dry_run, undo_of, state, "
    "note, reason, operator, host, version, part_of"
)

StepRow = tuple[str, str, str, str]  # member id, state, code, message


def _write_steps(db: sqlite3.Connection, job_id: str, now: str, rows: Iterable[StepRow]) -> None:
    """Each step goes into the member's story and onto the journal's hash chain."""
    for member, state, code, message in rows:
        db.execute(
            "INSERT INTO steps VALUES (?,?,?,?,?,?)", (job_id, member, now, state, code, message)
        )
        ledger.append(db, job_id, now, "step", [member, state, code, message])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _new_id() -> str:
    """Sortable by time, unique by a random tail."""
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]


def _operator() -> str:
    """The OS user, and the SSH client's address when the session came over SSH."""
    client = os.environ.get("SSH_CLIENT", "").split(" ", 1)[0]
    user = getpass.getuser()
    return f"{user} from {client}" if client else user


class Journal(RunnerLocks, EverywhereJobs):
    """`now`, `new_id`, `user`, `operator` and `host` are attributes so that pictures of the
    app can be repeatable."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.now = _now
        self.new_id = _new_id
        self.user = getpass.getuser
        self.operator = _operator
        self.host = socket.gethostname
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")
        had_chain = self._has_table("chain")
        self._db.executescript(SCHEMA + ledger.SCHEMA + RUNNERS_SCHEMA + EVERYWHERE_SCHEMA)
        self._add_missing_columns()
        if not had_chain:
            with self._transaction() as db:
                ledger.adopt(db, self.now())

    def _has_table(self, name: str) -> bool:
        query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        return self._db.execute(query, (name,)).fetchone() is not None

    def _add_missing_columns(self) -> None:
        """A journal from before jobs said why, by whom and what they are part of gains the
        columns, empty."""
        have = {row[1] for row in self._db.execute("PRAGMA table_info(jobs)")}
        for column in LATER_COLUMNS:
            if column not in have:
                self._db.execute(f"ALTER TABLE jobs ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- writing ---------------------------------------------------------------------------

    def create(
        self,
        *,
        account: str,
        provider: Provider,
        container: Container,
        operation: Operation,
        members: Sequence[Member],
        protected: Sequence[tuple[Member, str]] = (),
        dry_run: bool = False,
        undo_of: str | None = None,
        reason: str = "",
    ) -> str:
        """Write the whole plan before anything is sent, with why and by whom; returns the
        job's id."""
        job = NewJob(account, provider, container, operation, members, protected, dry_run)
        with self._transaction() as db:
            return self._insert_job(db, job, self.now(), reason, undo_of=undo_of)

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
        """One job's row, its members and their first steps, inside the caller's transaction."""
        job_id = self.new_id()
        row = {
            "id": job_id,
            "created_at": now,
            "user": self.user(),
            "account": job.account,
            "provider": job.provider.value,
            "container": job.container.model_dump_json(),
            "operation": job.operation.value,
            "dry_run": int(job.dry_run),
            "undo_of": undo_of,
            "state": JobState.PLANNED.value,
            "note": "",
            "reason": reason,
            "operator": self.operator(),
            "host": self.host(),
            "version": version(),
            "part_of": part_of,
        }
        db.execute(
            f"INSERT INTO jobs ({', '.join(row)}) VALUES ({','.join('?' * len(row))})",
            tuple(row.values()),
        )
        ledger.append(db, job_id, now, "job", row)
        rows = [(m, PENDING, "") for m in job.members] + [
            (m, Outcome.PROTECTED.value, why) for m, why in job.protected
        ]
        db.executemany(
            "INSERT INTO items VALUES (?,?,?,?,?,NULL,'',?,?)",
            (
                (job_id, seq, m.id, json.dumps(m.as_dict()), state, message, now)
                for seq, (m, state, message) in enumerate(rows)
            ),
        )
        _write_steps(db, job_id, now, ((m.id, state, "", message) for m, state, message in rows))
        return job_id

    def set_state(self, job_id: str, state: JobState, note: str = "") -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE jobs SET state = ?, note = ? WHERE id = ?", (state.value, note, job_id)
            )
            ledger.append(db, job_id, self.now(), "state", [state.value, note])

    def note(self, job_id: str, note: str) -> None:
        """Say something of a job while its state stays (a stop asked while it runs); on the
        chain too, so the job's history tells when."""
        with self._transaction() as db:
            (state,) = db.execute("SELECT state FROM jobs WHERE id = ?", (job_id,)).fetchone()
            db.execute("UPDATE jobs SET note = ? WHERE id = ?", (note, job_id))
            ledger.append(db, job_id, self.now(), "state", [state, note])

    def mark_sending(self, job_id: str, member_ids: Iterable[str], batch: int) -> None:
        """The batch's intent, written before its request leaves."""
        now = self.now()
        ids = list(member_ids)
        with self._transaction() as db:
            db.executemany(
                "UPDATE items SET state = ?, batch = ?, updated_at = ? "
                "WHERE job_id = ? AND member_id = ?",
                ((SENDING, batch, now, job_id, m) for m in ids),
            )
            _write_steps(db, job_id, now, ((m, SENDING, "", f"in call {batch + 1}") for m in ids))

    def record(self, job_id: str, outcomes: Iterable[MemberOutcome]) -> None:
        now = self.now()
        settled = list(outcomes)
        with self._transaction() as db:
            db.executemany(
                "UPDATE items SET state = ?, code = ?, message = ?, updated_at = ? "
                "WHERE job_id = ? AND member_id = ?",
                ((o.outcome.value, o.code, o.message, now, job_id, o.member_id) for o in settled),
            )
            _write_steps(
                db,
                job_id,
                now,
                ((o.member_id, o.outcome.value, o.code, o.message) for o in settled),
            )

    def reset(self, job_id: str, member_ids: Iterable[str], why: str = "due again") -> None:
        """Make members due again (retry failed, or found still present on resume)."""
        now = self.now()
        ids = list(member_ids)
        with self._transaction() as db:
            db.executemany(
                "UPDATE items SET state = ?, code = '', message = '', updated_at = ? "
                "WHERE job_id = ? AND member_id = ?",
                ((PENDING, now, job_id, m) for m in ids),
            )
            _write_steps(db, job_id, now, ((m, PENDING, "", why) for m in ids))

    def cancel_pending(self, job_id: str, message: str) -> list[str]:
        with self._transaction() as db:
            ids = [
                row[0]
                for row in db.execute(
                    "SELECT member_id FROM items WHERE job_id = ? AND state = ?", (job_id, PENDING)
                )
            ]
            now = self.now()
            db.execute(
                "UPDATE items SET state = ?, message = ?, updated_at = ? "
                "WHERE job_id = ? AND state = ?",
                (Outcome.CANCELLED.value, message, now, job_id, PENDING),
            )
            _write_steps(db, job_id, now, ((m, Outcome.CANCELLED.value, "", message) for m in ids))
        return ids

    # -- reading ---------------------------------------------------------------------------

    def _job(self, row: sqlite3.Row | tuple[object, ...]) -> Job:
        (
            job_id,
            created,
            user,
            account,
            provider,
            container,
            operation,
            dry,
            undo_of,
            state,
            note,
            reason,
            operator,
            host,
            version,
            part_of,
        ) = row
        counts = Counter(
            dict(
                self._db.execute(
                    "SELECT state, count(*) FROM items WHERE job_id = ? GROUP BY state", (job_id,)
                ).fetchall()
            )
        )
        return Job(
            id=str(job_id),
            created_at=str(created),
            user=str(user),
            account=str(account),
            provider=Provider(str(provider)),
            container=Container.model_validate_json(str(container)),
            operation=Operation(str(operation)),
            dry_run=bool(dry),
            undo_of=str(undo_of) if undo_of else None,
            state=self._live_state(str(job_id), JobState(str(state))),
            note=str(note),
            counts=dict(counts),
            reason=str(reason),
            operator=str(operator),
            host=str(host),
            version=str(version),
            part_of=str(part_of),
        )

    def _live_state(self, job_id: str, state: JobState) -> JobState:
        """A job journaled as running whose runner is gone was interrupted, not running."""
        if state is JobState.RUNNING and not self._runner_alive(job_id):
            return JobState.INTERRUPTED
        return state

    def job(self, job_id: str) -> Job:
        row = self._db.execute(f"SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise ConfigurationError(
                f"No job {job_id!r} in the journal (`rosterdeck jobs` lists them)."
            )
        return self._job(row)

    def jobs(self, limit: int = 200) -> list[Job]:
        rows = self._db.execute(
            f"SELECT {JOB_COLUMNS} FROM jobs ORDER BY created_at DESC LIMIT ?", (limit,)
        ).fetchall()
        return [self._job(row) for row in rows]

    def unfinished(self) -> list[Job]:
        """Jobs that stopped with members not yet settled: what `resume` is for."""
        return [
            job
            for job in self.jobs()
            if job.unsettled
            and job.state
            in (JobState.RUNNING, JobState.INTERRUPTED, JobState.PAUSED, JobState.PLANNED)
        ]

    def sent_today(self, account: str, container_prefix: str) -> int:
        """Members sent to the provider since local midnight, in real (not dry-run) jobs of
        this account on containers whose id starts with the prefix: what a daily budget
        counts. A refused or failed send counts too: the provider saw it."""
        midnight = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
        since = midnight.astimezone(UTC).isoformat(timespec="milliseconds")
        not_sent = (PENDING, Outcome.CANCELLED.value, Outcome.PROTECTED.value)
        row = self._db.execute(
            "SELECT COUNT(*) FROM items JOIN jobs ON jobs.id = items.job_id"
            " WHERE jobs.account = ? AND jobs.dry_run = 0"
            " AND substr(json_extract(jobs.container, '$.id'), 1, ?) = ?"
            " AND items.updated_at >= ? AND items.state NOT IN (?,?,?)",
            (account, len(container_prefix), container_prefix, since, *not_sent),
        ).fetchone()
        return int(row[0])

    def verify(self) -> ledger.Verdict:
        """Whether the journal's history is whole, and its tables say what it says."""
        return ledger.verify(self._db)

    def story(self, job_id: str, member_id: str) -> list[Step]:
        """Everything that happened to one member in a job, oldest first."""
        rows = self._db.execute(
            "SELECT at, state, code, message FROM steps WHERE job_id = ? AND member_id = ? "
            "ORDER BY rowid",
            (job_id, member_id),
        ).fetchall()
        return [Step(*row) for row in rows]

    def items(self, job_id: str, states: Iterable[str] | None = None) -> list[Item]:
        query = "SELECT member, state, code, message FROM items WHERE job_id = ?"
        params: list[object] = [job_id]
        wanted = list(states) if states is not None else None
        if wanted is not None:
            query += f" AND state IN ({','.join('?' * len(wanted))})"
            params += wanted
        rows = self._db.execute(query + " ORDER BY seq", params).fetchall()
        return [
            Item(Member.from_dict(json.loads(member)), state, code, message)
            for member, state, code, message in rows
        ]
