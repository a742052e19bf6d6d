"""From marked members to a finished, provable removal: plan, then run through the journal.

The engine sends batches as large as the adapter allows, a few at a time; the adapter's HTTP
layer keeps the provider's pace. Every member ends in one definite outcome. Cancel and
interrupt stop dispatch and let calls in flight finish; 401/403 stops the run with the reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Sequence

from providers import errors
from providers.jobs.events import Ended, Event, Requeued, Sending, Settled
from providers.journal import Journal
from providers.journal.records import PENDING, SENDING, UNSETTLED, Job, JobState
from providers.models import (
    Member,
    MemberOutcome,
    Operation,
    Outcome,
)
from providers.protocol import Adapter, failed, outcomes

DEFAULT_CONCURRENCY = 4
HEARTBEAT_SECONDS = 10.0


class Engine:
    """Runs one job against one adapter, writing everything through the journal."""

    def __init__(
        self,
        adapter: Adapter,
        journal: Journal,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        on_event: Callable[[Event], None] | None = None,
        failed_in_row: int = 0,
    ) -> None:
        self.adapter = adapter
        self.journal = journal
        self.concurrency = concurrency
        self.on_event = on_event or (lambda event: None)
        self._halt: JobState | None = None
        self._halt_note = ""
        #: the journal could not be written: the job stops, and this is raised once it has
        self._lost: errors.JournalUnavailable | None = None
        #: failures in a row before this job began (an earlier place of the same account)
        self._failures_before = failed_in_row
        self.failed_in_row = failed_in_row

    def cancel(self) -> None:
        """Send nothing more; calls in flight finish; what was not sent becomes cancelled."""
        self._stop(JobState.CANCELLED, "Cancelled before it was sent.")

    def interrupt(self) -> None:
        """Send nothing more, but keep the rest due: `resume` continues the job later."""
        self._stop(JobState.INTERRUPTED, "Interrupted; resume continues from here.")

    def _stop(self, state: JobState, note: str) -> None:
        if self._halt is None:
            self._halt, self._halt_note = state, note
            self.adapter.halt_writes()

    async def run(self, job_id: str, only: Collection[str] | None = None) -> Job:
        """Do what the job has not done yet: settle lost answers, then send what is due.

        Members a cancel left unsent are due again, so a cancelled job can be resumed. With
        `only`, just those members are sent (retrying the failed); the rest stay as they are.
        """
        self.journal.claim(job_id)
        heartbeat = asyncio.create_task(self._beat(job_id))
        try:
            return await self._run(job_id, only)
        finally:
            heartbeat.cancel()
            self.journal.release(job_id)

    async def _beat(self, job_id: str) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            self.journal.beat(job_id)

    async def _run(self, job_id: str, only: Collection[str] | None) -> Job:
        job = self.journal.job(job_id)
        self._halt, self._halt_note = None, ""
        self.failed_in_row = self._failures_before
        self.adapter.allow_writes()
        if only is None:
            cancelled = tuple(
                i.member.id for i in self.journal.items(job_id, [Outcome.CANCELLED.value])
            )
            self.journal.reset(job_id, cancelled, "due again: the job was resumed")
            self.on_event(Requeued(cancelled))
        await self._settle_unsettled(job)
        self.journal.set_state(job_id, JobState.RUNNING)
        if job.operation is Operation.DELETE_SOURCE:
            return self._end(job_id, *await self._delete_source(job))
        # read in a worker thread: 100,000 members take seconds, and the app's keys must not
        pending = await asyncio.to_thread(self.journal.items, job_id, [PENDING])
        due = [i.member for i in pending if only is None or i.member.id in only]
        size = max(1, self.adapter.capabilities.max_batch)
        batches = [due[i : i + size] for i in range(0, len(due), size)]
        gate = asyncio.Semaphore(min(self.concurrency, self.adapter.capabilities.parallel_calls))

        async def send(number: int, batch: list[Member]) -> None:
            async with gate:
                if self._halt is None:
                    try:
                        await self._send(job, number, batch)
                    except errors.JournalUnavailable as error:
                        # Nothing more leaves; members sent but not recorded stay `sending`,
                        # so a resume settles them by reading.
                        self._lost = self._lost or error
                        self._stop(JobState.INTERRUPTED, error.message)

        async with asyncio.TaskGroup() as group:
            for number, batch in enumerate(batches):
                group.create_task(send(number, batch))
        if self._lost is not None:
            raise self._lost
        if self._halt in (JobState.CANCELLED, JobState.STOPPED):
            cancelled = self.journal.cancel_pending(job_id, self._halt_note)
            self.on_event(
                Settled(
                    tuple(
                        outcomes(
                            [Member(id=i) for i in cancelled],
                            Outcome.CANCELLED,
                            message=self._halt_note,
                        )
                    )
                )
            )
        stopped = (JobState.INTERRUPTED, JobState.PAUSED, JobState.CANCELLED)
        if self._halt in stopped and not self._left(job_id):
            return self._end(job_id, JobState.FINISHED, "")  # stopped after the last one
        if self._halt is None and only is not None and self._due(job_id):
            left = job.state if job.state in stopped else JobState.INTERRUPTED
            return self._end(job_id, left, "The failed were sent again; the rest is still due.")
        return self._end(job_id, self._halt or JobState.FINISHED, self._halt_note)

    def _due(self, job_id: str) -> bool:
        """Whether any member is still to be sent (left out of a retry of the failed)."""
        return bool(self.journal.items(job_id, [PENDING, Outcome.CANCELLED.value]))

    def _left(self, job_id: str) -> bool:
        """Whether any member is still due, or was cancelled before it was sent."""
        return bool(self.journal.items(job_id, [*UNSETTLED, Outcome.CANCELLED.value]))

    def _end(self, job_id: str, state: JobState, note: str) -> Job:
        self.journal.set_state(job_id, state, note)
        job = self.journal.job(job_id)
        self.on_event(Ended(job))
        return job

    def _over_budget(self, job: Job, size: int) -> bool:
        """Whether sending `size` more would pass today's budget; if so the job pauses.
        Checked and then marked `sending` with no wait between, so batches in flight
        together cannot overspend it."""
        budget = self.adapter.capabilities.daily_budget
        scope = self.adapter.budget_scope(job.container)
        if not budget or not scope or job.dry_run:
            return False
        used = self.journal.sent_today(job.account, scope)
        if used + size <= budget:
            return False
        where = job.container.parent or scope
        self._stop(
            JobState.PAUSED,
            f"Paused: today's budget of {budget:,} for {where} is spent ({used:,} sent since "
            "midnight). The rest waits: resume tomorrow, or raise the account's budget.",
        )
        return True

    def _count_failures(self, settled: Sequence[MemberOutcome]) -> None:
        """Pause after too many failures in a row: to WhatsApp that pattern looks like abuse,
        and a cause that fails every member (a lost admin role) will not fix itself."""
        limit = self.adapter.capabilities.pause_after_failures
        if not limit:
            return
        if all(o.outcome is Outcome.FAILED for o in settled):
            self.failed_in_row += len(settled)
        else:
            self.failed_in_row = 0
        if self.failed_in_row >= limit:
            last = settled[-1].message or settled[-1].code
            self._stop(
                JobState.PAUSED,
                f"Paused after {self.failed_in_row} failures in a row (last: {last}). "
                "Resume once the cause is fixed.",
            )

    async def _send(self, job: Job, number: int, batch: list[Member]) -> None:
        ids = tuple(m.id for m in batch)
        if self._over_budget(job, len(batch)):
            return  # still pending: due again on resume
        self.journal.mark_sending(job.id, ids, number)
        self.on_event(Sending(ids, number))
        try:
            result = await self._apply(job, batch)
        except (errors.AuthError, errors.PermissionDenied) as error:
            self._stop(JobState.STOPPED, f"Stopped: {error.message}")
            result = failed(batch, error)
        except (errors.Held, errors.Paused) as error:
            if isinstance(error, errors.Paused):
                self._stop(JobState.PAUSED, f"Paused: {error.message}")
            self.journal.reset(job.id, ids, f"not sent: {error.message}")
            self.on_event(Requeued(ids))
            return
        by_id = {o.member_id: o for o in result}
        settled = tuple(
            by_id.get(m.id)
            or MemberOutcome(
                member_id=m.id, outcome=Outcome.UNKNOWN, message="No outcome was reported."
            )
            for m in batch
        )
        self.journal.record(job.id, settled)
        self.on_event(Settled(settled))
        self._count_failures(settled)

    async def _apply(self, job: Job, batch: list[Member]) -> list[MemberOutcome]:
        if job.dry_run:
            return outcomes(batch, Outcome.WOULD_REMOVE, message="Dry run: nothing was sent.")
        try:
            if job.operation is Operation.DELETE_CONTACTS:
                return await self.adapter.delete_contacts(batch)
            if job.operation is Operation.ADD_BACK:
                return await self.adapter.add(job.container, batch)
            return await self.adapter.remove(job.container, batch)
        except (errors.AuthError, errors.PermissionDenied, errors.Held, errors.Paused):
            raise
        except (errors.BadResponse, errors.AnswerLost) as error:
            # It may have acted: unknown until a read settles it, never resent blindly.
            return outcomes(
                batch,
                Outcome.UNKNOWN,
                code=error.code or "BAD_RESPONSE",
                message=error.message,
                said=error.provider_message,
            )
        except errors.ProviderError as error:
            return failed(batch, error)

    async def _settle_unsettled(self, job: Job) -> None:
        """Before sending anything on a resumed job, find out what the lost answers did."""
        unsure = self.journal.items(job.id, [SENDING, Outcome.UNKNOWN.value])
        if not unsure or job.operation is Operation.DELETE_SOURCE:
            return
        members = [i.member for i in unsure]
        if job.dry_run:
            self.journal.reset(job.id, [m.id for m in members], "dry run: walked through again")
            return
        present = await self.adapter.still_present(job.container, members)
        adding = job.operation is Operation.ADD_BACK
        done = [m for m in members if (m.id in present) == adding]
        settled = outcomes(
            done,
            Outcome.RESTORED if adding else Outcome.REMOVED,
            message="Confirmed by reading the membership after the answer was lost.",
        )
        self.journal.record(job.id, settled)
        self.journal.reset(
            job.id,
            [m.id for m in members if m not in done],
            "still a member when read after the lost answer: due again",
        )
        self.on_event(Settled(tuple(settled)))

    async def _delete_source(self, job: Job) -> tuple[JobState, str]:
        if job.dry_run:
            return JobState.FINISHED, "Dry run: nothing was sent."
        try:
            result = await self.adapter.delete_source(job.container)
        except errors.ProviderError as error:
            return JobState.STOPPED, error.message
        if result.deleted:
            return JobState.FINISHED, result.message
        return (
            JobState.STOPPED,
            f"Refused: {result.contacts_in_use} contacts still use this source.",
        )
