"""The shell's face of the desk: a proposal shown as the desk words it, agreed on the
terminal (or by --yes), and a run printed member by member as each settles."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import json
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

from providers.accounts.workspace import Workspace, command, verify_command
from providers.errors import ConfigurationError
from providers.jobs import still_off
from providers.jobs.desk import Desk
from providers.jobs.events import Event, Settled
from providers.jobs.forget import finish_unfinished
from providers.jobs.invites import NO_INVITES, offer
from providers.jobs.proposal import Proposal, Ticket
from providers.jobs.staying_off import SUPPRESS_OFFER
from providers.journal import Journal
from providers.journal.records import EverywhereJob, Item, Job, JobState
from providers.models import STATE_WORDS, Member, Outcome
from providers.signals import stopping_on_signals
from providers.text import json_text, many, shown

WOULD = Outcome.WOULD_REMOVE.value


async def ask(prompt: str) -> str:
    """The answer typed after `prompt` ('' at end of input). Read on a thread of its own
    that nothing waits for, so ctrl+c (or a stop signal) ends the command at once: a pool
    thread left in `input()` would hold the process open until enter is pressed."""
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[str] = loop.create_future()

    def settle(line: str) -> None:
        if not answer.done():
            answer.set_result(line)

    def read() -> None:
        try:
            line = input(prompt)
        except (EOFError, OSError):  # ctrl+d, or the terminal went away: no answer
            line = ""
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is asking
            loop.call_soon_threadsafe(settle, line)

    threading.Thread(target=read, name="answer", daemon=True).start()
    return (await answer).strip()


def say(line: str) -> None:
    """One line of a run's progress. The terminal may have gone mid-run (its SIGHUP is on
    its way): the line is dropped, not raised, since the journal keeps it."""
    try:
        print(line, flush=True)
    except OSError as error:
        if error.errno != errno.EIO:
            raise


def open_journal(workspace: Workspace) -> Journal:
    """The workspace's journal; what opening it changed (and an erasure it finished, cut
    short before) is said once, on stderr."""
    journal = Journal(workspace.journal_path())
    exports, verify = workspace.exports_path(), verify_command(workspace)
    journal.notices += finish_unfinished(journal, exports, verify)
    for notice in journal.notices:
        print(notice, file=sys.stderr)
    return journal


def show(proposal: Proposal, dry_run: bool = False) -> None:
    if dry_run:
        print("DRY RUN: nothing will be sent.")
    print(proposal.words, flush=True)


async def agreed(proposal: Proposal, assume_yes: bool, dry_run: bool = False) -> str | None:
    """What the person typed to confirm (the desk checks it), or None where --yes (or a dry
    run, which sends nothing) stands for it. Without a terminal and --yes: refused."""
    if assume_yes or dry_run:
        return None
    if not sys.stdin.isatty():
        raise ConfigurationError(
            f"Refusing to {proposal.label.lower()} without --yes: there is no terminal to "
            "confirm on. Nothing was sent."
        )
    if proposal.word:
        return await ask(f"Type {proposal.word} to {proposal.label.lower()}: ")
    if (await ask(f"{proposal.label}? [y/N] ")).lower() not in ("y", "yes"):
        raise ConfigurationError("Not confirmed; nothing was sent.")
    return None


def printer(desk: Desk, ticket: Ticket, quiet: bool) -> Callable[[str, Event], None]:
    """Each member's outcome, one line as it settles: who, where (for an everywhere job) and
    the provider's words when it said no."""
    parts = desk.journal.everywhere(ticket.job_id).parts if ticket.everywhere else []
    places = {part.id: f" in {shown(part.container.where)} ({part.account})" for part in parts}
    members: dict[str, dict[str, Member]] = {}

    def said(part_id: str, event: Event) -> None:
        if quiet or not isinstance(event, Settled):
            return
        if part_id not in members:
            members[part_id] = {i.member.id: i.member for i in desk.journal.items(part_id)}
        for o in event.outcomes:
            member = members[part_id].get(o.member_id, Member(id=o.member_id))
            words = f" ({o.code}: {o.message})" if o.code or o.outcome is Outcome.FAILED else ""
            say(member_line(o.outcome.value, member, places.get(part_id, ""), words))

    return said


def member_line(state: str, member: Member, where: str = "", words: str = "") -> str:
    label = f"{member.name or member.address or member.id} <{member.address or member.id}>"
    return f"{STATE_WORDS[state]:<17} {shown(label)}{where}{shown(words)}"


def would_remove(proposal: Proposal) -> list[tuple[str, Item]]:
    """A dry run's members as its plan has them, each with its place where there are
    several: the journal keeps only their counts."""
    plans = [proposal.plan] if proposal.plan is not None else []
    if proposal.everywhere is not None:
        plans = list(proposal.everywhere.acting)
    return [
        (
            f" in {shown(plan.container.where)} ({plan.account})" if len(plans) > 1 else "",
            Item(m, WOULD),
        )
        for plan in plans
        for m in plan.members
    ]


def counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{STATE_WORDS.get(s, s)} {n:,}" for s, n in sorted(counts.items()) if n)


