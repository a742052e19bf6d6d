"""What screens ask of the app, and what the app tells the screen in front about a job.

A screen never builds, words, runs or stops a job: it asks (`Propose`, `Cancel`) and the app
has the desk do it. News of a job (`JobStarted`, `JobEnded`) goes to the screen in front; the
job's own screen keeps it (and says it in its own lines), any other lets it bubble up to the
app, which opens the job's screen or says it in a toast.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from providers.jobs.desk import Desk
    from providers.jobs.proposal import Proposal
    from providers.journal.records import EverywhereJob, Job


class Propose(Message):
    """Have the desk propose this (a removal, a resume, a retry, an undo ...), confirm it
    with the person, then run it."""

    def __init__(self, ask: Callable[[Desk], Awaitable[Proposal]]) -> None:
        super().__init__()
        self.ask = ask


class Cancel(Message):
    """Stop the job: nothing new leaves; calls in flight finish."""

    def __init__(self, job_id: str) -> None:
        super().__init__()
        self.job_id = job_id


class JobStarted(Message):
    """A job was confirmed and runs now. `shown` is set once a screen shows it, so that the
    news of its end (however soon) goes to that screen."""

    def __init__(self, job_id: str, everywhere: bool) -> None:
        super().__init__()
        self.job_id = job_id
        self.everywhere = everywhere
        self.shown = asyncio.Event()


class JobEnded(Message):
    """A job stopped, for whatever reason (`error` when it could not run at all)."""

    def __init__(self, job: Job | EverywhereJob, error: str = "") -> None:
        super().__init__()
        self.job = job
        self.error = error


class Forgot(Message):
    """Someone was erased from RosterDeck's records: a screen that shows them reads again."""
