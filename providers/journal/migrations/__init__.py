"""The journal's schema changes, as Alembic migrations run when a journal is opened.

A journal already at `HEAD` opens without loading Alembic. A new, empty journal is made at
`HEAD` at once from `tables.py` (Alembic's way to build a database from scratch), rather than
replaying every migration: the tests check that both give the same schema. A SQLite journal
from before migrations (no `alembic_version` table, but jobs) is today's first revision: it
is stamped so, then upgraded like any other.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from providers.journal.database import Database

HEAD = "0006"
FIRST = "0001"


def revision(conn: Connection) -> str | None:
    """The journal's revision: None when it has none yet."""
    from sqlalchemy import inspect, text

    if not inspect(conn).has_table("alembic_version"):
        return FIRST if inspect(conn).has_table("jobs") else None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(conn: Connection) -> None:
    """Bring the journal to `HEAD`, inside the caller's transaction."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent))
    config.attributes["connection"] = conn
    if inspect(conn).has_table("jobs") and not inspect(conn).has_table("alembic_version"):
        command.stamp(config, FIRST)
    command.upgrade(config, HEAD)


def create(conn: Connection) -> None:
    """Make an empty journal as the migrations would: `HEAD`'s tables, the chain's head at
    its start, the register's own key; and record it at `HEAD`."""
    from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table

    from providers.journal.hashing import GENESIS
    from providers.journal.sealing import new_key
    from providers.journal.tables import head, metadata, secrets

    metadata.create_all(conn)
    conn.execute(head.insert().values(id=1, seq=0, hash=GENESIS))
    conn.execute(secrets.insert().values(name="register", value=new_key()))
    version = Table(
        "alembic_version",
        MetaData(),
        Column("version_num", String(32), nullable=False),
        PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
    )
    version.create(conn)
    conn.execute(version.insert().values(version_num=HEAD))


def known() -> set[str]:
    """The revisions this RosterDeck's migrations know (`0002_….py` is `0002`)."""
    versions = Path(__file__).parent / "versions"
    return {path.name.split("_", 1)[0] for path in versions.glob("[0-9]*_*.py")}


def open_database(db: Database) -> None:
    """Check the journal's revision; migrate, under a lock, only when it is behind. A
    journal a newer RosterDeck wrote is refused in a sentence, before anything is written."""
    from providers.errors import JournalUnavailable

    with db.read() as conn:
        found = revision(conn)
    if found == HEAD:
        return
    if found is not None and found not in known():
        raise JournalUnavailable(
            f"The journal {db.where} was written by a newer RosterDeck (its schema is "
            f"{found}; this one knows up to {HEAD}). Upgrade RosterDeck, or point "
            "ROSTERDECK_JOURNAL at another journal."
        )
    with db.write() as conn:
        if conn.dialect.name == "postgresql":  # two first openers: one migrates, one waits
            from sqlalchemy import text

            conn.execute(text("SELECT pg_advisory_xact_lock(4242)"))
        found = revision(conn)
        if found is None:
            create(conn)
        elif found != HEAD:
            upgrade(conn)
