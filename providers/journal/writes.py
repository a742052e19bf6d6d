"""A job's plan, written in one transaction: its row, its members, a key a person, each
member's first step, and one event for them all."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Protocol

from providers import version
from providers.journal.chain import NewStep, Writing
from providers.journal.hashing import mac, new_keys
from providers.journal.records import PENDING, JobState, NewJob
from providers.models import Outcome


class Stamps(Protocol):
    """When, which id, and by whom: the journal's attributes, which tests may set."""

    now: Callable[[], str]
    new_id: Callable[[], str]
    user: Callable[[], str]
    operator: Callable[[], str]
    host: Callable[[], str]


def write_plan(
    writing: Writing,
    stamps: Stamps,
    job: NewJob,
    reason: str,
    *,
    undo_of: str | None = None,
    part_of: str = "",
) -> tuple[str, dict[str, int]]:
    """Returns the job's id and its members' numbers by id."""
    from providers.journal.tables import items, jobs, people

    job_id = stamps.new_id()
    row = {
        "id": job_id,
        "created_at": writing.at,
        "user": stamps.user(),
        "account": job.account,
        "provider": job.provider.value,
        "container": job.container.model_dump_json(),
        "operation": job.operation.value,
        "dry_run": int(job.dry_run),
        "undo_of": undo_of,
        "state": JobState.PLANNED.value,
        "note": "",
        "reason": reason,
        "operator": stamps.operator(),
        "host": stamps.host(),
        "version": version(),
        "part_of": part_of,
    }
    writing.conn.execute(jobs.insert(), row)
    planned = [(m, PENDING, "") for m in job.members]
    planned += [(m, Outcome.PROTECTED.value, why) for m, why in job.protected]
    keys = new_keys(len(planned))
    members, kept, first, seqs = [], [], [], {}
    for seq, ((member, state, message), key) in enumerate(zip(planned, keys, strict=True)):
        details = json.dumps(member.as_dict())
        digest = mac(key, member.id, details)
        seqs[member.id] = seq
        members.append(
            {
                "job_id": job_id,
                "seq": seq,
                "member_id": member.id,
                "member": details,
                "state": state,
                "message": message,
                "updated_at": writing.at,
                "mac": digest,
            }
        )
        kept.append({"job_id": job_id, "seq": seq, "key": key})
        first.append(NewStep(seq, state, "", message, None, digest))
    if members:
        writing.conn.execute(items.insert(), members)
        writing.conn.execute(people.insert(), kept)
    said = writing.steps(job_id, first)
    writing.event(job_id, "planned", {"job": row, "items": len(planned), **said})
    return job_id, seqs
