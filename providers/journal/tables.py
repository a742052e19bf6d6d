"""The journal's tables, as SQLAlchemy Core, one definition for SQLite and PostgreSQL.

Imported only when a journal is opened: the app's first screen does not wait for
SQLAlchemy. Changes to them are Alembic migrations (`migrations/versions`)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
)

metadata = MetaData()


def _text(name: str) -> Column[str]:
    return Column(name, Text, nullable=False, server_default="")


jobs = Table(
    "jobs",
    metadata,
    Column("id", Text, primary_key=True),
    Column("created_at", Text, nullable=False),
    Column("user", Text, nullable=False),
    Column("account", Text, nullable=False),
    Column("provider", Text, nullable=False),
    Column("container", Text, nullable=False),
    Column("operation", Text, nullable=False),
    Column("dry_run", Integer, nullable=False),
    Column("undo_of", Text),
    Column("state", Text, nullable=False),
    _text("note"),
    _text("reason"),
    _text("operator"),
    _text("host"),
    _text("version"),
    _text("part_of"),
)

#: a member of a job as it stands now; `mac` is the keyed digest of its personal fields
items = Table(
    "items",
    metadata,
    Column("job_id", Text, ForeignKey("jobs.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("member_id", Text, nullable=False),
    Column("member", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("batch", Integer),
    _text("code"),
    _text("message"),
    Column("updated_at", Text, nullable=False),
    _text("mac"),
    PrimaryKeyConstraint("job_id", "member_id"),
    Index("items_by_seq", "job_id", "seq", unique=True),
    Index("items_by_member", "member_id"),
)

#: each member's story after the plan, numbered within its job; `item` is the member's
#: `items.seq` (the plan itself is the first step of each: `plan_step`)
steps = Table(
    "steps",
    metadata,
    Column("job_id", Text, ForeignKey("jobs.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("item", Integer, nullable=False),
    Column("at", Text, nullable=False),
    Column("state", Text, nullable=False),
    _text("code"),
    _text("message"),
    Column("batch", Integer),
    Column("hash", Text, nullable=False),
    PrimaryKeyConstraint("job_id", "seq"),
    Index("steps_by_item", "job_id", "item"),
)

#: one key a person: the key of the digest the chain holds of their personal fields
people = Table(
    "people",
    metadata,
    Column("job_id", Text, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("key", Text, nullable=False),
    PrimaryKeyConstraint("job_id", "seq"),
    sqlite_with_rowid=False,
)

chain = Table(
    "chain",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("job_id", Text, nullable=False),
    Column("at", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("hash", Text, nullable=False),
    Index("chain_by_job", "job_id", "kind"),
)

#: the chain's last event, one row: locked by each writer, so two never fork the chain
head = Table(
    "head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", Text, nullable=False),
)

runners = Table(
    "runners",
    metadata,
    Column("job_id", Text, ForeignKey("jobs.id"), primary_key=True),
    Column("pid", Integer, nullable=False),
    Column("host", Text, nullable=False),
    Column("started_at", Text, nullable=False),
    Column("heartbeat", Float, nullable=False),
)

#: one row a scope whose writes are spaced (a WhatsApp number), shared by every process: when
#: its next write may leave (the database's clock), and who is writing now ('' when nobody)
paces = Table(
    "paces",
    metadata,
    Column("scope", Text, primary_key=True),
    Column("not_before", Float, nullable=False),
    _text("holder"),
)

everywhere = Table(
    "everywhere",
    metadata,
    Column("id", Text, primary_key=True),
    Column("created_at", Text, nullable=False),
    Column("addresses", Text, nullable=False),
    Column("dry_run", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("user", Text, nullable=False),
    Column("operator", Text, nullable=False),
    Column("host", Text, nullable=False),
    Column("version", Text, nullable=False),
    Column("unsearched", Text, nullable=False),
    _text("mac"),
)

# -- staying off: the do-not-re-add register, its sweeps, invite links revoked, erasures ----

#: keys of the journal's own (the register's, under which addresses are digested)
secrets = Table(
    "secrets",
    metadata,
    Column("name", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

#: one person asked to stay off; `sealed` is their addresses encrypted under `key`, both
#: emptied when they are forgotten (their digests stay, so they stay suppressed)
suppressed = Table(
    "suppressed",
    metadata,
    Column("id", Text, primary_key=True),
    Column("created_at", Text, nullable=False),
    _text("operator"),
    _text("host"),
    _text("reason"),
    _text("job_id"),
    _text("digests"),
    _text("lifted_at"),
    _text("lifted_by"),
    _text("lifted_reason"),
    _text("sealed"),
    _text("key"),
)

#: the keyed digests of a suppressed person's normalised addresses, looked up by digest
suppressed_digests = Table(
    "suppressed_digests",
    metadata,
    Column("digest", Text, nullable=False),
    Column("entry", Text, ForeignKey("suppressed.id"), nullable=False),
    PrimaryKeyConstraint("digest", "entry"),
)

#: a job that adds back someone on the register anyway, and why
overrides = Table(
    "overrides",
    metadata,
    Column("id", Text, primary_key=True),
    Column("created_at", Text, nullable=False),
    Column("job_id", Text, nullable=False),
    Column("entries", Text, nullable=False),
    _text("reason"),
    _text("operator"),
)

#: one sweep: who of the register was found back where (by entry id), what was not searched
sweeps = Table(
    "sweeps",
    metadata,
    Column("id", Text, primary_key=True),
    Column("created_at", Text, nullable=False),
    _text("operator"),
    _text("host"),
    Column("people", Integer, nullable=False),
    Column("found", Text, nullable=False),
    Column("unsearched", Text, nullable=False),
    Column("calls", Integer, nullable=False),
)

#: a group's invite link to revoke once a job's removals are done, and what became of it
invites = Table(
    "invites",
    metadata,
    Column("id", Text, primary_key=True),
    Column("job_id", Text, nullable=False),
    Column("container", Text, nullable=False),
    Column("asked_at", Text, nullable=False),
    _text("state"),
    _text("done_at"),
    _text("said"),
)

#: a person forgotten: when, by whom, why, how many records; never who
erasures = Table(
    "erasures",
    metadata,
    Column("id", Text, primary_key=True),
    Column("created_at", Text, nullable=False),
    _text("reason"),
    _text("operator"),
    _text("host"),
    Column("counts", Text, nullable=False),
    Column("files", Text, nullable=False),
    _text("finished_at"),
)

#: the days a WhatsApp number (its digits) was told to slow down, and why
slowdowns = Table(
    "slowdowns",
    metadata,
    Column("scope", Text, nullable=False),
    Column("day", Text, nullable=False),
    Column("account", Text, nullable=False),
    Column("why", Text, nullable=False),
    PrimaryKeyConstraint("scope", "day"),
)
