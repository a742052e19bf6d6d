"""What the journal keeps: jobs, their members' states and each member's story.

Plain records, apart from the SQLite that stores them, so that the everywhere job's storage
and the screens can use them without the journal's connection."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, TypeAdapter

from providers.models import Container, Member, Operation, Outcome, Provider

PENDING = "pending"
SENDING = "sending"
UNSETTLED = (PENDING, SENDING, Outcome.UNKNOWN.value)
#: the code of a member settled because another job has them: this job sent nothing
ANOTHER_JOB = "ANOTHER_JOB"


def place(provider: str, container_id: str) -> str:
    """Where a job acts, named the same in everyone's journal: the provider and the
    container's id (each person names their accounts as they like)."""
    return f"{provider}:{container_id}"


def place_of(provider: str, container: str) -> str:
    """The place of a job whose container is as the journal keeps it (JSON)."""
    return place(provider, json.loads(container)["id"])


#: a job's container as the journal keeps it: JSON, read back validated (a row is data on disk)
CONTAINER_JSON = TypeAdapter(Container)


class JobState(StrEnum):
    PLANNED = "planned"
    RUNNING = "running"
    FINISHED = "finished"
    CANCELLED = "cancelled"
    STOPPED = "stopped"  # 401/403: the provider refused the whole run
    INTERRUPTED = "interrupted"  # SIGHUP/SIGTERM: dispatch stopped, resumable
    PAUSED = "paused"  # the provider or a budget said "not now": resumable later


class Job(BaseModel):
    id: str
    created_at: str
    user: str
    account: str
    provider: Provider
    container: Container
    operation: Operation
    dry_run: bool
    undo_of: str | None
    state: JobState
    note: str
    counts: dict[str, int] = {}
    reason: str = ""
    operator: str = ""
    host: str = ""
    version: str = ""
    #: the everywhere job this one is a place of ('' for a job on its own)
    part_of: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def unsettled(self) -> int:
        return sum(self.counts.get(state, 0) for state in UNSETTLED)


@dataclass(frozen=True, slots=True)
class Step:
    """One moment of one member's story in a job: planned, sent, answered, sent again."""

    at: str
    state: str
    code: str = ""
    message: str = ""


@dataclass(frozen=True)
class Happening:
    """One moment of a job's own story: a state it entered (with its note), or members made
    due again (the failed sent again, or those a resume found still there)."""

    at: str
    what: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class NewJob:
    """What a job is to do, before it has an id: one operation on one container."""

    account: str
    provider: Provider
    container: Container
    operation: Operation
    members: Sequence[Member]
    protected: Sequence[tuple[Member, str]] = ()
    dry_run: bool = False


@dataclass(frozen=True, slots=True)
class Item:
    member: Member
    state: str
    code: str = ""
    message: str = ""


class Unsearched(BaseModel):
    """A place of an account that could not be looked in when the person was searched for."""

    account: str
    where: str
    why: str


#: how an everywhere job reads when its places are in different states: the first that any
#: place is in wins, so a running, stopped or paused place is never hidden by finished ones
EVERYWHERE_STATE_ORDER = (
    JobState.RUNNING,
    JobState.STOPPED,
    JobState.PAUSED,
    JobState.INTERRUPTED,
    JobState.CANCELLED,
    JobState.PLANNED,
    JobState.FINISHED,
)


class EverywhereJob(BaseModel):
    """One person (by any of their addresses) off every place they were found: one job of
    the journal made of one part a place, so each part keeps its own exactly-once run."""

    id: str
    created_at: str
    addresses: list[str]
    dry_run: bool
    reason: str
    user: str
    operator: str
    host: str
    version: str
    unsearched: list[Unsearched]
    parts: list[Job]

    @property
    def state(self) -> JobState:
        states = {part.state for part in self.parts}
        if JobState.RUNNING in states:  # its other places wait their turn, not interrupted
            return JobState.RUNNING
        if JobState.PLANNED in states and len(states) > 1:
            return JobState.INTERRUPTED  # some places ran, the others never started
        return next((s for s in EVERYWHERE_STATE_ORDER if s in states), JobState.FINISHED)

    @property
    def counts(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for part in self.parts:
            for state, count in part.counts.items():
                total[state] = total.get(state, 0) + count
        return total

    @property
    def unsettled(self) -> int:
        return sum(part.unsettled for part in self.parts)
