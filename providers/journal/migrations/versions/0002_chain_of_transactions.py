"""One chain event a transaction, steps numbered and hashed within their job, and people's
details under keyed digests.

The chain before this held members' ids in its events; it is replaced, not kept: each job and
everywhere job is adopted as it stands (each member's first step kept as the plan, the others
renumbered and hashed, a key made for each person), after one `upgraded` event that names
how many events the old chain had and its last hash, so a copy of the old journal can still
be matched to this one.

Revision ID: 0002
"""

import re
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from providers.journal.hashing import (
    GENESIS,
    body,
    event_hash,
    mac,
    member_text,
    members_digest,
    new_keys,
    step_hash,
)

revision = "0002"
down_revision = "0001"

PENDING, SENDING = "pending", "sending"
CALL = re.compile(r"in call (\d+)")


def upgrade() -> None:
    op.drop_index("steps_by_member", table_name="steps")
    op.rename_table("steps", "steps_old")
    op.rename_table("chain", "chain_old")
    op.add_column("items", sa.Column("mac", sa.Text, nullable=False, server_default=""))
    op.add_column("everywhere", sa.Column("mac", sa.Text, nullable=False, server_default=""))
    op.create_index("items_by_seq", "items", ["job_id", "seq"], unique=True)
    op.drop_index("items_by_state", table_name="items")  # a job's rows are found by job_id
    op.create_table(
        "steps",
        sa.Column("job_id", sa.Text, sa.ForeignKey("jobs.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("item", sa.Integer, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("code", sa.Text, nullable=False, server_default=""),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
        sa.Column("batch", sa.Integer),
        sa.Column("hash", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("job_id", "seq"),
    )
    op.create_index("steps_by_item", "steps", ["job_id", "item"])
    op.create_table(
        "people",
        sa.Column("job_id", sa.Text, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("job_id", "seq"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "chain",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("job_id", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("hash", sa.Text, nullable=False),
    )
    op.create_table(
        "head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.Text, nullable=False),
    )
    _adopt(op.get_bind())
    op.drop_table("steps_old")
    op.drop_table("chain_old")


class _Chain:
    def __init__(self, conn: sa.Connection) -> None:
        self.conn, self.seq, self.hash = conn, 0, GENESIS
        self.at = datetime.now(UTC).isoformat(timespec="milliseconds")

    def append(self, job_id: str, kind: str, payload: object) -> None:
        self.seq += 1
        text = body(payload)
        self.hash = event_hash(self.hash, self.seq, job_id, self.at, kind, text)
        self.conn.execute(
            sa.text("INSERT INTO chain VALUES (:seq, :job_id, :at, :kind, :body, :hash)"),
            {"seq": self.seq, "job_id": job_id, "at": self.at, "kind": kind, "body": text}
            | {"hash": self.hash},
        )


def _rows(conn: sa.Connection, query: str, **params: object) -> list[dict[str, Any]]:
    return [dict(row) for row in conn.execute(sa.text(query), params).mappings()]


def _adopt(conn: sa.Connection) -> None:
    chain = _Chain(conn)
    old = _rows(conn, "SELECT seq, hash FROM chain_old ORDER BY seq DESC")
    if old:
        chain.append("", "upgraded", {"events": len(old), "hash": old[0]["hash"]})
    made = [("everywhere", row) for row in _rows(conn, "SELECT * FROM everywhere")]
    made += [("job", row) for row in _rows(conn, "SELECT * FROM jobs")]
    for kind, row in sorted(made, key=lambda entry: (entry[1]["created_at"], entry[0])):
        if kind == "everywhere":
            _adopt_everywhere(conn, chain, row)
        else:
            _adopt_job(conn, chain, row)
    conn.execute(sa.text("INSERT INTO head VALUES (1, :seq, :hash)"), vars(chain))


def _adopt_everywhere(conn: sa.Connection, chain: _Chain, row: dict[str, Any]) -> None:
    (key,) = new_keys(1)
    row["mac"] = mac(key, row["addresses"])
    conn.execute(sa.text("INSERT INTO people VALUES (:id, 0, :key)"), {"id": row["id"], "key": key})
    conn.execute(sa.text("UPDATE everywhere SET mac = :mac WHERE id = :id"), row)
    del row["addresses"]
    chain.append(row["id"], "everywhere", {"everywhere": row})


def _adopt_job(conn: sa.Connection, chain: _Chain, job: dict[str, Any]) -> None:
    """The job as it stands: each member's first step becomes their plan (kept in the event),
    the others are numbered and hashed in the order they were written."""
    job_id = job["id"]
    items = _rows(conn, "SELECT * FROM items WHERE job_id = :job ORDER BY seq", job=job_id)
    keys = new_keys(len(items))
    seq_of = {item["member_id"]: item["seq"] for item in items}
    planned: dict[str, list[str]] = {}
    later = []
    seen = set()
    query = "SELECT * FROM steps_old WHERE job_id = :job ORDER BY rowid"
    for step in _rows(conn, query, job=job_id):  # only SQLite journals had rows until now
        member = step["member_id"]
        if member in seen:
            later.append(step)
            continue
        seen.add(member)
        if (step["state"], step["message"]) != (PENDING, ""):
            planned[str(seq_of[member])] = [step["state"], step["message"]]
    for item, key in zip(items, keys, strict=True):
        item["mac"] = mac(key, member_text(item["member_id"], item["member"]))
    if items:
        conn.execute(
            sa.text("INSERT INTO people VALUES (:job_id, :seq, :key)"),
            [
                {"job_id": job_id, "seq": i["seq"], "key": k}
                for i, k in zip(items, keys, strict=True)
            ],
        )
        conn.execute(
            sa.text("UPDATE items SET mac = :mac WHERE job_id = :job_id AND seq = :seq"), items
        )
    steps, last = [], GENESIS
    for seq, old in enumerate(later, start=1):
        batch = CALL.search(old["message"]) if old["state"] == SENDING else None
        step = {
            "job_id": job_id,
            "seq": seq,
            "item": seq_of[old["member_id"]],
            "at": old["at"],
            "state": old["state"],
            "code": old["code"],
            "message": old["message"],
            "batch": int(batch.group(1)) - 1 if batch else None,
        }
        last = step["hash"] = step_hash(last, *(step[f] for f in list(step)[1:]))
        steps.append(step)
    if steps:
        conn.execute(
            sa.text(
                "INSERT INTO steps VALUES (:job_id, :seq, :item, :at, :state, :code, "
                ":message, :batch, :hash)"
            ),
            steps,
        )
    payload = {
        "job": job,
        "items": len(items),
        "members": members_digest(item["mac"] for item in items),
        "planned": planned,
        "steps": [1, len(steps)] if steps else [],
        "last": last,
    }
    chain.append(job_id, "adopted", payload)
