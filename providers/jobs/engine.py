"""From marked members to a finished, provable removal: plan, then run through the journal.

The engine sends batches as large as the adapter allows, a few at a time; the adapter's HTTP
layer keeps the provider's pace. Every member ends in one definite outcome. Cancel and
interrupt stop dispatch and let calls in flight finish; 401/403 stops the run with the reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Sequence
from contextlib import suppress
from dataclasses import replace

from providers import errors
from providers.http.pacing import writing_on
from providers.jobs.events import Ended, Event, Requeued, Sending, Settled
from providers.jobs.privacy import unnamed
from providers.journal import Journal
from providers.journal.claims import Budget, Marking, OverBudget, elsewhere
from providers.journal.records import PENDING, SENDING, UNSETTLED, Job, JobState
from providers.journal.runners import JobBusy
from providers.models import (
    Member,
    MemberOutcome,
    Operation,
    Outcome,
)
from providers.protocol import Adapter, failed, outcomes

DEFAULT_CONCURRENCY = 4
HEARTBEAT_SECONDS = 10.0


def interrupted_note(why: str = "") -> str:
    """An interrupted job's note: why, when it is known."""
    said = f": {why};" if why else ";"
    return f"Interrupted{said} resume continues from here."


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
        #: the job a run is underway on
        self._running: str | None = None
        #: the journal could not be written: the job stops, and this is raised once it has
        self._lost: errors.JournalUnavailable | None = None
        #: failures in a row before this job began (an earlier place of the same account)
        self._failures_before = failed_in_row
        self.failed_in_row = failed_in_row

    def cancel(self) -> None:
        """Send nothing more; calls in flight finish; what was not sent becomes cancelled."""
        self._stop(JobState.CANCELLED, "Cancelled before it was sent.")

    def interrupt(self, why: str = "") -> None:
        """Send nothing more, but keep the rest due: `resume` continues the job later.

        Journaled at once when a run is underway, with why: the journal then shows when the
        stop came, and that no request left after it."""
        if self._halt is None and self._running is not None:
            said = why or "asked to stop"
            self.journal.note(self._running, f"Stopping: {said}; nothing new is sent.")
        self._stop(JobState.INTERRUPTED, interrupted_note(why))

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
        self._running = job_id
        heartbeat = asyncio.create_task(self._beat(job_id))
        try:
            return await self._run(job_id, only)
        except asyncio.CancelledError:
            # Stopped where it stood, answers still on their way (a stop's grace ran out):
            # nothing more leaves, and their members stay `sending`, for a read on resume.
            note = self._halt_note if self._halt is JobState.INTERRUPTED else interrupted_note()
            self.journal.set_state(job_id, JobState.INTERRUPTED, note)
            raise
        finally:
            heartbeat.cancel()
            # A journal out of reach keeps the lock row, which frees itself once its
            # heartbeat is stale; the error that stopped the job is the one to say.
            with suppress(errors.JournalUnavailable):
                self.journal.release(job_id)
            # A stop asked before a run holds for it; one asked during it ends with it.
            self._running, self._halt, self._halt_note = None, None, ""

    async def _beat(self, job_id: str) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            try:
                mine = self.journal.beat(job_id)
            except errors.JournalUnavailable:
                continue  # the next batch finds out, and stops the job
            if not mine:
                self._stop(JobState.INTERRUPTED, "Another process took this job over.")

    async def _run(self, job_id: str, only: Collection[str] | None) -> Job:
        job = self.journal.job(job_id)
        self.failed_in_row = self._failures_before
        if self._halt is None:
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
            raise errors.JournalUnavailable(
                f"{self._lost.message} Job {job_id} stopped there and nothing more was sent; "
                "resume it once the journal is back."
            )
        unsent: list[str] = []
        if self._halt in (JobState.CANCELLED, JobState.STOPPED):
            unsent = self.journal.cancel_pending(job_id, self._halt_note)
            self.on_event(
                Settled(
                    tuple(
                        outcomes(
                            [Member(id=i) for i in unsent],
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
        note = self._halt_note
        if self._halt is JobState.CANCELLED:  # the job's words: some may have been sent
            note = f"{len(unsent):,} not sent."
        return self._end(job_id, self._halt or JobState.FINISHED, note)

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

    def _budget(self, job: Job) -> Budget | None:
        """The day's budget a batch of this job must fit in, if one covers its place."""
        limit = self.adapter.capabilities.daily_budget
        scope = self.adapter.budget_scope(job.container)
        return Budget(scope, limit) if limit and scope and not job.dry_run else None

    def _pause_over_budget(self, job: Job, used: int) -> None:
        budget = self.adapter.capabilities.daily_budget
        where = job.container.parent or self.adapter.budget_scope(job.container)
        self._stop(
            JobState.PAUSED,
            f"Paused: today's budget of {budget:,} for {where} is spent ({used:,} sent since "
            "midnight). The rest waits: resume tomorrow, or raise the account's budget.",
        )

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
        try:
            marking = self.journal.mark_sending(
                job.id, [m.id for m in batch], number, self._budget(job)
            )
        except OverBudget as spent:
            self._pause_over_budget(job, spent.used)
            return  # still pending: due again on resume
        except JobBusy as taken:
            self._stop(JobState.INTERRUPTED, taken.message)
            return
        if marking.elsewhere:
            self.on_event(Settled(tuple(marking.elsewhere)))
        batch = await self._still_there(job, batch, marking)
        if not batch:
            return
        ids = tuple(m.id for m in batch)
        self.on_event(Sending(ids, number))
        writing_on.set(self.adapter.budget_scope(job.container) or job.container.id)
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
        by_id = {o.member_id: o for o in unnamed(result, batch)}
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

    async def _still_there(self, job: Job, batch: list[Member], marking: Marking) -> list[Member]:
        """The members to send: those claimed, less those another job removed before this
        one was planned and a read finds gone (they were not back)."""
        sending = set(marking.sending)
        claimed = [m for m in batch if m.id in sending]
        again = [
            m if m.address else replace(m, address=marking.addresses[m.id])
            for m in claimed
            if m.id in marking.read_first
        ]
        if not again:
            return claimed
        try:
            present = await self.adapter.still_present(job.container, again)
        except errors.ProviderError as error:
            self._stop(JobState.PAUSED, f"Paused: {error.message}")
            self.journal.reset(job.id, [m.id for m in claimed], f"not sent: {error.message}")
            self.on_event(Requeued(tuple(m.id for m in claimed)))
            return []
        gone = tuple(
            elsewhere(m.id, f"Already removed by {marking.read_first[m.id]}; not sent.")
            for m in again
            if m.id not in present
        )
        self.journal.record(job.id, gone)
        self.on_event(Settled(gone))
        out = {o.member_id for o in gone}
        return [m for m in claimed if m.id not in out]

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
        # The rest is sent again: a removal that did not land, or an add-back (adding twice is
        # harmless, and the new answer says what the lost one could not: a contact deleted
        # meanwhile fails then, in the provider's words).
        self.journal.reset(
            job.id,
            [m.id for m in members if m not in done],
            ("not a member" if adding else "still a member")
            + " when read after the lost answer: due again",
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
