"""One person off everything: one plan over every place `find_everywhere` found, then one
journal job made of one part a place.

Each part is an ordinary job on one container, so it keeps what every job has: its plan
written before anything is sent, one runner, exactly-once sends and resume. The places of
one account run one after another at that account's pace; accounts run at the same time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from providers.accounts.store import Account, reason_required
from providers.errors import ProviderError
from providers.jobs.engine import Engine
from providers.jobs.events import Ended, Event, Settled
from providers.jobs.find import Found
from providers.jobs.plans import Plan, estimate, make_plan
from providers.journal import Journal
from providers.journal.records import EverywhereJob, Job, JobState, NewJob, Unsearched
from providers.journal.store import Also
from providers.models import Capabilities, Container, Estimate, Member, Operation, Outcome
from providers.protocol import Adapter, outcomes


@dataclass(frozen=True)
class EverywherePlan:
    addresses: tuple[str, ...]
    parts: tuple[Plan, ...]
    #: the places that could not be looked in, so the plan never claims "everywhere" blindly
    unsearched: tuple[Unsearched, ...] = ()
    reason: str = ""
    dry_run: bool = False
    #: the people it is for, each by their addresses, when more than one (a sweep's re-adds)
    people: tuple[tuple[str, ...], ...] = ()
    #: the WhatsApp community these places are the groups of ("" when it is not one's)
    community: str = ""

    @property
    def acting(self) -> tuple[Plan, ...]:
        """The places something will be sent to (the others only have protected members)."""
        return tuple(part for part in self.parts if part.members)

    @property
    def accounts(self) -> list[str]:
        return sorted({part.account for part in self.parts})

    @property
    def acting_accounts(self) -> list[str]:
        return sorted({part.account for part in self.acting})

    @property
    def headline(self) -> str:
        acting, accounts = len(self.acting), len(self.acting_accounts)
        if self.community:
            return (
                f"Remove {', '.join(self.addresses)} from the community {self.community}: "
                f"{acting} group{'s' * (acting != 1)}:"
            )
        return (
            f"Remove {', '.join(self.addresses)} from {acting} place{'s' * (acting != 1)} in "
            f"{accounts} account{'s' * (accounts != 1)}:"
        )

    @property
    def confirmation_word(self) -> str:
        """Always typed, as for a big job: the number of places acted on."""
        return str(len(self.acting)) if self.acting else ""


def plan_everywhere(
    found: Sequence[Found], addresses: Sequence[str], *, reason: str = ""
) -> EverywherePlan:
    """One part a place the person was found in; locked members and read-only places are
    planned as protected, with the reason, so the receipt can say what was not done."""
    grouped: dict[tuple[str, str], tuple[Account, Container, list[Member]]] = {}
    unsearched: list[Unsearched] = []
    for answer in found:
        name = answer.account.name
        if answer.error:
            unsearched.append(Unsearched(account=name, where="every place", why=answer.error))
        unsearched += [  # a place that could not tell is as good as one not searched
            Unsearched(account=name, where=c.parent or c.where, why=c.read_only_reason)
            for c in (*answer.unsearched, *answer.unsure)
        ]
        for place in answer.places:
            key = (name, place.container.id)
            grouped.setdefault(key, (answer.account, place.container, []))[2].append(place.member)
    parts = tuple(
        replace(
            make_plan(account.name, account.provider, container, members),
            reason=reason,
        )
        for account, container, members in grouped.values()
    )
    return EverywherePlan(tuple(addresses), parts, tuple(unsearched), reason)


def asking_why(plan: EverywherePlan, accounts: Sequence[Account]) -> list[str]:
    """The accounts of the plan that require a reason for every job."""
    involved = set(plan.accounts)
    return [a.name for a in accounts if a.name in involved and reason_required(a)]


def estimate_everywhere(
    adapters: Mapping[str, Adapter], journal: Journal, plan: EverywherePlan
) -> Estimate:
    """Calls add up; time is the slowest account's, since accounts run at the same time.
    When a daily budget holds a place back, today's count is what every place can send
    today: its budget's share there, all of its members elsewhere, in whatever order."""
    calls = 0
    seconds: dict[str, float] = {}
    can_today: list[int] = []
    held_back = False
    for part in plan.acting:
        guess = estimate(adapters[part.account], journal, part)
        calls += guess.calls
        seconds[part.account] = seconds.get(part.account, 0.0) + guess.seconds
        held_back = held_back or guess.today is not None
        can_today.append(len(part.members) if guess.today is None else guess.today)
    today = sum(can_today) if held_back else None
    accounts = len(seconds)
    return Estimate(
        calls=calls,
        seconds=max(seconds.values(), default=0.0),
        today=today,
        calls_are=f"over {accounts} account{'s' * (accounts != 1)} at once" if accounts else "",
    )


def slowest(adapter: Adapter, parts: Sequence[Plan], account: str) -> Capabilities:
    """The account's pace at the slowest of its places in a plan (a WhatsApp number told to
    slow down today), which is the one to say."""
    paces = [adapter.capabilities_at(p.container) for p in parts if p.account == account]
    return max(paces, key=lambda abilities: abilities.write_gaps[1])


