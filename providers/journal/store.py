"""The journal of every removal job and every member in it.

It is written before anything is sent (the plan), before each request (the batch's intent:
its members become `sending`) and after each answer (each member's outcome). After a crash, a
kill -9 or a dropped SSH link it knows every member's last state, which is what `resume`
needs to finish without sending anything twice. It lives in a SQLite file, or in PostgreSQL
for a team (`location`); each write is one transaction and one event of the hash chain.

The journal is made of parts it holds and speaks for: the database (`database`), the chain
(`chain`), what it reads (`reading`), who runs a job (`runners`) and everywhere jobs
(`everywhere`). SQLAlchemy and Alembic load when a journal is opened, not when this module is
imported, so the app's first screen does not wait for them.
"""

from __future__ import annotations

import getpass
import os
import socket
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from providers.accounts.journal_location import head_file
from providers.journal.records import (
    PENDING,
    SENDING,
    EverywhereJob,
    Happening,
    Item,
    Job,
    JobState,
    NewJob,
    Step,
    Unsearched,
    place,
)
from providers.models import Container, Member, MemberOutcome, Operation, Outcome, Provider

if TYPE_CHECKING:
    from providers.journal.chain import Head, NewStep, Writing
    from providers.journal.claims import Budget, Marking
    from providers.journal.paces import Paces
    from providers.journal.runners import Runner
    from providers.journal.segments import Copied
    from providers.journal.slowdowns import Slowdowns
    from providers.journal.status import Facts
    from providers.journal.verify import Verdict

#: what a write adds to a plan's transaction: `also(writing, job_id)`
Also = Callable[["Writing", str], None]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _new_id() -> str:
    """Sortable by time, unique by a random tail."""
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]


def _operator() -> str:
    """The OS user, and the SSH client's address when the session came over SSH."""
    client = os.environ.get("SSH_CLIENT", "").split(" ", 1)[0]
    user = getpass.getuser()
    return f"{user} from {client}" if client else user


