"""A job's plan, written in one transaction: its row, its members, a key a person, and one
event for them all. The event names its members only by their keyed digests, in order, and
says which of them did not start `pending` (those protected, with why): the plan is each
member's first step, without a row of its own, so that writing 100,000 stays quick.

A dry run keeps no member: its row (finished at once: nothing is ever sent for it) and an
event with its counts and the plan's digest, which a list of the same people in the same
order reproduces. A dry run of a million is a few hundred bytes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from json.encoder import encode_basestring_ascii as _quoted
from typing import Any, Protocol

from providers import version
from providers.journal.chain import Writing
from providers.journal.database import insert_many
from providers.journal.hashing import KEY_BYTES, mac, member_text, members_digest, new_keys
from providers.journal.records import CONTAINER_JSON, PENDING, JobState, NewJob
from providers.models import Member, Outcome


def details(member: Member) -> str:
    """`json.dumps(member.as_dict())`, five times faster: a plan may have 100,000."""
    return (
        f'{{"id": {_quoted(member.id)}, "name": {_quoted(member.name)}, '
        f'"address": {_quoted(member.address)}, "role": {_quoted(member.role.value)}, '
        f'"locked_reason": {_quoted(member.locked_reason)}}}'
    )


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
    dry = _dry_run(job) if job.dry_run else None
    row = {
        "id": job_id,
        "created_at": writing.at,
        "user": stamps.user(),
        "account": job.account,
        "provider": job.provider.value,
        "container": CONTAINER_JSON.dump_json(job.container).decode(),
        "operation": job.operation.value,
        "dry_run": int(job.dry_run),
        "undo_of": undo_of,
        "state": (JobState.FINISHED if dry else JobState.PLANNED).value,
        "note": dry["note"] if dry else "",
        "reason": reason,
        "operator": stamps.operator(),
        "host": stamps.host(),
        "version": version(),
        "part_of": part_of,
    }
    writing.conn.execute(jobs.insert(), row)
    if dry is not None:
        said_dry = {"job": row, "items": 0, "members": members_digest([]), "planned": {}}
        writing.event(job_id, "planned", {**said_dry, "dry": dry})
        return job_id, {}
    planned = [(m, PENDING, "") for m in job.members]
    planned += [(m, Outcome.PROTECTED.value, why) for m, why in job.protected]
    keys = new_keys(len(planned))
    secrets = bytes.fromhex("".join(keys))
    members, kept, seqs = [], [], {}
    at = writing.at
    for seq, ((member, state, message), key) in enumerate(zip(planned, keys, strict=True)):
        written = details(member)
        secret = secrets[seq * KEY_BYTES : (seq + 1) * KEY_BYTES]
        digest = mac(secret, member_text(member.id, written))
        seqs[member.id] = seq
        members.append((job_id, seq, member.id, written, state, None, "", message, at, digest))
        kept.append((job_id, seq, key))
    insert_many(writing.conn, items, members)
    insert_many(writing.conn, people, kept)
    exceptions = {str(m[1]): [m[4], m[7]] for m in members if m[4] != PENDING}
    said = {
        "job": row,
        "items": len(members),
        "members": members_digest(m[9] for m in members),
        "planned": exceptions,
    }
    writing.event(job_id, "planned", said)
    return job_id, seqs


def _dry_run(job: NewJob) -> dict[str, Any]:
    """What a dry run keeps: how many each way, and the digest of its plan in order."""
    counts = {Outcome.WOULD_REMOVE.value: len(job.members)}
    if job.protected:
        counts[Outcome.PROTECTED.value] = len(job.protected)
    lines = [details(m) for m in job.members] + [f"{details(m)} {why}" for m, why in job.protected]
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return {
        "counts": counts,
        "plan": digest,
        "note": f"Dry run: nothing was sent; only its counts are kept (plan {digest[:12]}).",
    }