def record_everywhere(journal: Journal, plan: EverywherePlan, also: Also | None = None) -> str:
    return journal.create_everywhere(
        addresses=plan.addresses,
        parts=[
            NewJob(
                part.account,
                part.provider,
                part.container,
                Operation.REMOVE_FROM_CONTAINER,
                part.members,
                part.skipped,
                plan.dry_run,
            )
            for part in plan.parts
        ],
        unsearched=plan.unsearched,
        reason=plan.reason,
        dry_run=plan.dry_run,
        also=also,
    )


class EverywhereRun:
    """Runs (or resumes) an everywhere job; `on_event(part_id, event)` hears every place's
    engine. Made anew for each run, so a stop asked before it starts still holds."""

    def __init__(
        self,
        journal: Journal,
        opened: Callable[[str], Awaitable[Adapter]],
        on_event: Callable[[str, Event], None] | None = None,
    ) -> None:
        self.journal = journal
        self.opened = opened
        self.on_event = on_event or (lambda part_id, event: None)
        self._engines: dict[str, Engine] = {}
        self._halt: JobState | None = None
        self._why = ""
        self._only: Mapping[str, Collection[str]] | None = None

    def cancel(self) -> None:
        """No new request leaves; places not started yet are cancelled, resumable later."""
        self._halt = self._halt or JobState.CANCELLED
        for engine in list(self._engines.values()):
            engine.cancel()

    def interrupt(self, why: str = "") -> None:
        """No new request leaves; everything not sent stays due for `resume`."""
        if self._halt is None:
            self._halt, self._why = JobState.INTERRUPTED, why
        for engine in list(self._engines.values()):
            engine.interrupt(why)

    async def run(
        self, everywhere_id: str, only: Mapping[str, Collection[str]] | None = None
    ) -> EverywhereJob:
        """Every place to run is claimed first, so a second process (another shell, the
        app) is refused before either sends anything (`JobBusy`). With `only` (retrying the
        failed), just those members of those places are sent."""
        job = self.journal.everywhere(everywhere_id)
        self._only = only
        by_account: dict[str, list[Job]] = {}
        for part in job.parts:
            wanted = part.id in only if only is not None else None
            if wanted or (
                wanted is None and (part.unsettled or part.counts.get(Outcome.CANCELLED.value))
            ):
                by_account.setdefault(part.account, []).append(part)
        claimed: list[str] = []
        try:
            for parts in by_account.values():
                for part in parts:
                    self.journal.claim(part.id)
                    claimed.append(part.id)
            for part in job.parts:
                if part.state is JobState.PLANNED and part.id not in claimed:
                    # only protected members here: nothing to send
                    self.journal.set_state(part.id, JobState.FINISHED, "Nothing to send here.")
                    self.on_event(part.id, Ended(self.journal.job(part.id)))
            accounts = by_account.items()
            await asyncio.gather(*(self._run_account(a, parts) for a, parts in accounts))
        finally:
            for part_id in claimed:
                self.journal.release(part_id)
        return self.journal.everywhere(everywhere_id)

    async def _run_account(self, account: str, parts: list[Job]) -> None:
        """One place after another; what stops one (a budget, a lost session, a refused
        token, failures in a row) holds the account's other places, due, for the resume."""
        try:
            adapter = await self.opened(account)
        except ProviderError as error:
            for part in parts:
                self._not_run(part, JobState.STOPPED, f"Stopped: {error.message}")
            return
        failed_in_row = 0
        limit = adapter.capabilities.pause_after_failures
        for number, part in enumerate(parts):
            if self._halt is not None:
                for left in parts[number:]:
                    why = self._why or "the job was stopped first"
                    self._not_run(left, self._halt, f"Not started: {why}.")
                return
            if limit and failed_in_row >= limit:  # counted across the account's places
                note = (
                    f"Paused after {failed_in_row} failure{'s' * (failed_in_row != 1)} in a row "
                    f"in {account}'s places. "
                    "Resume once the cause is fixed."
                )
                for left in parts[number:]:
                    self._not_run(left, JobState.PAUSED, note)
                return
            engine = Engine(
                adapter, self.journal, on_event=self._hear(part.id), failed_in_row=failed_in_row
            )
            self._engines[part.id] = engine
            try:
                ended = await engine.run(part.id, self._only[part.id] if self._only else None)
            except ProviderError as error:  # e.g. the read that settles a lost answer failed
                self._not_run(part, JobState.STOPPED, f"Stopped: {error.message}")
                ended = self.journal.job(part.id)
            finally:
                del self._engines[part.id]
            failed_in_row = engine.failed_in_row
            if ended.state in (JobState.PAUSED, JobState.STOPPED):
                for left in parts[number + 1 :]:
                    self._not_run(left, ended.state, f"Not started: {ended.note}")
                return

    def _hear(self, part_id: str) -> Callable[[Event], None]:
        return lambda event: self.on_event(part_id, event)

    def _not_run(self, part: Job, state: JobState, note: str) -> None:
        """A place that was not (or not fully) run: cancelled ones say so member by member;
        the others keep their members due, to be resumed."""
        if state is JobState.CANCELLED:
            ids = self.journal.cancel_pending(part.id, note)
            cancelled = outcomes([Member(id=i) for i in ids], Outcome.CANCELLED, message=note)
            self.on_event(part.id, Settled(tuple(cancelled)))
        self.journal.set_state(part.id, state, note)
        self.on_event(part.id, Ended(self.journal.job(part.id)))
