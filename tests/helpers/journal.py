"""Journals and jobs the tests make and change: a finished job of three people, a change
behind RosterDeck's back, the demo's Choir group through a desk."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from providers.jobs.desk import Desk
from providers.journal import Journal
from providers.journal.records import JobState
from providers.models import (
    Container,
    ContainerKind,
    Member,
    MemberOutcome,
    Operation,
    Outcome,
    Provider,
)
from providers.sandbox.apis import Sandbox

if TYPE_CHECKING:
    from sqlalchemy import Engine

GROUP = Container(id="group:1", name="Volunteers", kind=ContainerKind.GROUP)
PEOPLE = [Member(id=str(n), name=f"Person {n}") for n in range(1, 4)]


def planned(
    journal: Journal,
    members: Sequence[Member],
    *,
    account: str = "acme",
    provider: Provider = Provider.RASL,
    container: Container = GROUP,
    **options: Any,
) -> str:
    """A removal journaled as planned (nothing sent yet); `options` as `Journal.create`'s."""
    return journal.create(
        account=account,
        provider=provider,
        container=container,
        operation=Operation.REMOVE_FROM_CONTAINER,
        members=members,
        **options,
    )


def finished_job(journal: Journal) -> str:
    job_id = planned(journal, PEOPLE, reason="TICKET-42 unsubscribe")
    journal.mark_sending(job_id, [m.id for m in PEOPLE], 0)
    journal.record(
        job_id,
        [
            MemberOutcome(member_id="1", outcome=Outcome.REMOVED),
            MemberOutcome(member_id="2", outcome=Outcome.REMOVED),
            MemberOutcome(member_id="3", outcome=Outcome.FAILED, code="403", message="no"),
        ],
    )
    journal.set_state(job_id, JobState.FINISHED, "2 removed, 1 failed")
    return job_id


def tampered(where: Path | str, *statements: str) -> str:
    """A finished job journaled at `where`, then the journal changed behind its back; the
    job's id."""
    journal = Journal(where)
    job_id = finished_job(journal)
    journal.close()
    tamper(where, *statements)
    return job_id


def engine_for(where: Path | str) -> Engine:
    """The journal's database reached from outside RosterDeck, as anyone with the file or a
    login could; dispose of it when done."""
    from sqlalchemy import create_engine

    url = f"sqlite:///{where}" if isinstance(where, Path) else where
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://"))


def tamper(where: Path | str, *statements: str) -> None:
    """Change the journal behind RosterDeck's back, as anyone with the file or a login could."""
    from sqlalchemy import text

    engine = engine_for(where)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def another_process(journal_at: Path | str, job_id: str, pid: int, host: str, age: float) -> None:
    """The runner row a process `pid` on `host` writes, its heartbeat `age` seconds old."""
    tamper(
        journal_at,
        "INSERT INTO runners (job_id, pid, host, started_at, heartbeat) VALUES "
        f"('{job_id}', {pid}, '{host}', '2030-01-02T03:04:05.000+00:00', {time.time() - age})",
    )


async def choir(desk: Desk, count: int) -> tuple[Container, list[Member]]:
    adapter = await desk.adapter("sandbox-wasend")
    group = next(c for c in await adapter.containers() if c.name == "Choir")
    members = [m async for p in adapter.members(group) for m in p.members if not m.locked]
    return group, members[:count]


def removals(sandbox: Sandbox) -> list[str]:
    return [participant for _, participant in sandbox.wasend.removals]
