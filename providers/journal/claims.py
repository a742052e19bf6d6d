"""Members claimed before they are sent: two jobs on one place never send the same member
twice, even when both were planned before either ran, in one process or in many.

Marking a batch `sending` is its claim, written in the journal's write transaction (which
every writer takes in turn, on SQLite and PostgreSQL alike). Before it, each member is looked
for in the other jobs on the same place (the provider and the container's id, whoever named
the account what) with the same operation:

- another job is sending them, or lost its answer about them (`sending`, `unknown`), alive
  or not: settled here as already being removed by that job, and not sent;
- another job settled them out after this job was planned: already removed by that job;
- another job settled them out before this job was planned: they may have come back since
  (this plan read them as members), so they are claimed and read first (`read_first`).

A daily budget is checked in the same transaction: jobs marking batches together cannot
overspend it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from providers.journal.reading import sent_today
from providers.journal.records import ANOTHER_JOB, SENDING, place_of
from providers.models import MemberOutcome, Operation, Outcome

if TYPE_CHECKING:
    from sqlalchemy import Connection

IN_FLIGHT = (SENDING, Outcome.UNKNOWN.value)
OUT = (Outcome.REMOVED.value, Outcome.ALREADY_ABSENT.value, Outcome.GONE.value)


class OverBudget(Exception):
    """The batch would pass the day's budget; nothing was marked."""

    def __init__(self, used: int) -> None:
        super().__init__(f"{used} sent today")
        self.used = used


@dataclass(frozen=True)
class Budget:
    """How many members a day the provider's jobs may send on places whose id starts with
    `scope` (one WhatsApp number), whoever sends them."""

    scope: str
    limit: int


@dataclass
class Marking:
    """What marking a batch found: the members claimed to be sent (those in `read_first`
    only if a read finds them still there), and those another job has."""

    sending: list[str] = field(default_factory=list)
    #: member id -> the job that removed them before this one was planned, in words
    read_first: dict[str, str] = field(default_factory=dict)
    #: member id -> the address that job knew them by: a plan of ids alone has none, and
    #: without one the read would be of the whole container
    addresses: dict[str, str] = field(default_factory=dict)
    elsewhere: list[MemberOutcome] = field(default_factory=list)


def _said(row: Any) -> str:
    who = " on ".join(part for part in (row.operator, row.host) if part)
    return f"job {row.job_id}" + (f" ({who})" if who else "")


def elsewhere(member_id: str, message: str) -> MemberOutcome:
    return MemberOutcome(
        member_id=member_id,
        outcome=Outcome.ALREADY_ABSENT,
        code=ANOTHER_JOB,
        message=message,
    )


def mark(
    conn: Connection, job_id: str, member_ids: Sequence[str], budget: Budget | None
) -> Marking:
    """Sort the batch's members as the module says; raise `OverBudget` when those to send
    would pass the budget."""
    from sqlalchemy import select

    from providers.journal.tables import items, jobs

    job = conn.execute(select(jobs).where(jobs.c.id == job_id)).one()
    marking = Marking()
    others: dict[str, Any] = {}
    if not job.dry_run:
        place = place_of(job.provider, job.container)
        rows = conn.execute(
            select(
                items.c.member_id,
                items.c.member,
                items.c.state,
                items.c.updated_at,
                jobs.c.id.label("job_id"),
                jobs.c.container,
                jobs.c.operator,
                jobs.c.host,
            )
            .select_from(items.join(jobs, jobs.c.id == items.c.job_id))
            .where(
                items.c.member_id.in_(list(member_ids)),
                items.c.job_id != job_id,
                items.c.state.in_([*IN_FLIGHT, *OUT]),
                jobs.c.provider == job.provider,
                jobs.c.operation == job.operation,
                jobs.c.dry_run == 0,
            )
            .order_by(items.c.updated_at)
        ).all()
        for row in rows:  # the latest of each member's, in flight first
            if place_of(job.provider, row.container) != place:
                continue
            kept = others.get(row.member_id)
            if kept is None or kept.state not in IN_FLIGHT:
                others[row.member_id] = row
    for member_id in member_ids:
        other = others.get(member_id)
        if other is None:
            marking.sending.append(member_id)
        elif other.state in IN_FLIGHT:
            marking.elsewhere.append(
                elsewhere(member_id, f"Already being removed by {_said(other)}; not sent.")
            )
        elif other.updated_at >= job.created_at:
            marking.elsewhere.append(
                elsewhere(member_id, f"Already removed by {_said(other)}; not sent.")
            )
        elif job.operation == Operation.REMOVE_FROM_CONTAINER.value:
            marking.sending.append(member_id)
            marking.read_first[member_id] = _said(other)
            marking.addresses[member_id] = json.loads(other.member).get("address", "")
        else:
            marking.sending.append(member_id)
    if budget is not None and marking.sending:
        used = sent_today(conn, job.provider, budget.scope)
        if used + len(marking.sending) > budget.limit:
            raise OverBudget(used)
    return marking


def removals(
    conn: Connection, provider: str, places: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """For each (container id, member id), the latest job that removed that member there, or
    is removing them now, in words: what it did, which job, by whom, on which host, when. A
    member who left the list a moment ago may be one whose removal has landed and is not yet
    journaled: "being removed by" says so, where silence would read as a stranger's doing."""
    from sqlalchemy import select

    from providers.journal.tables import items, jobs

    wanted = set(places)
    rows = conn.execute(
        select(
            items.c.member_id,
            items.c.state,
            items.c.updated_at,
            jobs.c.id.label("job_id"),
            jobs.c.container,
            jobs.c.operator,
            jobs.c.host,
        )
        .select_from(items.join(jobs, jobs.c.id == items.c.job_id))
        .where(
            items.c.member_id.in_(sorted({member for _, member in wanted})),
            items.c.state.in_([Outcome.REMOVED.value, *IN_FLIGHT]),
            jobs.c.provider == provider,
            jobs.c.dry_run == 0,
        )
        .order_by(items.c.updated_at)
    ).all()
    found = {}
    for row in rows:
        key = (json.loads(row.container)["id"], row.member_id)
        if key in wanted:
            when = f"{row.updated_at[:16].replace('T', ' ')} UTC"
            found[key] = f"{_DOING[row.state]} {_said(row)}, {when}"
    return found


_DOING = {
    Outcome.REMOVED.value: "already removed by",
    SENDING: "being removed by",
    Outcome.UNKNOWN.value: "perhaps removed (its answer was lost) by",
}
