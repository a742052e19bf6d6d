"""The desk: the one place a job lives its life, whichever face asks.

Every action that sends (remove, delete contacts, delete a source, remove everywhere, resume,
retry the failed, undo) is first *proposed*: put into words, with its cost at the account's
pace, WhatsApp's pace, today's budget and what must be typed to confirm it (a `Proposal`;
those on a journaled job, resume, retry and undo, are made in `follow_ups`, those on people
named by address in `lookup`, on many places in `everywhere_proposal`); then
*confirmed* (refused here, once, for both faces, when something is missing); then
journaled, run, cancelled or interrupted. Forgetting a person is proposed and confirmed the
same way. The shell prints a proposal and asks on the terminal; the app shows it in its
confirm dialog. Neither builds a plan, words it, checks what an operation allows or retries
on its own.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from providers.accounts.store import reason_required
from providers.accounts.workspace import OpenedOnce, Workspace, verify_command
from providers.errors import Refused
from providers.jobs import everywhere_proposal, follow_ups, forget
from providers.jobs.everywhere import EverywherePlan, record_everywhere
from providers.jobs.lookup import refuse_unsendable
from providers.jobs.plans import (
    Plan,
    estimate,
    record_plan,
)
from providers.jobs.progress import Progress
from providers.jobs.proposal import FORGET_WHY, WHY_REQUIRED, Kind, Proposal, Ticket
from providers.jobs.runs import Runs, parts_of
from providers.jobs.staying_off import (
    Extras,
    addresses_in,
    names_them,
    naming_refusal,
    on_register,
    refusal,
    register_words,
)
from providers.jobs.words import (
    nothing_to_send,
    place,
    plan_words,
    typed_matches,
)
from providers.journal import Journal
from providers.journal.records import EverywhereJob, Job
from providers.journal.runners import busy_job, busy_place
from providers.models import Container, Member, Operation, Provider
from providers.protocol import Adapter


class Desk:
    """Proposes, confirms, journals and runs jobs; one at a time in this process.

    Each account's adapter is opened once and kept, so its pace spans everything this
    process does (browsing, finding, removing); `aclose` closes them all. The journal may be
    given as a way to open it, when first asked for (the app draws its first screen first)."""

    def __init__(
        self,
        workspace: Workspace,
        journal: Journal | Callable[[], Journal],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.workspace = workspace
        self._opened_journal = journal if isinstance(journal, Journal) else None
        self._opens_journal = journal if callable(journal) else None
        self._opening = threading.Lock()
        self._opened = OpenedOnce(workspace)
        #: accounts whose adapters space their writes through the journal, and keep there the
        #: "slow down"s they hear
        self._wired: set[str] = set()
        self._wiring = asyncio.Lock()
        #: the jobs this process runs, their progress and how to stop them
        self.runs = Runs(lambda: self.journal, self.adapter, self.refuse_while_busy, clock)

    @property
    def journal(self) -> Journal:
        """Opened when first asked for, once, whichever thread asks first."""
        journal = self._opened_journal
        if journal is None:
            with self._opening:
                journal = self._opened_journal
                if journal is None:
                    assert self._opens_journal is not None
                    journal = self._opened_journal = self._opens_journal()
        return journal

    async def open_journal(self) -> Journal:
        """The journal, opened in a thread the first time: loading SQLAlchemy and making a
        new journal take a third of a second, which the event loop (keys, the first
        screen) should not wait for."""
        if self._opened_journal is None:
            return await asyncio.to_thread(lambda: self.journal)
        return self._opened_journal

    def close_journal(self) -> None:
        """Close the journal if it was opened (never opens it only to close it)."""
        if self._opened_journal is not None:
            self._opened_journal.close()

    # -- adapters --------------------------------------------------------------------------

    async def adapter(self, name: str) -> Adapter:
        """The account's adapter: its writes spaced with everyone's who writes the journal on
        the same numbers, and the "slow down"s it hears kept there (and heeded, from any
        process)."""
        async with self._wiring:  # wired once, however many ask at once
            adapter = await self._opened(name)
            if name not in self._wired:
                journal = await self.open_journal()
                adapter.share_writes(journal.turns(adapter.provider))
                adapter.remember(journal.slowdowns(name))
                self._wired.add(name)
        return adapter

    def opened(self, name: str) -> Adapter | None:
        """The account's adapter if it has been opened (never opens one)."""
        return self._opened.adapters.get(name)

    async def forget_adapter(self, name: str) -> None:
        self._wired.discard(name)
        await self._opened.forget(name)

    async def aclose(self) -> None:
        await self._opened.aclose()

    # -- proposing -------------------------------------------------------------------------

    def refuse_while_busy(self) -> None:
        """One job at a time: two would share the accounts' pace and blur who sent what."""
        if self.runs.stopping:
            raise Refused("RosterDeck is ending: the job stays for the next start.")
        if self.runs.busy:
            raise Refused(
                "A job is running: wait for it to end, or cancel it (c on its screen) first."
            )

    def refuse_busy_places(
        self, places: Sequence[tuple[Provider, Container]], job_id: str = ""
    ) -> None:
        """One job at a time on a place, whoever runs it from wherever: a second would race
        the first for the same members. A job (`job_id`, or a place of it) running
        elsewhere is said to be running."""
        for provider, container in places:
            runner = self.journal.running_on(provider, container.id)
            if runner is None:
                continue
            if job_id and runner.job_id in {job_id, *self._part_ids(job_id)}:
                raise busy_job(runner)
            raise busy_place(runner, f"{place(container.where)} ({provider.label})")

    def _part_ids(self, job_id: str) -> list[str]:
        return [part.id for part in self._parts(job_id)[0]]

    async def propose(self, plan: Plan, *, unmatched: Sequence[str] = ()) -> Proposal:
        """A new job on one container: remove, delete contacts or a source, add back."""
        self.refuse_while_busy()
        self.refuse_busy_places([(plan.provider, plan.container)])
        adapter = await self.adapter(plan.account)
        abilities = adapter.capabilities_at(plan.container)
        label = plan.provider.label
        if plan.operation is Operation.DELETE_CONTACTS and not abilities.can_delete_contacts:
            raise Refused(f"{label} cannot delete contacts.")
        if plan.operation is Operation.DELETE_SOURCE and not abilities.can_delete_sources:
            raise Refused(f"{label} has no sources to delete.")
        if plan.operation is Operation.ADD_BACK and not abilities.can_undo:
            raise Refused(f"{label} cannot add members back: this job cannot be undone.")
        refuse_unsendable(adapter, plan.container)
        if not plan.members and plan.operation is not Operation.DELETE_SOURCE:
            reasons = "; ".join(sorted({why for _, why in plan.skipped})) or "nobody was named"
            raise Refused(nothing_to_send(plan.container, reasons))
        guess = estimate(adapter, self.journal, plan)
        lines = plan_words(plan, abilities, guess, unmatched)
        adding = plan.operation is Operation.ADD_BACK
        hits = on_register(self.journal, plan.members) if adding else []
        if hits:
            lines += register_words(hits)
        removal = plan.operation is Operation.REMOVE_FROM_CONTAINER
        verb = {
            Operation.ADD_BACK: "Add back",
            Operation.DELETE_CONTACTS: "Delete",
            Operation.DELETE_SOURCE: "Delete",
        }.get(plan.operation, "Remove")
        return Proposal(
            kind=Kind.NEW,
            lines=tuple(lines),
            word=plan.confirmation_word,
            label=verb,
            reason_required=reason_required(self.workspace.account(plan.account)),
            plan=plan,
            suppressed=tuple(dict.fromkeys(entry.id for _, entry in hits)),
            registered=tuple(dict.fromkeys(a for _, entry in hits for a in entry.addresses)),
            offers_suppress=removal,
            invites=(plan.container,) if removal and adapter.has_invite_links else (),
        )

    async def propose_everywhere(self, plan: EverywherePlan) -> Proposal:
        """One person off every place found, one part a place (`everywhere_proposal`)."""
        return await everywhere_proposal.propose_everywhere(self, plan)

    async def propose_community(
        self, account: str, container: Container, members: Sequence[Member]
    ) -> Proposal:
        """These members off every group of their WhatsApp community (`everywhere_proposal`)."""
        return await everywhere_proposal.propose_community(self, account, container, members)

    def _parts(self, job_id: str) -> tuple[list[Job], EverywhereJob | None]:
        return parts_of(self.journal, job_id)

    async def propose_resume(self, job_id: str) -> Proposal:
        """The rest of a stopped job (`follow_ups`)."""
        return await follow_ups.propose_resume(self, job_id)

    async def propose_retry(self, job_id: str) -> Proposal:
        """Only the failed of a job, sent again (`follow_ups`)."""
        return await follow_ups.propose_retry(self, job_id)

    async def propose_undo(self, job_id: str) -> Proposal:
        """The people a removal took out, added back where the provider can (`follow_ups`)."""
        return await follow_ups.propose_undo(self, job_id)

    async def propose_forget(self, addresses: Sequence[str]) -> Proposal:
        """Erase a person from RosterDeck's own records (the journal, the register's copy of
        their addresses, the exports that name them); they stay suppressed."""
        self.refuse_while_busy()
        found = forget.find(self.journal, self.workspace.exports_path(), addresses)
        return Proposal(
            kind=Kind.FORGET,
            lines=tuple(forget.words(found)),  # what stays, what the journal keeps
            word=str(found.count),
            label="Erase",
            reason_required=True,
            forgetting=found,
        )

    def forget(
        self, proposal: Proposal, *, typed: str | None = None, reason: str = ""
    ) -> forget.Forgotten:
        """Erase what the proposal found, once agreed, with why (which must not name them)."""
        kept = self.check(proposal, typed=typed, reason=reason, override="")
        assert proposal.forgetting is not None
        exports = self.workspace.exports_path()
        verify = verify_command(self.workspace)
        return forget.forget(self.journal, exports, proposal.forgetting, kept, verify)

    # -- confirming ------------------------------------------------------------------------

    def check(
        self,
        proposal: Proposal,
        *,
        typed: str | None,
        reason: str,
        override: str,
    ) -> str:
        """Refuse what is missing, in one sentence, before anything is journaled; returns the
        reason as it will be kept. `typed` is None where the face confirmed another way (the
        shell's --yes). Adding back people on the register takes an `override` reason; a
        reason kept on the chain must not name the people it is about. Every face says all
        three, so that none forgets one."""
        self.refuse_while_busy()
        self.refuse_busy_places(self._places(proposal), proposal.job_id)
        if typed is not None and proposal.word and not typed_matches(typed, proposal.word):
            raise Refused(f"Type {proposal.word} exactly to confirm; nothing was sent.")
        kept = " ".join(reason.split())
        if proposal.reason_required and not kept:
            if proposal.kind is Kind.FORGET:
                raise Refused(FORGET_WHY)
            raise Refused(WHY_REQUIRED.format(account="This account"))
        if proposal.suppressed and not override.strip():
            raise Refused(refusal(len(proposal.suppressed)))
        for which, text in (("reason", kept), ("override's reason", override)):
            if text and names_them(text, addresses_in(proposal)):
                raise Refused(naming_refusal(which))
        return kept

    def _places(self, proposal: Proposal) -> list[tuple[Provider, Container]]:
        """Where a proposal acts: its plan's place, its everywhere plan's, or its job's."""
        if proposal.plan is not None:
            return [(proposal.plan.provider, proposal.plan.container)]
        if proposal.everywhere is not None:
            return [(part.provider, part.container) for part in proposal.everywhere.acting]
        if not proposal.job_id:  # forgetting someone acts on no place of any provider
            return []
        return [(part.provider, part.container) for part in self._parts(proposal.job_id)[0]]

    def confirm(
        self,
        proposal: Proposal,
        *,
        typed: str | None = None,
        reason: str = "",
        dry_run: bool = False,
        suppress: bool = False,
        revoke_invites: bool = False,
        override: str = "",
    ) -> Ticket:
        """Journal what was agreed (the plan before anything is sent) and hand back the job
        to run. In the plan's transaction: the people put on the do-not-re-add register (an
        everywhere job always, a removal when asked), an override and its reason, the invite
        links to revoke once they are removed. A dry run does none of these."""
        kept, extras = self._agreed(proposal, typed, reason, override, suppress, revoke_invites)
        return self._journal(proposal, kept, dry_run, extras)

    async def confirm_in_thread(
        self,
        proposal: Proposal,
        *,
        typed: str | None = None,
        reason: str = "",
        dry_run: bool = False,
        suppress: bool = False,
        revoke_invites: bool = False,
        override: str = "",
    ) -> Ticket:
        """`confirm`, refused at once when something is missing, then journaled in a worker
        thread: a plan of 100,000 members takes seconds to write, and the app's keys must
        not wait for it. Meanwhile the desk counts as busy, as while a job runs."""
        kept, extras = self._agreed(proposal, typed, reason, override, suppress, revoke_invites)
        self.runs.confirming += 1
        try:
            return await asyncio.to_thread(self._journal, proposal, kept, dry_run, extras)
        finally:
            self.runs.confirming -= 1

    def _agreed(
        self,
        proposal: Proposal,
        typed: str | None,
        reason: str,
        override: str,
        suppress: bool,
        revoke_invites: bool,
    ) -> tuple[str, Extras]:
        """What both ways of confirming check first: the reason kept, and what comes with
        the plan (the register, an override, invite links to revoke)."""
        kept = self.check(proposal, typed=typed, reason=reason, override=override)
        return kept, Extras(suppress, revoke_invites, " ".join(override.split()))

    def _journal(self, proposal: Proposal, kept: str, dry_run: bool, extras: Extras) -> Ticket:
        if proposal.kind in (Kind.NEW, Kind.UNDO):
            assert proposal.plan is not None
            plan = replace(proposal.plan, reason=kept or proposal.plan.reason, dry_run=dry_run)
            also = None if dry_run else extras.with_plan(self.journal, proposal, plan)
            job_id = record_plan(self.journal, plan, proposal.job_id or None, also)
            self.runs.known(job_id, Progress.of_plan(plan, self.runs.clock))
            return Ticket(job_id, new=True, dry_run=dry_run)
        if proposal.kind is Kind.EVERYWHERE:
            assert proposal.everywhere is not None
            chosen = replace(proposal.everywhere, reason=kept, dry_run=dry_run)
            also = None if dry_run else extras.with_everywhere(self.journal, proposal, chosen)
            job_id = record_everywhere(self.journal, chosen, also)
            return Ticket(job_id, everywhere=True, dry_run=dry_run)
        whole = self.journal.is_everywhere(proposal.job_id)
        if proposal.kind is Kind.RETRY:
            assert proposal.only is not None
            for part_id, ids in proposal.only.items():
                self.journal.reset(part_id, ids, "to be sent again (retry of the failed)")
        return Ticket(proposal.job_id, everywhere=whole, only=proposal.only)
