"""What the journal says now: jobs with their counts, members, stories, today's sends."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from providers.errors import ConfigurationError
from providers.journal.records import (
    ANOTHER_JOB,
    CONTAINER_JSON,
    PENDING,
    Happening,
    Item,
    Job,
    JobState,
    Step,
)
from providers.models import Member, Operation, Outcome, Provider

if TYPE_CHECKING:
    from sqlalchemy import Connection, Row

    from providers.journal.database import Database

RESUMABLE = (JobState.RUNNING, JobState.INTERRUPTED, JobState.PAUSED, JobState.PLANNED)


def no_job(job_id: str) -> ConfigurationError:
    return ConfigurationError(f"No job {job_id!r} in the journal (the `jobs` command lists them).")


class Reader:
    def __init__(self, db: Database, runner_alive: Callable[[Connection, str], bool]) -> None:
        self._db = db
        self._runner_alive = runner_alive

    def job(self, job_id: str) -> Job:
        from sqlalchemy import select

        from providers.journal.tables import jobs

        with self._db.read() as conn:
            row = conn.execute(select(jobs).where(jobs.c.id == job_id)).first()
            if row is None:
                raise no_job(job_id)
            return self._job(conn, row)

    def jobs(self, limit: int = 200, part_of: str | None = None) -> list[Job]:
        """The newest first; or, with `part_of`, an everywhere job's places in plan order."""
        from sqlalchemy import and_, select

        from providers.journal.tables import chain, jobs

        query = select(jobs)
        if part_of is None:
            query = query.order_by(jobs.c.created_at.desc()).limit(limit)
        else:
            planned = and_(chain.c.job_id == jobs.c.id, chain.c.kind.in_(("planned", "adopted")))
            query = (
                query.outerjoin(chain, planned)
                .where(jobs.c.part_of == part_of)
                .order_by(chain.c.seq, jobs.c.id)
            )
        with self._db.read() as conn:
            return [self._job(conn, row) for row in conn.execute(query).all()]

    def undos_of(self, job_id: str) -> list[Job]:
        """The jobs that undid this one, oldest first."""
        from sqlalchemy import select

        from providers.journal.tables import jobs

        query = select(jobs).where(jobs.c.undo_of == job_id).order_by(jobs.c.created_at)
        with self._db.read() as conn:
            return [self._job(conn, row) for row in conn.execute(query).all()]

    def _job(self, conn: Connection, row: Row[Any]) -> Job:
        from sqlalchemy import func, select

        from providers.journal.tables import items

        counted = conn.execute(
            select(items.c.state, func.count())
            .where(items.c.job_id == row.id)
            .group_by(items.c.state)
        ).all()
        counts = {str(s): int(n) for s, n in counted}
        if row.dry_run and not counts:  # a dry run keeps its counts, not its members
            counts = self._dry_counts(conn, row.id)
        state = JobState(row.state)
        if state is JobState.RUNNING and not self._runner_alive(conn, row.id):
            state = JobState.INTERRUPTED  # journaled as running, but its runner is gone
        return Job(
            id=row.id,
            created_at=row.created_at,
            user=row.user,
            account=row.account,
            provider=Provider(row.provider),
            container=CONTAINER_JSON.validate_json(row.container),
            operation=Operation(row.operation),
            dry_run=bool(row.dry_run),
            undo_of=row.undo_of or None,
            state=state,
            note=row.note,
            counts=counts,
            reason=row.reason,
            operator=row.operator,
            host=row.host,
            version=row.version,
            part_of=row.part_of,
        )

    def _dry_counts(self, conn: Connection, job_id: str) -> dict[str, int]:
        from sqlalchemy import select

        from providers.journal.tables import chain

        body = conn.execute(
            select(chain.c.body).where(chain.c.job_id == job_id, chain.c.kind == "planned")
        ).scalar()
        counts: dict[str, int] = json.loads(body or "{}").get("dry", {}).get("counts", {})
        return counts

    def unfinished(self) -> list[Job]:
        return [job for job in self.jobs() if job.unsettled and job.state in RESUMABLE]

    def items(self, job_id: str, states: Iterable[str] | None = None) -> list[Item]:
        from sqlalchemy import select

        from providers.journal.tables import items

        query = select(items.c.member, items.c.state, items.c.code, items.c.message).where(
            items.c.job_id == job_id
        )
        if states is not None:
            query = query.where(items.c.state.in_(list(states)))
        with self._db.read() as conn:
            rows = conn.execute(query.order_by(items.c.seq)).all()
        return [
            Item(Member.from_dict(json.loads(member)), state, code, message)
            for member, state, code, message in rows
        ]

    def happenings(self, job_id: str) -> list[Happening]:
        """The job's life as its chain tells it, oldest first."""
        from sqlalchemy import select

        from providers.journal.tables import chain

        query = select(chain.c.at, chain.c.kind, chain.c.body).where(
            chain.c.job_id == job_id, chain.c.kind.in_(("state", "reset"))
        )
        with self._db.read() as conn:
            rows = conn.execute(query.order_by(chain.c.seq)).all()
        happened = []
        for at, kind, body in rows:
            said = json.loads(body)
            if kind == "state":
                happened.append(Happening(at, said["state"], said.get("note", "")))
            elif said.get("steps"):  # the first and last step it wrote, one a member
                count = said["steps"][1] - said["steps"][0] + 1
                happened.append(Happening(at, "due again", f"{count:,} member{'s' * (count != 1)}"))
        return happened

    def story(self, job_id: str, member_id: str) -> list[Step]:
        """The plan (each member's first step, kept in its event), then the member's steps."""
        from sqlalchemy import select

        from providers.journal.items import plan_step
        from providers.journal.tables import chain, items, steps

        with self._db.read() as conn:
            item = conn.execute(
                select(items.c.seq).where(items.c.job_id == job_id, items.c.member_id == member_id)
            ).scalar()
            plan = conn.execute(
                select(chain.c.body).where(
                    chain.c.job_id == job_id, chain.c.kind.in_(("planned", "adopted"))
                )
            ).scalar()
            if item is None or plan is None:
                return []
            rows = conn.execute(
                select(steps.c.at, steps.c.state, steps.c.code, steps.c.message)
                .where(steps.c.job_id == job_id, steps.c.item == item)
                .order_by(steps.c.seq)
            ).all()
        told = json.loads(plan)
        first = plan_step(told["job"]["created_at"], told["planned"].get(str(item)))
        return [first, *(Step(*row) for row in rows)]

    def numbers_in(self, job_id: str, states: Iterable[str] | None = None) -> dict[str, int]:
        """Each member's number in the job by id, in plan order; or only those in `states`."""
        from sqlalchemy import select

        from providers.journal.tables import items

        query = select(items.c.member_id, items.c.seq).where(items.c.job_id == job_id)
        if states is not None:
            query = query.where(items.c.state.in_(list(states)))
        with self._db.read() as conn:
            rows = conn.execute(query.order_by(items.c.seq)).all()
        return {member: int(seq) for member, seq in rows}

    def sent_today(self, provider: str, scope: str) -> int:
        with self._db.read() as conn:
            return sent_today(conn, provider, scope)


def sent_today(conn: Connection, provider: str, scope: str) -> int:
    """Members sent since local midnight in real jobs of the provider, on places whose id
    starts with `scope` (one WhatsApp number), by anyone. A refused or failed send counts
    too: the provider saw it. A member another job had is not counted twice."""
    from sqlalchemy import func, select

    from providers.journal.tables import items, jobs

    midnight = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    since = midnight.astimezone(UTC).isoformat(timespec="milliseconds")
    not_sent = (PENDING, Outcome.CANCELLED.value, Outcome.PROTECTED.value)
    query = (
        select(jobs.c.container, func.count())
        .select_from(items.join(jobs, jobs.c.id == items.c.job_id))
        .where(
            jobs.c.provider == provider,
            jobs.c.dry_run == 0,
            items.c.updated_at >= since,
            items.c.state.not_in(not_sent),
            items.c.code != ANOTHER_JOB,
        )
        .group_by(jobs.c.id, jobs.c.container)
    )
    return sum(
        int(count)
        for container, count in conn.execute(query).all()
        if str(json.loads(container).get("id", "")).startswith(scope)
    )
