"""`rosterdeck remove`, `jobs`, `resume` and `undo`: the same engine and journal as the app."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from providers.accounts import reason_required
from providers.cli.asking import ask, confirm, say
from providers.cli.everywhere import remove_everywhere, resume_everywhere
from providers.costs import cost, pace
from providers.errors import ConfigurationError
from providers.journal import Journal
from providers.lookup import plan_for_entries
from providers.matching import entries_from_file
from providers.models import STATE_WORDS, Member, Operation, Outcome
from providers.protocol import Adapter
from providers.receipts import FORMATS, receipt
from providers.records import Job, JobState
from providers.removal import (
    VERBS,
    Engine,
    Event,
    Plan,
    Settled,
    estimate,
    record_plan,
    undo_plan,
)
from providers.signals import stopping_on_signals
from providers.workspace import Workspace


def _entries(args: argparse.Namespace) -> list[str]:
    entries = list(args.members)
    if args.from_file:
        entries += entries_from_file(Path(args.from_file).expanduser())
    if not entries:
        raise ConfigurationError("Name the members to remove, or give --from FILE.")
    return entries


def describe(plan: Plan) -> str:
    container = plan.container
    where = container.where
    verb = VERBS[plan.operation]
    lines = [
        f"{'DRY RUN: ' if plan.dry_run else ''}{verb.capitalize()} {where} "
        f"({plan.account}, {plan.provider.label}): {len(plan.members)} member(s).",
    ]
    if plan.members:
        names = ", ".join(m.name or m.address or m.id for m in plan.members[:5])
        more = f" and {len(plan.members) - 5} more" if len(plan.members) > 5 else ""
        lines.append(f"  {names}{more}")
    for member, reason in plan.skipped:
        lines.append(f"  skipped: {member.name or member.address or member.id} ({reason})")
    return "\n".join(lines)


def _summary(job: Job) -> str:
    parts = [
        f"{STATE_WORDS.get(state, state)} {count}" for state, count in sorted(job.counts.items())
    ]
    note = f" — {job.note}" if job.note else ""
    return f"Job {job.id} {job.state.value}: " + ", ".join(parts) + note


async def _run(adapter: Adapter, journal: Journal, job_id: str, quiet: bool) -> Job:
    members = {i.member.id: i.member for i in journal.items(job_id)}

    def show(event: Event) -> None:
        if quiet or not isinstance(event, Settled):
            return
        for o in event.outcomes:
            member = members.get(o.member_id, Member(id=o.member_id))
            said = f" ({o.code}: {o.message})" if o.code or o.outcome is Outcome.FAILED else ""
            label = member.name or member.address or member.id
            say(f"{STATE_WORDS[o.outcome.value]:<17} {label} <{member.address or member.id}>{said}")

    engine = Engine(adapter, journal, on_event=show)
    with stopping_on_signals(engine.interrupt):
        await engine.run(job_id)
    return journal.job(job_id)


def _finish(job: Job, journal: Journal, as_json: bool) -> int:
    if as_json:
        items = [
            {
                **i.member.as_dict(),
                "outcome": i.state,
                "code": i.code,
                "message": i.message,
            }
            for i in journal.items(job.id)
        ]
        json.dump({"job": job.model_dump(mode="json"), "members": items}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(_summary(job))
        if job.state is JobState.INTERRUPTED:
            print(f"Resume with: rosterdeck resume {job.id}")
    bad = job.counts.get(Outcome.FAILED.value, 0) + job.unsettled
    return 0 if job.state is JobState.FINISHED and not bad else 1


async def remove(args: argparse.Namespace, workspace: Workspace) -> int:
    if args.everywhere:
        if args.account or args.from_file or args.delete_contacts:
            raise ConfigurationError(
                "--everywhere takes only the person's addresses: it finds the accounts, "
                "groups and lists itself (no ACCOUNT, CONTAINER, --from or --delete-contacts)."
            )
        return await remove_everywhere(args, workspace)
    if not args.account or not args.container:
        raise ConfigurationError(
            "Name the account and the group or list: `rosterdeck remove ACCOUNT CONTAINER "
            "MEMBER...`, or `rosterdeck remove --everywhere ADDRESS...` for one person."
        )
    reason = " ".join(args.reason.split())
    if not reason and reason_required(workspace.account(args.account)):
        raise ConfigurationError(
            f"The account {args.account} asks why for every job: give --reason "
            '"TICKET-123: unsubscribe" (a ticket or a few words). Nothing was sent.'
        )
    adapter = await workspace.open(args.account)
    try:
        operation = (
            Operation.DELETE_CONTACTS if args.delete_contacts else Operation.REMOVE_FROM_CONTAINER
        )
        if args.delete_contacts and not adapter.capabilities.can_delete_contacts:
            raise ConfigurationError(f"{adapter.provider.label} cannot delete contacts.")
        plan, unmatched = await plan_for_entries(
            adapter, args.account, args.container, _entries(args), operation, dry_run=args.dry_run
        )
        plan = replace(plan, reason=reason)
        container = plan.container
        if unmatched and not args.ignore_absent:
            listed = ", ".join(unmatched[:10])
            raise ConfigurationError(
                f"{len(unmatched)} of the given members matched nobody in "
                f"{container.name}: {listed}. Nothing was sent (--ignore-absent removes the "
                "others and reports these as already absent)."
            )
        if not plan.members and not unmatched:
            reasons = "; ".join(sorted({reason for _, reason in plan.skipped}))
            raise ConfigurationError(f"Nothing can be removed from {container.name}: {reasons}.")
        journal = Journal(workspace.journal_path())
        if not args.json:
            print(describe(plan))
            for entry in unmatched:
                print(f"{STATE_WORDS[Outcome.ALREADY_ABSENT.value]:<17} {entry} (not a member)")
            if plan.members:
                print(cost(estimate(adapter, journal, plan)))
                if said := pace(adapter.capabilities):
                    print(said)
        if not plan.members:
            return 0
        await confirm(plan.confirmation_word, args.yes, plan.dry_run)
        job_id = record_plan(journal, plan)
        if not args.json:
            print(f"Job {job_id} journaled; sending.", flush=True)
        return _finish(await _run(adapter, journal, job_id, args.json), journal, args.json)
    finally:
        await adapter.aclose()


def verify(journal: Journal, as_json: bool) -> int:
    """Exit 0 when the chain holds and the tables agree with it; 1, saying where, if not."""
    verdict = journal.verify()
    if as_json:
        document = {"whole": verdict.whole, "events": verdict.events, "jobs": verdict.jobs}
        json.dump({**document, "breaks": verdict.breaks}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif verdict.whole:
        jobs = f"{verdict.jobs:,} job{'s' * (verdict.jobs != 1)}"
        print(f"✓ The journal is whole: {verdict.events:,} events over {jobs}.")
    else:
        print(f"✗ The journal was changed outside RosterDeck ({len(verdict.breaks)} places):")
        for place in verdict.breaks[:20]:
            print(f"  {place}")
    return 0 if verdict.whole else 1


async def jobs(args: argparse.Namespace, workspace: Workspace) -> int:
    journal = Journal(workspace.journal_path())
    if args.action == "verify":
        return verify(journal, args.json)
    if args.action == "receipt":
        if not args.job:
            raise ConfigurationError("Which job? `rosterdeck jobs receipt JOB` (ids: `jobs`).")
        sys.stdout.write(receipt(journal, args.job, args.format))
        return 0
    listed = journal.jobs()
    everywhere = journal.everywhere_jobs()
    if args.json:
        documents = [j.model_dump(mode="json") for j in listed]
        documents += [
            {**e.model_dump(mode="json", exclude={"parts"}), "kind": "everywhere"}
            for e in everywhere
        ]
        json.dump(documents, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    if not listed:
        print("No jobs yet.")
        return 0
    apart = [(job.created_at, [_job_line(job)]) for job in listed if not job.part_of]
    apart += [
        (
            e.created_at,
            [
                f"{e.id}  {e.created_at[:19]}  {e.operator or e.user}  everywhere: remove "
                f"{', '.join(e.addresses)}  {e.state.value}  {_counted(e.counts)}"
                + (f"  why: {e.reason}" if e.reason else ""),
                *(f"  ↳ {_job_line(part)}" for part in e.parts),
            ],
        )
        for e in everywhere
    ]
    for _, lines in sorted(apart, key=lambda entry: entry[0], reverse=True):
        print("\n".join(lines))
    return 0


def _job_line(job: Job) -> str:
    why = f"  why: {job.reason}" if job.reason and not job.part_of else ""
    return (
        f"{job.id}  {job.created_at[:19]}  {job.operator or job.user}  {job.account}  "
        f"{VERBS[job.operation]} {job.container.name}  {job.state.value}  "
        f"{_counted(job.counts)}{why}"
    )


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{STATE_WORDS.get(s, s)} {n}" for s, n in sorted(counts.items()))


async def resume(args: argparse.Namespace, workspace: Workspace) -> int:
    journal = Journal(workspace.journal_path())
    if journal.is_everywhere(args.job):
        everywhere = journal.everywhere(args.job)
        if not everywhere.unsettled and not everywhere.counts.get(Outcome.CANCELLED.value):
            print("Nothing left to do.")
            return 0
        print(f"Job {everywhere.id}: {everywhere.unsettled} place member(s) not settled.")
        await _resume_agreed(args.yes)
        return await resume_everywhere(journal, everywhere, workspace)
    job = journal.job(args.job)
    if not job.unsettled:
        print(_summary(job))
        print("Nothing left to do.")
        return 0
    print(f"Job {job.id}: {job.unsettled} member(s) not settled in {job.container.name}.")
    await _resume_agreed(args.yes)
    adapter = await workspace.open(job.account)
    try:
        return _finish(await _run(adapter, journal, job.id, False), journal, False)
    finally:
        await adapter.aclose()


async def _resume_agreed(assume_yes: bool) -> None:
    if assume_yes:
        return
    if not sys.stdin.isatty():
        raise ConfigurationError(
            "Refusing to resume without --yes: there is no terminal to confirm on."
        )
    if (await ask("Resume? [y/N] ")).lower() not in ("y", "yes"):
        raise ConfigurationError("Not confirmed; nothing was sent.")


async def undo(args: argparse.Namespace, workspace: Workspace) -> int:
    journal = Journal(workspace.journal_path())
    if journal.is_everywhere(args.job):
        parts = [p.id for p in journal.everywhere(args.job).parts if p.counts.get("removed")]
        raise ConfigurationError(
            f"Job {args.job} took one person off several places; each place is undone on its "
            f"own: `rosterdeck undo PLACE` with one of {', '.join(parts) or 'none removed'} "
            "(`rosterdeck jobs` lists them under it)."
        )
    plan = undo_plan(journal, args.job)
    print(describe(plan))
    await confirm(plan.confirmation_word, args.yes, plan.dry_run)
    adapter = await workspace.open(plan.account)
    try:
        if not adapter.capabilities.can_undo:
            raise ConfigurationError(f"{adapter.provider.label} cannot add members back.")
        job_id = record_plan(journal, plan, undo_of=args.job)
        return _finish(await _run(adapter, journal, job_id, False), journal, False)
    finally:
        await adapter.aclose()


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rm = commands.add_parser(
        "remove",
        help="remove members (journaled; resumable), or one person from everywhere",
        usage="%(prog)s ACCOUNT CONTAINER MEMBER... [options]\n"
        "       %(prog)s --everywhere ADDRESS... [--reason TEXT] [--yes] [--json] [--dry-run]",
    )
    rm.add_argument("account", nargs="?", help="the account (not with --everywhere)")
    rm.add_argument(
        "container", nargs="?", help="an id as `containers` prints it, the bare id, or the name"
    )
    rm.add_argument("members", nargs="*", help="ids, phone numbers or emails")
    rm.add_argument(
        "--everywhere",
        nargs="+",
        metavar="ADDRESS",
        help="one person's phones, emails or ids: find them in every account and remove them "
        "from every group and list, as one job with a receipt",
    )
    rm.add_argument("--from", dest="from_file", help="a file of members (one per line, or CSV)")
    rm.add_argument("--dry-run", action="store_true", help="walk the whole flow, send nothing")
    rm.add_argument(
        "--ignore-absent",
        action="store_true",
        help="remove those that are members; report the others as already absent (exit 0)",
    )
    rm.add_argument(
        "--reason",
        default="",
        help="why: a ticket or reason, kept with the job (an account can require one)",
    )
    rm.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    rm.add_argument("--json", action="store_true", help="print one JSON report at the end")
    rm.add_argument("--delete-contacts", action="store_true", help="RASL: delete the contacts")
    rm.set_defaults(run=remove)
    listing = commands.add_parser(
        "jobs", help="past and unfinished removal jobs; `jobs verify` checks the journal"
    )
    listing.add_argument(
        "action",
        nargs="?",
        choices=["verify", "receipt"],
        help="verify: check the journal's hash chain and that its tables agree with it; "
        "receipt JOB: the job's receipt, to attach to the ticket",
    )
    listing.add_argument("job", nargs="?", help="with receipt: the job's id")
    listing.add_argument(
        "--format", choices=FORMATS, default="md", help="with receipt: md (default), json or csv"
    )
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=jobs)
    res = commands.add_parser("resume", help="finish an interrupted job without repeating anything")
    res.add_argument("job")
    res.add_argument("--yes", action="store_true")
    res.set_defaults(run=resume)
    back = commands.add_parser("undo", help="add back the members a job removed")
    back.add_argument("job")
    back.add_argument("--yes", action="store_true")
    back.set_defaults(run=undo)
