"""The journal's database: one SQLAlchemy engine for SQLite or PostgreSQL, its transactions,
its migrations run at open, and every failure of it turned into one sentence.

Writes are serialised: SQLite's `BEGIN IMMEDIATE` takes the file's write lock at once, and
on PostgreSQL each writer locks the chain's head row (`Chain.lock`). Reads see one snapshot
(SQLite's WAL read transaction, PostgreSQL's REPEATABLE READ), so a check never reads half a
write. The engine's pool hands each thread its own connection: the journal may be written
from a worker thread while the event loop reads it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from providers.accounts.journal_location import masked, password
from providers.errors import JournalUnavailable

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, Table

#: how long a write waits for another writer before the journal is said to be locked
LOCK_WAIT_SECONDS = 5.0
CONNECT_SECONDS = 5
_WRITE = "rosterdeck_write"


class Database:
    def __init__(self, target: Path | str) -> None:
        self.target = target
        self.is_file = isinstance(target, Path)
        self.where = str(target) if isinstance(target, Path) else masked(target)
        self.engine = self._engine()

    def _engine(self) -> Engine:
        from sqlalchemy import create_engine, event
        from sqlalchemy.engine import make_url

        if isinstance(self.target, Path):
            engine = create_engine(
                make_url("sqlite://").set(database=str(self.target)),
                connect_args={"timeout": LOCK_WAIT_SECONDS, "check_same_thread": False},
            )
            event.listen(engine, "connect", _sqlite_connected)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        url = make_url(self.target).set(drivername="postgresql+psycopg")
        if url.password is None and (secret := password()):
            url = url.set(password=secret)
        wait = int(LOCK_WAIT_SECONDS * 1000)
        return create_engine(
            url,
            connect_args={
                "connect_timeout": CONNECT_SECONDS,
                "options": f"-c lock_timeout={wait} -c statement_timeout={wait * 6}",
            },
            pool_pre_ping=True,
        )

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction that writes, committed when the block ends."""
        with self.failing_as_unavailable(), self.engine.connect() as conn:
            conn = conn.execution_options(**{_WRITE: True})
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """One consistent snapshot to read from."""
        options: dict[str, Any] = {} if self.is_file else {"isolation_level": "REPEATABLE READ"}
        with (
            self.failing_as_unavailable(),
            self.engine.connect() as conn,
            conn.execution_options(**options).begin(),
        ):
            yield conn

    @contextmanager
    def failing_as_unavailable(self) -> Iterator[None]:
        """The database's errors, and the disk's, as one sentence naming the journal."""
        from sqlalchemy.exc import DBAPIError

        try:
            yield
        except DBAPIError as error:
            raise JournalUnavailable(self.unavailable(str(error.orig))) from None
        except OSError as error:
            raise JournalUnavailable(self.unavailable(error.strerror or str(error))) from None

    def unavailable(self, said: str) -> str:
        where, low = self.where, said.lower()
        if "locked" in low or "lock timeout" in low or "lock_timeout" in low:
            return (
                f"The journal {where} stayed locked by another program for more than "
                f"{LOCK_WAIT_SECONDS:g} s: let the other RosterDeck finish, then try again."
            )
        if "full" in low or "no space" in low:
            return (
                f"The journal {where} is full (no room left on its disk): free some space, "
                "then try again."
            )
        if "readonly" in low or "read-only" in low:
            return (
                f"The journal {where} cannot be written (it is read-only): give your user "
                "write access to it and its folder, then try again."
            )
        if "not a database" in low or "malformed" in low:
            return (
                f"The journal {where} is damaged (not a database): move it aside, restore it "
                "from a backup, then try again."
            )
        first = masked(said.strip().splitlines()[0] if said.strip() else "no answer")
        if self.is_file:
            return (
                f"The journal {where} cannot be opened ({first}): check that its folder "
                "exists and is yours, then try again."
            )
        return (
            f"The journal {where} cannot be reached ({first}): check that the server is up and "
            "the address and password are right (ROSTERDECK_JOURNAL_PASSWORD or the keyring), "
            "or unset ROSTERDECK_JOURNAL to use this machine's file."
        )

    def close(self) -> None:
        self.engine.dispose()


def insert_many(conn: Connection, table: Table, rows: list[tuple[Any, ...]]) -> None:
    """Rows given in the table's column order, handed to the driver as they are: a plan of
    100,000 members does not pay SQLAlchemy's work a row."""
    if not rows:
        return
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    quote = conn.dialect.identifier_preparer.quote
    columns = ", ".join(quote(column.name) for column in table.columns)
    markers = ", ".join([marker] * len(table.columns))
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({columns}) VALUES ({markers})", rows)


def clock(conn: Connection) -> float:
    """Now, in seconds since the epoch, by the database's clock: what every machine writing
    one PostgreSQL journal compares heartbeats and write gaps with, whatever its own clock
    says. A SQLite journal has one machine, and its clock."""
    if conn.dialect.name != "postgresql":
        return time.time()
    from sqlalchemy import text

    return float(conn.execute(text("SELECT EXTRACT(EPOCH FROM clock_timestamp())")).scalar_one())


def _sqlite_connected(connection: Any, _: object) -> None:
    """Transactions are the journal's own (BEGIN below), in WAL mode with synchronous
    writes, so a crash keeps every committed step; a cache of 64 MB lets a plan of 100,000
    members reach the disk once, at its commit, rather than spilled on the way."""
    connection.isolation_level = None
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "cache_size=-65536"):
        connection.execute(f"PRAGMA {pragma}")


def _sqlite_begin(conn: Connection) -> None:
    writes = conn.get_execution_options().get(_WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")
