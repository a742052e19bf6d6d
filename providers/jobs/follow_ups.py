"""Proposals on a job already journaled: resume the rest, send again only the failed, or
undo a removal. Resume and retry are worded with their cost at each account's pace, and
refused when today's budget leaves nothing to send (the job waits for tomorrow either way; a
count typed for nothing is a question without a point). An undo is a new plan of its own
(`plans.undo_plan`), proposed as any new job is."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from providers.errors import NothingToDo, Refused
from providers.jobs.plans import (
    TYPED_CONFIRMATION_ABOVE,
    confirmation_word,
    estimate_for,
    undo_plan,
)
from providers.jobs.proposal import Kind, Proposal
from providers.jobs.runs import parts_of
from providers.jobs.words import cost, pace, resume_words, retry_words, what
from providers.journal.erased import is_erased
from providers.journal.records import PENDING, SENDING, Item, Job
from providers.models import Estimate, Outcome
from providers.protocol import Adapter
from providers.text import many

if TYPE_CHECKING:
    from providers.jobs.desk import Desk


Priced = list[tuple[Job, Adapter, Estimate]]


async def propose_resume(desk: Desk, job_id: str) -> Proposal:
    """The rest of a stopped job: what is due or was cancelled, after reading what the lost
    answers did. Nothing already done is sent again; the failed stay failed (a retry sends
    them)."""
    desk.refuse_while_busy()
    parts, whole = parts_of(desk.journal, job_id)
    desk.refuse_busy_places([(part.provider, part.container) for part in parts], job_id)
    due = cancelled = unsure = 0
    for part in parts:
        due += part.counts.get(PENDING, 0)
        cancelled += part.counts.get(Outcome.CANCELLED.value, 0)
        unsure += part.counts.get(SENDING, 0) + part.counts.get(Outcome.UNKNOWN.value, 0)
    if not due + cancelled + unsure:
        raise NothingToDo(f"Job {job_id} has nothing left to resume.")
    priced = await _priced(desk, parts, _sendable)
    if not unsure:  # what is unsure is settled by reading, which no budget limits
        _refuse_when_spent(priced, f"of the {many(due + cancelled, 'member')} left", "Resume")
    note = parts[0].note if whole is None else ""
    lines = resume_words(job_id, what(parts, whole), note, due, cancelled, unsure)
    operation = parts[0].operation
    return Proposal(
        kind=Kind.RESUME,
        lines=(*lines, *_cost_lines(priced)),
        word=confirmation_word(operation, due + cancelled + unsure, parts[0].container.name)
        if whole is None
        else "",
        label="Resume",
        job_id=job_id,
    )


async def propose_retry(desk: Desk, job_id: str) -> Proposal:
    """Send again only the members that failed; nothing else leaves."""
    desk.refuse_while_busy()
    parts, whole = parts_of(desk.journal, job_id)
    desk.refuse_busy_places([(part.provider, part.container) for part in parts], job_id)
    failed_in = {part.id: _failed(desk, part.id) for part in parts}
    only = {part_id: tuple(i.member.id for i in f) for part_id, f in failed_in.items() if f}
    failed = [item for items in failed_in.values() for item in items]
    if not failed:
        raise NothingToDo(f"Nothing failed in job {job_id}: there is nothing to send again.")
    counts = {part_id: len(ids) for part_id, ids in only.items()}
    priced = await _priced(desk, [p for p in parts if p.id in only], lambda p: counts[p.id])
    _refuse_when_spent(priced, f"of the {many(len(failed), 'failed member')}", "Retry")
    left = sum(p.counts.get(PENDING, 0) + p.counts.get(Outcome.CANCELLED.value, 0) for p in parts)
    return Proposal(
        kind=Kind.RETRY,
        lines=(*retry_words(job_id, what(parts, whole), failed, left), *_cost_lines(priced)),
        word=str(len(failed)) if len(failed) > TYPED_CONFIRMATION_ABOVE else "",
        label="Send again",
        job_id=job_id,
        only=only,
    )


async def propose_undo(desk: Desk, job_id: str) -> Proposal:
    """Add back the members a removal took out, where the provider can."""
    journal = desk.journal
    if journal.is_everywhere(job_id):
        parts = [p.id for p in journal.everywhere(job_id).parts if p.counts.get("removed")]
        raise Refused(
            f"Job {job_id} took one person off several places; each place is undone on its "
            f"own: undo one of {', '.join(parts) or 'none removed'} (listed under it)."
        )
    proposal = await desk.propose(undo_plan(journal, job_id))
    return replace(proposal, kind=Kind.UNDO, job_id=job_id)


async def _priced(desk: Desk, parts: Sequence[Job], count: Callable[[Job], int]) -> Priced:
    """Each part with members to send, its adapter, and the estimate of sending `count(part)`
    of them at the account's pace, within today's budget."""
    priced: Priced = []
    for part in parts:
        if members := count(part):
            adapter = await desk.adapter(part.account)
            guess = estimate_for(adapter, desk.journal, part.container, members)
            priced.append((part, adapter, guess))
    return priced


def _cost_lines(priced: Priced) -> list[str]:
    lines: list[str] = []
    for part, adapter, guess in priced:
        lines.append(cost(guess, f"{part.account}'s" if len(priced) > 1 else "this account's"))
        if said := pace(adapter.capabilities_at(part.container)):
            lines.append(said)
    return lines


def _refuse_when_spent(priced: Priced, which: str, again: str) -> None:
    """Where every place's daily budget is spent, nothing could be sent before midnight."""
    if priced and all(guess.today == 0 for _, _, guess in priced):
        raise Refused(
            f"Today's budget of writes is spent: none {which} can be sent before midnight, "
            f"and nothing was sent. {again} tomorrow."
        )


def _failed(desk: Desk, job_id: str) -> list[Item]:
    """The failed members a retry may send: not those forgotten since."""
    failed = desk.journal.items(job_id, [Outcome.FAILED.value])
    return [item for item in failed if not is_erased(item.member)]


def _sendable(part: Job) -> int:
    counts = part.counts
    return sum(
        counts.get(state, 0)
        for state in (PENDING, SENDING, Outcome.UNKNOWN.value, Outcome.CANCELLED.value)
    )
