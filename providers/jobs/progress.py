"""A job's running totals, pace and ETA, fed by the engine's events."""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from providers.jobs.events import Event, Requeued, Sending, Settled
from providers.jobs.plans import Plan
from providers.journal import Journal
from providers.journal.records import PENDING, SENDING, Job
from providers.models import Outcome


@dataclass
class Progress:
    """A job's running totals, pace and ETA, fed by the engine's events (no UI in here).

    `clock` is a field so that a picture of a run can show the same pace every time."""

    total: int
    states: dict[str, str] = field(default_factory=dict)
    #: each settled member's words, ours and the provider's (code first, when there is one)
    notes: dict[str, str] = field(default_factory=dict)
    #: the provider's own words about each settled member, where it gave some
    said: dict[str, str] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    recent: deque[tuple[float, int]] = field(default_factory=lambda: deque(maxlen=50))
    ended: Job | None = None
    clock: Callable[[], float] = time.monotonic
    #: the member whose outcome most recently came back failed or unknown
    last_failed: str | None = None
    #: a stop was asked (cancel, interrupt): nothing new leaves, so no pace nor ETA is shown
    stopping: bool = False
    #: the state of a member `states` does not list (a plan's: pending until it moves)
    unmoved: str | None = None
    #: how many events it has heard: a screen redraws the members only when this moves
    version: int = 0
    #: the call each member in flight went out in, to count the calls still out
    _call_of: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(
        cls, journal: Journal, job_id: str, clock: Callable[[], float] = time.monotonic
    ) -> Progress:
        progress = cls(total=0, clock=clock)
        for item in journal.items(job_id):
            progress.states[item.member.id] = item.state
        if progress.states:
            progress.counts = Counter(progress.states.values())
        elif (job := journal.job(job_id)).dry_run:  # its counts are all it keeps
            progress.counts = Counter(job.counts)
        progress.total = progress.counts.total()
        return progress

    @classmethod
    def of_plan(cls, plan: Plan, clock: Callable[[], float] = time.monotonic) -> Progress:
        """Where a plan's members stand as its job starts, known without reading them back
        or listing 100,000 of them: the skipped are protected, the rest pending (or, in a
        dry run, which never sends, where they end: would be removed)."""
        states = {member.id: Outcome.PROTECTED.value for member, _ in plan.skipped}
        rest = Outcome.WOULD_REMOVE.value if plan.dry_run else PENDING
        counts = Counter({rest: len(plan.members), Outcome.PROTECTED.value: len(states)})
        total = len(plan.members) + len(states)
        return cls(total=total, states=states, counts=counts, clock=clock, unmoved=rest)

    def apply(self, event: Event) -> None:
        self.version += 1
        if isinstance(event, Sending):
            self._set((member_id, SENDING) for member_id in event.member_ids)
            self._call_of.update(dict.fromkeys(event.member_ids, event.batch))
        elif isinstance(event, Requeued):
            self._set((member_id, PENDING) for member_id in event.member_ids)
            for member_id in event.member_ids:
                self._call_of.pop(member_id, None)
        elif isinstance(event, Settled):
            self._set((o.member_id, o.outcome.value) for o in event.outcomes)
            for o in event.outcomes:
                self._call_of.pop(o.member_id, None)
            for o in event.outcomes:
                self.notes[o.member_id] = f"{o.code}: {o.message}" if o.code else o.message
                self.said[o.member_id] = o.said
                if o.outcome in (Outcome.FAILED, Outcome.UNKNOWN):
                    self.last_failed = o.member_id
            self.recent.append((self.clock(), self.done))
        else:
            self.ended = event.job
            self._call_of.clear()

    def _set(self, changes: Iterable[tuple[str, str]]) -> None:
        for member_id, state in changes:
            before = self.states.get(member_id, self.unmoved)
            if before is not None:
                self.counts[before] -= 1
            self.states[member_id] = state
            self.counts[state] += 1

    @property
    def done(self) -> int:
        """Members settled for good; cancelled ones are not done (a resume sends them)."""
        due = self.counts[PENDING] + self.counts[SENDING] + self.counts[Outcome.CANCELLED.value]
        return self.total - due

    @property
    def calls_in_flight(self) -> int:
        """Calls sent whose answer has not come back yet."""
        return len(set(self._call_of.values()))

    @property
    def pace(self) -> float:
        """Members settled per second, over the recent batches (none once stopping)."""
        if self.stopping or len(self.recent) < 2:
            return 0.0
        (t0, d0), (t1, d1) = self.recent[0], self.recent[-1]
        return (d1 - d0) / (t1 - t0) if t1 > t0 else 0.0

    @property
    def eta(self) -> float | None:
        pace = self.pace
        left = self.total - self.done
        return left / pace if pace > 0 else None
