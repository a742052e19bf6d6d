"""The app's running removal jobs: they belong to the app, not to a screen, so leaving the
progress screen never stops one, and coming back shows it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from textual.message import Message

from providers.errors import ConfigurationError, ProviderError

if TYPE_CHECKING:
    from providers.everywhere import EverywhereRun
    from providers.journal import Journal
    from providers.records import EverywhereJob, Job
    from providers.removal import Engine, Event, Progress
    from tui.app import RosterDeckApp


@dataclass
class RunningJob:
    job_id: str
    engine: Engine
    progress: Progress


@dataclass
class RunningEverywhere:
    job_id: str
    runner: EverywhereRun


class EverywhereEnded(Message):
    """Posted to the app when an everywhere job stops: every place has ended or stopped."""

    def __init__(self, job: EverywhereJob, error: str = "") -> None:
        super().__init__()
        self.job = job
        self.error = error


class JobEnded(Message):
    """Posted to the app when a job stops, for whatever reason."""

    def __init__(self, job: Job, error: str = "") -> None:
        super().__init__()
        self.job = job
        self.error = error


class JobRunner:
    """The app's jobs, and the journal they are kept in (opened when first asked for: the
    first screen is drawn before it)."""

    def __init__(self, app: RosterDeckApp, open_journal: Callable[[], Journal]) -> None:
        self.app = app
        self._open_journal = open_journal
        self.running: dict[str, RunningJob] = {}
        self.everywhere: dict[str, RunningEverywhere] = {}
        self._progress: dict[str, Progress] = {}  # live for running jobs, kept after they end
        self.ended_at: dict[str, float] = {}  # container id -> when a job on it last ended
        self.clock = time.monotonic  # what pace and ETA are measured by

    @cached_property
    def journal(self) -> Journal:
        return self._open_journal()

    def progress(self, job_id: str) -> Progress:
        from providers.removal import Progress

        if job_id not in self._progress:
            self._progress[job_id] = Progress.of(self.journal, job_id)
        return self._progress[job_id]

    def is_running(self, job_id: str) -> bool:
        return job_id in self.running or job_id in self.everywhere

    @property
    def busy(self) -> int:
        """How many jobs this app is running (an everywhere job counts once)."""
        return len(self.running) + len(self.everywhere)

    def _refuse_a_second(self) -> None:
        """One job at a time: two would share the accounts' pace and confuse who sent what."""
        if self.busy:
            raise ConfigurationError(
                "A job is running: wait for it to end, or cancel it (c on its screen) first."
            )

    async def start(self, job_id: str) -> RunningJob:
        """Run (or resume) a journaled job in the background of the whole app."""
        from providers.removal import Engine, Progress

        self._refuse_a_second()
        job = self.journal.job(job_id)
        adapter = await self.app.adapter(job.account)
        progress = Progress.of(self.journal, job_id, self.clock)
        self._progress[job_id] = progress
        engine = Engine(adapter, self.journal, on_event=progress.apply)
        running = RunningJob(job_id, engine, progress)
        self.running[job_id] = running

        async def run() -> None:
            error = ""
            try:
                await engine.run(job_id)
            except ProviderError as failure:
                error = failure.message
            finally:
                del self.running[job_id]
                self.ended_at[job.container.id] = time.monotonic()
            self.app.post_message(JobEnded(self.journal.job(job_id), error))

        self.app.run_worker(run(), group="jobs", name=f"job {job_id}")
        return running

    def start_everywhere(self, job_id: str) -> RunningEverywhere:
        """Run (or resume) an everywhere job: each place's progress is its own `Progress`."""
        from providers.everywhere import EverywhereRun
        from providers.removal import Progress

        self._refuse_a_second()
        for part in self.journal.everywhere(job_id).parts:
            self._progress[part.id] = Progress.of(self.journal, part.id, self.clock)

        def heard(part_id: str, event: Event) -> None:
            self._progress[part_id].apply(event)

        runner = EverywhereRun(self.journal, self.app.adapter, heard)
        running = RunningEverywhere(job_id, runner)
        self.everywhere[job_id] = running

        async def run() -> None:
            error = ""
            try:
                await runner.run(job_id)
            except ProviderError as failure:  # another process runs it: nothing was sent
                error = failure.message
            finally:
                del self.everywhere[job_id]
            self.app.post_message(EverywhereEnded(self.journal.everywhere(job_id), error))

        self.app.run_worker(run(), group="jobs", name=f"everywhere {job_id}")
        return running

    def retry_failed(self, job_id: str) -> int:
        from providers.removal import retry_failed

        return retry_failed(self.journal, job_id)

    def interrupt_all(self) -> None:
        for running in self.running.values():
            running.engine.interrupt()
        for everywhere in self.everywhere.values():
            everywhere.runner.interrupt()
