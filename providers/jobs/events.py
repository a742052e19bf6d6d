"""What the engine tells whoever watches a job: a batch leaves, members settle, a batch
goes back unsent, the job ends. The app posts them as messages; the shell prints them."""

from __future__ import annotations

from dataclasses import dataclass

from providers.journal.records import Job
from providers.models import MemberOutcome


@dataclass(frozen=True)
class Sending:
    member_ids: tuple[str, ...]
    batch: int


@dataclass(frozen=True)
class Settled:
    outcomes: tuple[MemberOutcome, ...]


@dataclass(frozen=True)
class Requeued:
    """Members whose batch was not sent after all (the job stopped or paused first)."""

    member_ids: tuple[str, ...]


@dataclass(frozen=True)
class Ended:
    job: Job


Event = Sending | Settled | Requeued | Ended