def summary(job: Job | EverywhereJob) -> str:
    note = f" — {shown(job.note)}" if isinstance(job, Job) and job.note else ""
    dry = " · dry run" if job.dry_run else ""
    return f"Job {job.id} {job.state.value}: {counted(job.counts) or 'nothing to do'}{dry}{note}"


@dataclass(frozen=True)
class Asked:
    """What the shell's options add to a job: --suppress, --revoke-invite, --override."""

    suppress: bool = False
    revoke_invites: bool = False
    override: str = ""

    @classmethod
    def of(cls, args: argparse.Namespace) -> Asked:
        return cls(
            getattr(args, "suppress", False),
            getattr(args, "revoke_invite", False),
            getattr(args, "override", "") or "",
        )

    def lines(self, proposal: Proposal) -> list[str]:
        """What they add, in the words the app's dialog shows beside its boxes."""
        said = [": ".join(SUPPRESS_OFFER)] if self.suppress and proposal.offers_suppress else []
        if self.revoke_invites:
            places = [c.where for c in proposal.invites]
            said.append(": ".join(offer(places)) if places else NO_INVITES)
        return said


async def act(
    desk: Desk,
    proposal: Proposal,
    *,
    yes: bool,
    reason: str = "",
    dry_run: bool = False,
    as_json: bool = False,
    asked: Asked = Asked(),
) -> int:
    """Show the proposal, agree it, journal it, run it printing each member, and finish:
    the same steps for every action that sends."""
    # a missing reason or override is said before anything is asked
    desk.check(proposal, typed=None, reason=reason, override=asked.override)
    if not as_json:
        show(proposal, dry_run)
        for line in asked.lines(proposal):
            print(line)
    typed = await agreed(proposal, yes, dry_run)
    ticket = desk.confirm(
        proposal,
        typed=typed,
        reason=reason,
        dry_run=dry_run,
        suppress=asked.suppress,
        revoke_invites=asked.revoke_invites,
        override=asked.override,
    )
    if not as_json:
        sending = "a dry run: nothing is sent." if dry_run else "sending."
        print(f"Job {ticket.job_id} journaled; {sending}", flush=True)
    with stopping_on_signals(desk.runs.interrupt_all):  # a stop's grace may cut the run short
        await desk.runs.run(ticket, printer(desk, ticket, as_json))
    planned = would_remove(proposal) if ticket.dry_run else []
    for where, item in planned if not as_json else ():
        say(member_line(item.state, item.member, where))
    journal = desk.journal
    if not as_json:
        for line in still_off.lines(journal, ticket.job_id, _parts(journal, ticket)):
            print(line)
    if ticket.everywhere:
        return finish_everywhere(journal.everywhere(ticket.job_id), as_json, desk.workspace)
    items = [item for _, item in planned] if ticket.dry_run else None
    return finish(journal.job(ticket.job_id), journal, as_json, desk.workspace, items)


def _parts(journal: Journal, ticket: Ticket) -> list[Job]:
    if ticket.everywhere:
        return journal.everywhere(ticket.job_id).parts
    return [journal.job(ticket.job_id)]


def finish(
    job: Job,
    journal: Journal,
    as_json: bool,
    workspace: Workspace,
    items: list[Item] | None = None,
) -> int:
    """The job's end in a line, or as a document with its members (`items`, where the
    journal does not keep them)."""
    if as_json:
        members = [
            {
                **i.member.as_dict(),
                "outcome": i.state,
                "code": i.code,
                "message": i.message,
            }
            for i in (journal.items(job.id) if items is None else items)
        ]
        document = {"job": job.model_dump(mode="json"), "members": members}
        sys.stdout.write(json_text(document) + "\n")
    else:
        print(summary(job))
        if job.state in (JobState.INTERRUPTED, JobState.PAUSED, JobState.CANCELLED):
            print(f"Resume with: {command(workspace, 'resume', job.id)}")
        if job.counts.get(Outcome.FAILED.value):
            print(f"Send the failed again with: {command(workspace, 'retry', job.id)}")
    bad = job.counts.get(Outcome.FAILED.value, 0) + job.unsettled
    return 0 if job.state is JobState.FINISHED and not bad else 1


def finish_everywhere(job: EverywhereJob, as_json: bool, workspace: Workspace) -> int:
    """0 only when every place is done and nothing was left unsearched."""
    failed = job.counts.get(Outcome.FAILED.value, 0)
    if as_json:
        told = {"state": job.state.value, "counts": job.counts, "unsettled": job.unsettled}
        document = {**told, **json.loads(job.model_dump_json())}
        sys.stdout.write(json_text(document) + "\n")
    else:
        print(f"{summary(job)}.")
        for part in job.parts:
            if part.note and part.state is not JobState.FINISHED:
                print(f"  {shown(part.container.where)} ({part.account}): {shown(part.note)}")
        if job.unsearched:
            print(f"Not searched, so not certain: {many(len(job.unsearched), 'place')}.")
        if job.unsettled or job.counts.get(Outcome.CANCELLED.value):
            print(f"Resume with: {command(workspace, 'resume', job.id)}")
        if failed:
            print(f"Send the failed again with: {command(workspace, 'retry', job.id)}")
        print(f"Receipt: {command(workspace, 'jobs', 'receipt', job.id)}")
    whole = job.state is JobState.FINISHED and not failed and not job.unsettled
    return 0 if whole and not job.unsearched else 1
