"""What a job is to do before anything is sent: the members it names and those it skips,
with why; what it will cost; and the plans that undo a job or send its failed again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import overload

from providers import errors
from providers.journal import Journal
from providers.journal.erased import is_erased
from providers.journal.records import PENDING, Item
from providers.journal.store import Also
from providers.models import Container, Estimate, Member, Operation, Outcome, Provider
from providers.protocol import Adapter

TYPED_CONFIRMATION_ABOVE = 20
VERBS = {
    Operation.REMOVE_FROM_CONTAINER: "remove from",
    Operation.DELETE_CONTACTS: "delete the contacts of",
    Operation.DELETE_SOURCE: "delete",
    Operation.ADD_BACK: "add back to",
}


@dataclass(frozen=True)
class Plan:
    account: str
    provider: Provider
    container: Container
    operation: Operation
    members: tuple[Member, ...]
    skipped: tuple[tuple[Member, str], ...] = ()
    dry_run: bool = False
    #: why: a ticket or a reason, kept with the job
    reason: str = ""

    @property
    def irreversible(self) -> bool:
        return self.operation in (Operation.DELETE_CONTACTS, Operation.DELETE_SOURCE)

    @property
    def confirmation_word(self) -> str:
        return confirmation_word(self.operation, len(self.members), self.container.name)


def confirmation_word(operation: Operation, count: int, container_name: str) -> str:
    """What the person must type before a large or irreversible run: '' when nothing (a yes
    is enough). A source's name, or the count of members."""
    if operation is Operation.DELETE_SOURCE:
        return container_name
    if operation is Operation.DELETE_CONTACTS or count > TYPED_CONFIRMATION_ABOVE:
        return str(count)
    return ""


def make_plan(
    account: str,
    provider: Provider,
    container: Container,
    chosen: Sequence[Member],
    operation: Operation = Operation.REMOVE_FROM_CONTAINER,
    *,
    dry_run: bool = False,
) -> Plan:
    """Split the chosen members into what will be sent and what is skipped, and why."""
    skipped = tuple(
        (m, (container.read_only and container.read_only_said) or m.locked_reason)
        for m in chosen
        if m.locked or container.read_only
    )
    skipped_ids = {m.id for m, _ in skipped}
    members = tuple(m for m in chosen if m.id not in skipped_ids)
    return Plan(account, provider, container, operation, members, skipped, dry_run)


def estimate(adapter: Adapter, journal: Journal, plan: Plan) -> Estimate:
    """What the plan will cost (see `estimate_for`). It is proposed before anyone chooses a
    dry run, so it is the cost of sending it."""
    return estimate_for(adapter, journal, plan.container, len(plan.members), plan.operation)


def estimate_for(
    adapter: Adapter,
    journal: Journal,
    container: Container,
    count: int,
    operation: Operation = Operation.REMOVE_FROM_CONTAINER,
) -> Estimate:
    """The adapter's estimate of sending `count` members, and when a daily budget covers the
    container, how many of them can still be sent today."""
    guess = adapter.estimate(container, count, operation)
    budget = adapter.capabilities.daily_budget
    scope = adapter.budget_scope(container)
    if not budget or not scope:
        return guess
    left = max(0, budget - journal.sent_today(adapter.provider, scope))
    return replace(guess, today=left) if left < count else guess


class PlannedItems(Sequence[Item]):
    """A plan's members as its job's items, in the journal's order (those sent pending, or
    in a dry run would be removed, then those skipped, protected, with why), each made as it
    is read: a screen shows twenty of 100,000 and must not wait for the rest."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._unsent = Outcome.WOULD_REMOVE.value if plan.dry_run else PENDING

    def __len__(self) -> int:
        return len(self.plan.members) + len(self.plan.skipped)

    @overload
    def __getitem__(self, index: int) -> Item: ...

    @overload
    def __getitem__(self, index: slice) -> list[Item]: ...

    def __getitem__(self, index: int | slice) -> Item | list[Item]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        sent = len(self.plan.members)
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        index %= len(self)
        if index < sent:
            return Item(self.plan.members[index], self._unsent)
        member, why = self.plan.skipped[index - sent]
        return Item(member, Outcome.PROTECTED.value, message=why)


def record_plan(
    journal: Journal, plan: Plan, undo_of: str | None = None, also: Also | None = None
) -> str:
    return journal.create(
        account=plan.account,
        provider=plan.provider,
        container=plan.container,
        operation=plan.operation,
        members=plan.members,
        protected=plan.skipped,
        dry_run=plan.dry_run,
        undo_of=undo_of,
        reason=plan.reason,
        also=also,
    )


#: what an undo found or made of a member: in the container again
BACK = (Outcome.RESTORED.value, Outcome.ALREADY_PRESENT.value, Outcome.BACK.value)


def undo_plan(journal: Journal, job_id: str) -> Plan:
    """Add back the members a job removed, where the provider can: not those an earlier
    undo of it put back."""
    job = journal.job(job_id)
    if job.operation is not Operation.REMOVE_FROM_CONTAINER or job.dry_run:
        raise errors.Refused(
            "Only a real removal from a group or list can be undone; deleted contacts are gone."
        )
    removed = [
        i.member for i in journal.items(job_id, [Outcome.REMOVED.value]) if not is_erased(i.member)
    ]
    if not removed:
        raise errors.Refused(f"Job {job_id} removed nobody: there is nothing to undo.")
    undos = [u for u in journal.undos_of(job_id) if not u.dry_run]
    back = {i.member.id for u in undos for i in journal.items(u.id, list(BACK))}
    removed = [m for m in removed if m.id not in back]
    if not removed:
        raise errors.Refused(
            f"Job {job_id} was undone already ({', '.join(u.id for u in undos)}): everyone it "
            "removed is back."
        )
    why = f"undo of job {job_id}" + (f" ({job.reason})" if job.reason else "")
    return Plan(
        job.account, job.provider, job.container, Operation.ADD_BACK, tuple(removed), reason=why
    )
