"""Write turns on one WhatsApp number, shared by every process that writes the journal: the
journal's side of `providers.http.pacing.Turns`.

One row a number (`paces`) says when its next write may leave, by the database's clock. A
writer takes the turn in a write transaction (SQLite's `BEGIN IMMEDIATE`, PostgreSQL's row
lock) only once that moment has passed; while its write is under way the row says "not before
it ends" (at the latest `longest` seconds on, should the writer die), and when it has ended,
"not before this write's gap from now". So the gap between any two writes on a number, from
one process or several, is never under the floor, even measured at the provider. A writer
waiting on a write under way looks again every `UNDER_WAY_LOOK` seconds: that write usually
ends in a fraction of a second, and its gap is then all there is to wait.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from providers.errors import JournalUnavailable, Paused
from providers.journal.database import clock

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from providers.journal.database import Database

#: how soon a writer waiting on another's write under way asks again
UNDER_WAY_LOOK = 0.25


class Paces:
    """The turns of one account's numbers; `prefix` names the provider, so that everyone's
    rows for one number are one row whatever they named the account."""

    def __init__(self, db: Database, prefix: str) -> None:
        self._db = db
        self._prefix = prefix
        #: the token of each turn this process holds, by scope
        self._held: dict[str, str] = {}

    def take(self, scope: str, longest: float) -> float:
        """0 when the turn is this writer's now; otherwise how long to wait first. A journal
        out of reach pauses the job: no write leaves until it is back."""
        try:
            return self._take(scope, longest)
        except JournalUnavailable as error:
            raise Paused(f"{error.message} No write leaves until it is back: paused.") from None

    def _take(self, scope: str, longest: float) -> float:
        from sqlalchemy import select, update

        from providers.journal.tables import paces

        key, token = self._prefix + scope, uuid.uuid4().hex
        with self._db.write() as conn:
            _row_for(conn, key)
            not_before, holder = conn.execute(
                select(paces.c.not_before, paces.c.holder)
                .where(paces.c.scope == key)
                .with_for_update()
            ).one()
            now = clock(conn)
            if now < not_before:
                left = float(not_before - now)
                return min(left, UNDER_WAY_LOOK) if holder else left
            conn.execute(
                update(paces)
                .where(paces.c.scope == key)
                .values(not_before=now + longest, holder=token)
            )
        self._held[scope] = token
        return 0.0

    def done(self, scope: str, gap: float) -> None:
        """The write ended: the next may leave `gap` seconds from now. If the journal cannot
        be reached, the turn ends by itself at its longest."""
        from sqlalchemy import update

        from providers.journal.tables import paces

        token = self._held.pop(scope, None)
        if token is None:
            return  # no turn of this writer's to end
        try:
            with self._db.write() as conn:
                conn.execute(
                    update(paces)
                    .where(paces.c.scope == self._prefix + scope, paces.c.holder == token)
                    .values(not_before=clock(conn) + gap, holder="")
                )
        except JournalUnavailable:
            return


def _row_for(conn: Connection, key: str) -> None:
    """The number's row, made by its first write (two first writers make one)."""
    from sqlalchemy.dialects import postgresql, sqlite

    from providers.journal.tables import paces

    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    conn.execute(insert(paces).values(scope=key, not_before=0.0).on_conflict_do_nothing())
