"""The jobs this process runs: each one's progress, fed by its engine's events; how to stop
one (cancel), or all (interrupt, or stop for good when the process ends); and when the last
one ended. The desk proposes and confirms; this runs what was confirmed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from providers.jobs.engine import Engine
from providers.jobs.events import Event
from providers.jobs.everywhere import EverywhereRun
from providers.jobs.invites import revoke_asked
from providers.jobs.progress import Progress
from providers.jobs.proposal import Running, Ticket
from providers.journal import Journal
from providers.journal.records import EverywhereJob, Job
from providers.protocol import Adapter


def parts_of(journal: Journal, job_id: str) -> tuple[list[Job], EverywhereJob | None]:
    """A job's places (itself, unless it is an everywhere job), and the everywhere job."""
    if journal.is_everywhere(job_id):
        whole = journal.everywhere(job_id)
        return whole.parts, whole
    return [journal.job(job_id)], None


class Runs:
    def __init__(
        self,
        journal: Callable[[], Journal],
        adapter: Callable[[str], Awaitable[Adapter]],
        refuse: Callable[[], None],
        clock: Callable[[], float],
    ) -> None:
        self._journal = journal
        self.adapter = adapter
        self._refuse = refuse
        self.clock = clock
        self.running: dict[str, Running] = {}
        #: plans being journaled in a worker thread (the desk's `confirm_in_thread`)
        self.confirming = 0
        self._progress: dict[str, Progress] = {}
        #: container id -> when a job on it last ended (screens read such containers again)
        self.ended_at: dict[str, float] = {}
        #: the process is ending (a stop signal, the terminal gone): no job starts
        self.stopping = False
        #: set while no job runs, so that an ending process can wait for the last one
        self.idle = asyncio.Event()
        self.idle.set()

    @property
    def journal(self) -> Journal:
        return self._journal()

    @property
    def busy(self) -> int:
        """How many jobs this process is running or journaling (an everywhere job counts
        once)."""
        return len(self.running) + self.confirming

    def known(self, job_id: str, progress: Progress) -> None:
        """A just planned job's progress, from its plan: no need to read it back."""
        self._progress[job_id] = progress

    def progress(self, job_id: str) -> Progress:
        """A job's (or a place's) live progress; read from the journal when not running."""
        if job_id not in self._progress:
            self._progress[job_id] = Progress.of(self.journal, job_id, self.clock)
        return self._progress[job_id]

    def is_running(self, job_id: str) -> bool:
        return job_id in self.running

    def run(
        self, ticket: Ticket, on_event: Callable[[str, Event], None] | None = None
    ) -> Coroutine[Any, Any, Job | EverywhereJob]:
        """Run (or resume) a confirmed job. It counts as running from this call on (so a
        second is refused, and a stop asked at once holds); await what it returns.
        `on_event(place, event)` hears every place's engine (a single job is its own
        place). Errors pass up for the face to say."""
        self._refuse()
        parts, _ = parts_of(self.journal, ticket.job_id)
        for part in parts:
            if not (ticket.new and part.id in self._progress):
                self._progress[part.id] = Progress.of(self.journal, part.id, self.clock)
        running = Running(ticket.job_id, [part.id for part in parts])
        self.running[ticket.job_id] = running
        self.idle.clear()
        return self._run(ticket, running, parts, on_event)

    async def _run(
        self,
        ticket: Ticket,
        running: Running,
        parts: Sequence[Job],
        on_event: Callable[[str, Event], None] | None,
    ) -> Job | EverywhereJob:
        def heard(part_id: str, event: Event) -> None:
            self._progress[part_id].apply(event)
            if on_event is not None:
                on_event(part_id, event)

        try:
            ended: Job | EverywhereJob
            if ticket.dry_run:  # journaled whole, finished as it was written
                return self.journal.everywhere(ticket.job_id) if ticket.everywhere else parts[0]
            if ticket.everywhere:
                runner = EverywhereRun(self.journal, self.adapter, heard)
                running.attach(runner.cancel, runner.interrupt)
                ended = await runner.run(ticket.job_id, ticket.only)
            else:
                job = parts[0]
                adapter = await self.adapter(job.account)
                engine = Engine(adapter, self.journal, on_event=lambda event: heard(job.id, event))
                running.attach(engine.cancel, engine.interrupt)
                only = ticket.only.get(job.id, ()) if ticket.only is not None else None
                ended = await engine.run(job.id, only)
            if running.stop_asked is None:
                await revoke_asked(self.journal, parts, self.adapter)
            return ended
        finally:
            self.running.pop(ticket.job_id, None)
            for part in parts:
                self.ended_at[part.container.id] = self.clock()
            if not self.running:
                self.idle.set()

    def _stop(self, running: Running, cancelling: bool, why: str = "") -> None:
        for part_id in running.parts:
            self.progress(part_id).stopping = True
        running.stop(cancelling, why)

    def cancel(self, job_id: str) -> None:
        """Send nothing more; calls in flight finish; what was not sent becomes cancelled."""
        running = self.running.get(job_id)
        if running is not None:
            self._stop(running, True)

    def interrupt_all(self, why: str = "") -> None:
        """Send nothing more anywhere; what was not sent stays due, for a resume."""
        for running in list(self.running.values()):
            self._stop(running, False, why)

    def stop(self, why: str) -> None:
        """Send nothing more and start nothing new, for good: the process is ending."""
        self.stopping = True
        self.interrupt_all(why)