class Journal:
    """`now`, `new_id`, `user`, `operator` and `host` are attributes so that pictures of the
    app can be repeatable. `path` is a SQLite file, or a PostgreSQL URL."""

    def __init__(self, path: Path | str) -> None:
        from providers.journal.chain import Anchor, Chain
        from providers.journal.database import Database
        from providers.journal.erased import Erasure
        from providers.journal.everywhere import Everywhere
        from providers.journal.files import private_file
        from providers.journal.invites import Invites
        from providers.journal.migrations import open_database
        from providers.journal.reading import Reader
        from providers.journal.register import Register
        from providers.journal.runners import Runners
        from providers.journal.sweeps import Sweeps

        self.path = path
        self.now = _now
        self.new_id = _new_id
        self.user = getpass.getuser
        self.operator = _operator
        self.host = socket.gethostname
        #: what opening it changed, to say once (files made private)
        self.notices: list[str] = []
        anchor = Path(f"{path}.head") if isinstance(path, Path) else head_file(path)
        self._db = Database(path)
        with self._db.failing_as_unavailable():
            if isinstance(path, Path):
                self.notices += private_file(path)
            self.notices += private_file(anchor, create=False)
        open_database(self._db)
        self._chain = Chain(self._db, Anchor(anchor))
        self._chain.open()
        self._runners = Runners(self._db, lambda: self.now())
        self._reader = Reader(self._db, Runners.alive)
        self._everywhere = Everywhere(self._db, self._chain, self._reader, self)
        #: the do-not-re-add register and its overrides; its sweeps; invite links revoked
        self.register = Register(self._db, self._chain, self)
        self.sweeps = Sweeps(self._db, self._chain, self)
        self.invites = Invites(self._db, self._chain, self)
        #: forgetting a person: their key and details go, every hash still holds
        self.erasure = Erasure(
            self._db,
            self._chain,
            self,
            self.register,
            lambda job_id: self.job(job_id).state is JobState.RUNNING,
        )
        #: each job's members' numbers by id: fixed once the plan is written
        self._numbers: dict[str, dict[str, int]] = {}

    def close(self) -> None:
        self._db.close()

    # -- writing ---------------------------------------------------------------------------

    def create(
        self,
        *,
        account: str,
        provider: Provider,
        container: Container,
        operation: Operation,
        members: Sequence[Member],
        protected: Sequence[tuple[Member, str]] = (),
        dry_run: bool = False,
        undo_of: str | None = None,
        reason: str = "",
        also: Also | None = None,
    ) -> str:
        """Write the whole plan before anything is sent, with why and by whom; returns the
        job's id. `also(writing, job_id)` writes what goes with the plan in its transaction
        (the register's part)."""
        from providers.journal.writes import write_plan

        job = NewJob(account, provider, container, operation, members, protected, dry_run)
        with self._chain.writing(self.now()) as writing:
            job_id, numbers = write_plan(writing, self, job, reason, undo_of=undo_of)
            if also is not None:
                also(writing, job_id)
        self._numbers[job_id] = numbers
        return job_id

    def set_state(self, job_id: str, state: JobState, note: str = "") -> None:
        from sqlalchemy import update

        from providers.journal.tables import jobs

        with self._chain.writing(self.now()) as writing:
            writing.conn.execute(
                update(jobs).where(jobs.c.id == job_id).values(state=state.value, note=note)
            )
            writing.event(job_id, "state", {"state": state.value, "note": note})

    def note(self, job_id: str, note: str) -> None:
        """Say something of a job while its state stays (a stop asked while it runs); on the
        chain too, so the job's history tells when."""
        from sqlalchemy import select, update

        from providers.journal.tables import jobs

        with self._chain.writing(self.now()) as writing:
            state = writing.conn.execute(select(jobs.c.state).where(jobs.c.id == job_id)).scalar()
            writing.conn.execute(update(jobs).where(jobs.c.id == job_id).values(note=note))
            writing.event(job_id, "state", {"state": str(state), "note": note})

    def mark_sending(
        self, job_id: str, member_ids: Iterable[str], batch: int, budget: Budget | None = None
    ) -> Marking:
        """The batch's claim and intent, written before its request leaves: who another job
        has is settled so here and not sent (`claims`). Raises `OverBudget`, marking nothing,
        when those to send would pass `budget`; `JobBusy` when another process took the job
        over."""
        from providers.journal.chain import NewStep
        from providers.journal.claims import mark
        from providers.journal.items import apply
        from providers.journal.runners import Runners

        ids = list(member_ids)
        seqs = dict(zip(ids, self._seqs(job_id, ids), strict=True))
        with self._chain.writing(self.now()) as writing:
            Runners.check(writing.conn, job_id)
            marking = mark(writing.conn, job_id, ids, budget)
            steps = [
                NewStep(seqs[m], SENDING, "", f"in call {batch + 1}", batch)
                for m in marking.sending
            ]
            steps += [
                NewStep(seqs[o.member_id], o.outcome.value, o.code, o.message)
                for o in marking.elsewhere
            ]
            if steps:
                apply(writing.conn, job_id, writing.at, steps)
                writing.event(job_id, "sending", writing.steps(job_id, steps))
        return marking

    def record(self, job_id: str, outcomes: Iterable[MemberOutcome]) -> None:
        """Each member's outcome, after the provider answered."""
        from providers.journal.chain import NewStep

        settled = list(outcomes)
        seqs = self._seqs(job_id, (o.member_id for o in settled))
        steps = [
            NewStep(seq, o.outcome.value, o.code, o.message)
            for seq, o in zip(seqs, settled, strict=True)
        ]
        self._settle(job_id, "recorded", steps)

    def reset(self, job_id: str, member_ids: Iterable[str], why: str = "due again") -> None:
        """Make members due again (retry failed, or found still present on resume)."""
        from providers.journal.chain import NewStep

        steps = [NewStep(seq, PENDING, "", why) for seq in self._seqs(job_id, member_ids)]
        self._settle(job_id, "reset", steps)

    def cancel_pending(self, job_id: str, message: str) -> list[str]:
        from providers.journal.chain import NewStep

        pending = self._reader.numbers_in(job_id, [PENDING])
        steps = [NewStep(seq, Outcome.CANCELLED.value, "", message) for seq in pending.values()]
        self._settle(job_id, "cancelled", steps)
        return list(pending)

    def _seqs(self, job_id: str, member_ids: Iterable[str]) -> list[int]:
        numbers = self._numbers.get(job_id)
        if numbers is None:
            numbers = self._numbers[job_id] = self._reader.numbers_in(job_id)
        return [numbers[m] for m in member_ids]

    def _settle(self, job_id: str, kind: str, steps: list[NewStep]) -> None:
        """Members' new states and their steps, and the event that holds them, as one."""
        if not steps:
            return
        from providers.journal.items import apply

        with self._chain.writing(self.now()) as writing:
            apply(writing.conn, job_id, writing.at, steps)
            writing.event(job_id, kind, writing.steps(job_id, steps))

    # -- reading ---------------------------------------------------------------------------

    def job(self, job_id: str) -> Job:
        return self._reader.job(job_id)

    def jobs(self, limit: int = 200) -> list[Job]:
        return self._reader.jobs(limit)

    def undos_of(self, job_id: str) -> list[Job]:
        return self._reader.undos_of(job_id)

    def unfinished(self) -> list[Job]:
        """Jobs that stopped with members not yet settled: what `resume` is for."""
        return self._reader.unfinished()

    def sent_today(self, provider: Provider, scope: str) -> int:
        """What a daily budget counts (`reading.sent_today`): one number's, everyone's."""
        return self._reader.sent_today(provider.value, scope)

    def removals(
        self, provider: Provider, places: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], str]:
        """Which job removed each (container id, member id), whoever ran it (`claims`)."""
        from providers.journal.claims import removals

        if not places:
            return {}
        with self._db.read() as conn:
            return removals(conn, provider.value, places)

    def story(self, job_id: str, member_id: str) -> list[Step]:
        """Everything that happened to one member in a job, oldest first."""
        return self._reader.story(job_id, member_id)

    def happenings(self, job_id: str) -> list[Happening]:
        """Everything that happened to the job itself (started, stopped, sent again)."""
        return self._reader.happenings(job_id)

    def items(self, job_id: str, states: Iterable[str] | None = None) -> list[Item]:
        return self._reader.items(job_id, states)

    # -- proving ---------------------------------------------------------------------------

    def verify(self) -> Verdict:
        """Whether the journal's history is whole, and its tables say what it says."""
        from providers.journal.verify import verify

        return verify(self._db, self._chain.anchor.read())

    def head(self) -> Head:
        """The chain's last event (number and hash): what a receipt carries."""
        return self._chain.head()

    def holds(self, head: Head) -> bool:
        """Whether the chain still has this head (a receipt's) as one of its events."""
        return self._chain.holds(head)

    def status(self) -> Facts:
        """Where the journal is, its size, and who has written it from where."""
        from providers.journal.status import facts

        return facts(self._db)

    def copy_from(self, source: Journal) -> Copied:
        """Copy a person's whole journal into this one, once, as a segment of its chain
        (`segments`)."""
        from providers.journal.segments import copy_segment

        return copy_segment(source._db, self._db, self._chain, self.now())

    # -- who runs a job ----------------------------------------------------------------------

    def claim(self, job_id: str) -> None:
        """Become the job's only runner, or raise `JobBusy` naming the living one."""
        self._runners.claim(job_id)

    def beat(self, job_id: str) -> bool:
        """Say this runner lives; False when another process has taken the job over."""
        return self._runners.beat(job_id)

    def running_on(self, provider: Provider, container_id: str) -> Runner | None:
        """The living runner of a job on this place, in any process, if there is one."""
        from providers.journal.runners import living

        here = place(provider.value, container_id)
        with self._db.read() as conn:
            return next((r for r in living(conn) if r.place == here and not r.dry_run), None)

    def turns(self, provider: Provider) -> Paces:
        """The write turns of a provider's numbers, shared by everyone (`paces`)."""
        from providers.journal.paces import Paces

        return Paces(self._db, f"{provider.value}:")

    def release(self, job_id: str) -> None:
        self._runners.release(job_id)

    # -- everywhere jobs ---------------------------------------------------------------------

    def create_everywhere(
        self,
        *,
        addresses: Sequence[str],
        parts: Sequence[NewJob],
        unsearched: Sequence[Unsearched],
        reason: str,
        dry_run: bool,
        also: Also | None = None,
    ) -> str:
        """The whole plan, every place of it, before anything is sent; returns its id."""
        return self._everywhere.create(
            addresses=addresses,
            parts=parts,
            unsearched=unsearched,
            reason=reason,
            dry_run=dry_run,
            also=also,
        )

    def is_everywhere(self, job_id: str) -> bool:
        return self._everywhere.is_everywhere(job_id)

    def everywhere(self, everywhere_id: str) -> EverywhereJob:
        return self._everywhere.get(everywhere_id)

    def newest_everywhere(self) -> str:
        """The id of the latest everywhere job ('' when none): cheap to ask often."""
        return self._everywhere.newest()

    def everywhere_jobs(self, limit: int = 50) -> list[EverywhereJob]:
        return self._everywhere.listed(limit)

    # -- paces -------------------------------------------------------------------------------

    def slowdowns(self, account: str) -> Slowdowns:
        """The days the account's WhatsApp numbers were told to slow down."""
        from providers.journal.slowdowns import Slowdowns

        return Slowdowns(self._db, account)
