"""The journal's hash chain: every job event (a job planned, a member's step, a job's state)
carries a SHA-256 of itself and of the event before it, so that an edit, a deletion or an
insertion anywhere in the journal's history shows, and `rosterdeck jobs verify` can say
where. The chain proves the history is whole; replaying it proves the journal's tables
still say what the history says."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass

SCHEMA = """
CREATE TABLE IF NOT EXISTS chain (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    hash TEXT NOT NULL
);
"""
GENESIS = "0" * 64


def _digest(previous: str, job_id: str, at: str, kind: str, body: str) -> str:
    return hashlib.sha256("\n".join((previous, job_id, at, kind, body)).encode()).hexdigest()


def append(db: sqlite3.Connection, job_id: str, at: str, kind: str, payload: object) -> None:
    """Add one event after the last; call inside the transaction that makes the change."""
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    row = db.execute("SELECT hash FROM chain ORDER BY seq DESC LIMIT 1").fetchone()
    digest = _digest(row[0] if row else GENESIS, job_id, at, kind, body)
    db.execute(
        "INSERT INTO chain (job_id, at, kind, body, hash) VALUES (?,?,?,?,?)",
        (job_id, at, kind, body, digest),
    )


@dataclass(frozen=True)
class Verdict:
    events: int
    jobs: int
    breaks: list[str]

    @property
    def whole(self) -> bool:
        return not self.breaks


def adopt(db: sqlite3.Connection, at: str) -> None:
    """A journal written before the chain existed: its jobs, as they are now, open the chain."""
    for job_id, state in db.execute("SELECT id, state FROM jobs ORDER BY created_at").fetchall():
        members = dict(
            db.execute("SELECT member_id, state FROM items WHERE job_id = ?", (job_id,)).fetchall()
        )
        append(db, job_id, at, "adopted", {"state": state, "members": members})


def verify(db: sqlite3.Connection) -> Verdict:
    """Walk the chain, then compare what it says with the journal's tables."""
    breaks: list[str] = []
    previous, expected_seq = GENESIS, 1
    last_step: dict[tuple[str, str], str] = {}
    last_state: dict[str, str] = {}
    planned: dict[str, dict[str, object]] = {}
    everywhere: dict[str, dict[str, object]] = {}
    events = 0
    for seq, job_id, at, kind, body, digest in db.execute(
        "SELECT seq, job_id, at, kind, body, hash FROM chain ORDER BY seq"
    ):
        events += 1
        if seq != expected_seq:
            breaks.append(f"events {expected_seq} to {seq - 1} are missing (deleted)")
        expected_seq = seq + 1
        if _digest(previous, job_id, at, kind, body) != digest:
            breaks.append(f"event {seq} ({kind} of job {job_id}, {at}) was changed")
        previous = digest
        payload = json.loads(body)
        if kind == "step":
            last_step[(job_id, payload[0])] = payload[1]
        elif kind == "state":
            last_state[job_id] = payload[0]
        elif kind == "job":
            last_state.setdefault(job_id, "planned")
            planned[job_id] = payload
        elif kind == "everywhere":
            everywhere[job_id] = payload
        elif kind == "adopted":  # a job from before the chain: its state when the chain began
            last_state[job_id] = payload["state"]
            for member_id, state in payload["members"].items():
                last_step[(job_id, member_id)] = state
    for job_id, member_id, state in db.execute("SELECT job_id, member_id, state FROM items"):
        told = last_step.get((job_id, member_id))
        if told is None:
            breaks.append(f"job {job_id}: member {member_id} has no history (inserted)")
        elif told != state:
            breaks.append(
                f"job {job_id}: member {member_id} reads {state!r}, its history says {told!r}"
            )
    jobs = 0
    cursor = db.execute("SELECT * FROM jobs")
    columns = [d[0] for d in cursor.description]
    for values in cursor.fetchall():
        jobs += 1
        row = dict(zip(columns, values, strict=True))
        job_id = str(row["id"])
        told = last_state.get(job_id)
        if told is None:
            breaks.append(f"job {job_id} has no history (inserted)")
        elif told != row["state"]:
            breaks.append(f"job {job_id} reads {row['state']!r}, its history says {told!r}")
        for field, said in planned.pop(job_id, {}).items():
            if field not in ("state", "note") and row.get(field) != said:
                breaks.append(f"job {job_id}: its {field} reads {row.get(field)!r}, was {said!r}")
    breaks += [f"job {job_id} is gone from the journal (deleted)" for job_id in planned]
    breaks += _compare_rows(db, "everywhere", everywhere)
    return Verdict(events, jobs, breaks)


def _compare_rows(
    db: sqlite3.Connection, table: str, told: dict[str, dict[str, object]]
) -> list[str]:
    """Rows written once and never changed (an everywhere job's plan) against their events."""
    breaks: list[str] = []
    cursor = db.execute(f"SELECT * FROM {table}")
    columns = [d[0] for d in cursor.description]
    for values in cursor.fetchall():
        row = dict(zip(columns, values, strict=True))
        said = told.pop(str(row["id"]), None)
        if said is None:
            breaks.append(f"job {row['id']} has no history (inserted)")
            continue
        breaks += [
            f"job {row['id']}: its {field} reads {row.get(field)!r}, was {value!r}"
            for field, value in said.items()
            if row.get(field) != value
        ]
    return breaks + [f"job {job_id} is gone from the journal (deleted)" for job_id in told]
