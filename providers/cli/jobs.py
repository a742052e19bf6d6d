"""`rosterdeck remove`, `jobs`, `resume`, `retry` and `undo`: the shell's face of the desk,
which proposes, confirms, journals and runs every job the same way as the app."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from providers.accounts.workspace import Workspace, verify_command
from providers.cli.everywhere import remove_everywhere
from providers.cli.face import Asked, act, counted, open_journal
from providers.errors import ConfigurationError, NothingToDo
from providers.jobs.desk import Desk
from providers.jobs.lookup import propose_entries
from providers.jobs.plans import VERBS
from providers.jobs.receipts import FORMATS, receipt, receipt_head
from providers.journal import Journal
from providers.journal.records import EverywhereJob, Job
from providers.matching import Given, entries_from_file
from providers.models import Operation
from providers.text import json_text, many, shown


def _entries(args: argparse.Namespace) -> list[Given]:
    entries: list[Given] = list(args.members)
    if args.from_file:
        entries += entries_from_file(Path(args.from_file).expanduser())
    if not entries:
        raise ConfigurationError("Name the members to remove, or give --from FILE.")
    return entries


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
    entries = _entries(args)  # a file that cannot be read is said before any call
    desk = Desk(workspace, open_journal(workspace))
    try:
        operation = (
            Operation.DELETE_CONTACTS if args.delete_contacts else Operation.REMOVE_FROM_CONTAINER
        )
        proposal = await propose_entries(
            desk,
            args.account,
            args.container,
            entries,
            operation,
            ignore_absent=args.ignore_absent,
            reason=args.reason,
        )
        return await act(
            desk,
            proposal,
            yes=args.yes,
            reason=args.reason,
            dry_run=args.dry_run,
            as_json=args.json,
            asked=Asked.of(args),
        )
    finally:
        await desk.aclose()


def _receipt_breaks(journal: Journal, receipts: list[str]) -> list[str]:
    """Each receipt names the chain's head when it was written: the chain must still hold it."""
    breaks = []
    for name in receipts:
        try:
            head = receipt_head(Path(name).expanduser().read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigurationError(f"The receipt {name} cannot be read: {error}.") from None
        if head is None:
            breaks.append(f"{name}: names no journal head (is it a RosterDeck receipt?)")
        elif not journal.holds(head):
            breaks.append(
                f"{name}: the journal no longer holds event {head.seq} as this receipt saw "
                "it: it was cut short or rewritten after the receipt was written"
            )
    return breaks


def verify(journal: Journal, as_json: bool, receipts: list[str] | None = None) -> int:
    """Exit 0 when the chain holds, the tables agree with it and it still holds each
    receipt's head; 1, saying where, if not."""
    verdict = journal.verify()
    breaks = verdict.breaks + _receipt_breaks(journal, receipts or [])
    verdict = replace(verdict, breaks=breaks)
    if as_json:
        document = {"whole": verdict.whole, "events": verdict.events, "jobs": verdict.jobs}
        json.dump({**document, "breaks": verdict.breaks}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif verdict.whole:
        jobs = f"{verdict.jobs:,} job{'s' * (verdict.jobs != 1)}"
        held = f" It holds the head of {many(len(receipts), 'receipt')}." if receipts else ""
        events = f"{verdict.events:,} event{'s' * (verdict.events != 1)}"
        print(f"✓ The journal is whole: {events} over {jobs}.{held}")
    else:
        count = len(verdict.breaks)
        print(f"✗ The journal was changed outside RosterDeck ({count} place{'s' * (count != 1)}):")
        for place in verdict.breaks[:20]:
            print(f"  {shown(place)}")
    return 0 if verdict.whole else 1


async def jobs(args: argparse.Namespace, workspace: Workspace) -> int:
    journal = open_journal(workspace)
    if args.receipt and args.action != "verify":
        raise ConfigurationError(
            "--receipt goes with verify: `rosterdeck jobs verify --receipt FILE`."
        )
    if args.action == "verify":
        return verify(journal, args.json, args.receipt)
    if args.action == "receipt":
        if not args.job:
            raise ConfigurationError("Which job? `rosterdeck jobs receipt JOB` (ids: `jobs`).")
        sys.stdout.write(receipt(journal, args.job, args.format, verify_command(workspace)))
        return 0
    # newest first; an everywhere job before its places, each place right after it
    entries: list[tuple[str, Job | EverywhereJob]] = [
        (job.created_at, job) for job in journal.jobs() if not job.part_of
    ]
    entries += [(e.created_at, e) for e in journal.everywhere_jobs()]
    ordered = [item for _, item in sorted(entries, key=lambda entry: entry[0], reverse=True)]
    if args.json:
        documents: list[dict[str, object]] = []
        for item in ordered:
            if isinstance(item, EverywhereJob):
                documents.append(
                    {**item.model_dump(mode="json", exclude={"parts"}), "kind": "everywhere"}
                )
                documents += [part.model_dump(mode="json") for part in item.parts]
            else:
                documents.append(item.model_dump(mode="json"))
        sys.stdout.write(json_text(documents) + "\n")
        return 0
    if not ordered:
        print("No jobs yet.")
        return 0
    for item in ordered:
        if isinstance(item, EverywhereJob):
            print(
                f"{item.id}  {item.created_at[:19]}  {_who(item)}  everywhere: "
                f"remove {shown(', '.join(item.addresses))}  {item.state.value}  "
                f"{counted(item.counts)}"
                + (" · dry run" if item.dry_run else "")
                + (f"  why: {shown(item.reason)}" if item.reason else "")
            )
            for part in item.parts:
                print(f"  ↳ {_job_line(part)}")
        else:
            print(_job_line(item))
    return 0


def _who(job: Job | EverywhereJob) -> str:
    """Who ran it, and from which host: a team's journal holds everyone's jobs."""
    who = shown(job.operator or job.user)
    return f"{who} on {shown(job.host)}" if job.host else who


def _job_line(job: Job) -> str:
    why = f"  why: {shown(job.reason)}" if job.reason and not job.part_of else ""
    return (
        f"{job.id}  {job.created_at[:19]}  {_who(job)}  {job.account}  "
        f"{VERBS[job.operation]} {shown(job.container.name)}  {job.state.value}  "
        f"{counted(job.counts)}{' · dry run' if job.dry_run else ''}{why}"
    )


async def _again(args: argparse.Namespace, workspace: Workspace, retry: bool) -> int:
    desk = Desk(workspace, open_journal(workspace))
    try:
        try:
            proposal = await (desk.propose_retry if retry else desk.propose_resume)(args.job)
        except NothingToDo as nothing:
            print(f"{nothing} Nothing left to do.")
            return 0
        return await act(desk, proposal, yes=args.yes)
    finally:
        await desk.aclose()


async def resume(args: argparse.Namespace, workspace: Workspace) -> int:
    """The rest of a stopped job; the failed stay failed (`retry` sends them)."""
    return await _again(args, workspace, retry=False)


async def retry(args: argparse.Namespace, workspace: Workspace) -> int:
    """Only the members that failed, sent again."""
    return await _again(args, workspace, retry=True)


async def undo(args: argparse.Namespace, workspace: Workspace) -> int:
    desk = Desk(workspace, open_journal(workspace))
    try:
        proposal = await desk.propose_undo(args.job)
        return await act(desk, proposal, yes=args.yes, asked=Asked.of(args))
    finally:
        await desk.aclose()


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rm = commands.add_parser(
        "remove",
        help="remove members (journaled; resumable), or one person from everywhere",
        usage="%(prog)s ACCOUNT CONTAINER MEMBER... [options]\n"
        "       %(prog)s --everywhere ADDRESS... [--reason TEXT] [--yes] [--json] [--dry-run] "
        "[--revoke-invite]",
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
    rm.add_argument(
        "--suppress",
        action="store_true",
        help="also put them on the do-not-re-add register (--everywhere always does)",
    )
    rm.add_argument(
        "--revoke-invite",
        action="store_true",
        help="WhatsApp: revoke the group's invite link once they are removed (everyone else "
        "holding it loses it too)",
    )
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
        "--receipt",
        nargs="+",
        metavar="FILE",
        help="with verify: receipts (md, json or csv) whose journal head must still be there",
    )
    listing.add_argument(
        "--format", choices=FORMATS, default="md", help="with receipt: md (default), json or csv"
    )
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=jobs)
    res = commands.add_parser(
        "resume", help="send the rest of a stopped job without repeating anything"
    )
    res.add_argument("job")
    res.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    res.set_defaults(run=resume)
    again = commands.add_parser("retry", help="send again only the members of a job that failed")
    again.add_argument("job")
    again.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    again.set_defaults(run=retry)
    back = commands.add_parser("undo", help="add back the members a job removed")
    back.add_argument("job")
    back.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    back.add_argument(
        "--override",
        metavar="REASON",
        default="",
        help="add back people on the do-not-re-add register anyway, for this reason (journaled)",
    )
    back.set_defaults(run=undo)
