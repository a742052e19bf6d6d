"""`rosterdeck journal status`: which journal is in use, how big it is, whether its chain
holds, who has written it from where, and what runs on it now."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from providers.journal.runners import Runner, living

if TYPE_CHECKING:
    from providers.journal.database import Database


@dataclass(frozen=True)
class Seen:
    """One person on one host, as the journal's jobs name them."""

    operator: str
    host: str
    jobs: int
    last: str


@dataclass(frozen=True)
class Facts:
    where: str
    kind: str
    size: int
    jobs: int
    people: list[Seen]
    running: list[Runner]


def facts(db: Database) -> Facts:
    from sqlalchemy import func, select, text

    from providers.journal.tables import jobs

    with db.read() as conn:
        if isinstance(db.target, Path):
            files = [db.target, Path(f"{db.target}-wal")]
            size = sum(f.stat().st_size for f in files if f.exists())
        else:
            size = int(
                conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
            )
        seen = conn.execute(
            select(jobs.c.operator, jobs.c.host, func.count(), func.max(jobs.c.created_at))
            .group_by(jobs.c.operator, jobs.c.host)
            .order_by(func.max(jobs.c.created_at).desc())
        ).all()
        running = living(conn)
    return Facts(
        where=db.where,
        kind="SQLite file" if db.is_file else "PostgreSQL",
        size=size,
        jobs=sum(int(row[2]) for row in seen),
        people=[Seen(o, h, int(n), last) for o, h, n, last in seen],
        running=running,
    )
