"""The days a WhatsApp number was told to slow down (WaSend's 429, WhatsApp's
rate-overlimit): the journal's side of `providers.protocol.Slowdowns`.

One row a number and day, with why: every process on the journal (the app, the shell, a
teammate's) then keeps that number's gaps doubled until the day ends, and the next start
does too. Nothing here is personal data, and it is not on the hash chain: it changes only
how fast removals go, never what a job did.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from providers.journal.database import Database


class Slowdowns:
    """One account's slowdowns: noted under its name, read whoever noted them (a number is
    one number, whichever account uses it)."""

    def __init__(self, db: Database, account: str) -> None:
        self._db = db
        self.account = account

    def said(self, scope: str, day: str) -> str:
        from sqlalchemy import select

        from providers.journal.tables import slowdowns

        query = select(slowdowns.c.why).where(slowdowns.c.scope == scope, slowdowns.c.day == day)
        with self._db.read() as conn:
            return str(conn.execute(query).scalar() or "")

    def note(self, scope: str, day: str, why: str) -> None:
        """The first reason of the day stands."""
        from sqlalchemy import insert, select

        from providers.journal.tables import slowdowns

        where = (slowdowns.c.scope == scope, slowdowns.c.day == day)
        with self._db.write() as conn:
            if conn.execute(select(slowdowns.c.why).where(*where)).first() is None:
                conn.execute(
                    insert(slowdowns).values(scope=scope, day=day, account=self.account, why=why)
                )

    def on(self, day: str) -> list[tuple[str, str]]:
        """The account's numbers slowed that day, and why."""
        from sqlalchemy import select

        from providers.journal.tables import slowdowns

        query = (
            select(slowdowns.c.scope, slowdowns.c.why)
            .where(slowdowns.c.account == self.account, slowdowns.c.day == day)
            .order_by(slowdowns.c.scope)
        )
        with self._db.read() as conn:
            return [(str(scope), str(why)) for scope, why in conn.execute(query)]
