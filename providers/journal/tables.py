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
