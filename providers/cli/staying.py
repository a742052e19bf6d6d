"""`rosterdeck suppressed`, `sweep` and `forget`: once off, they stay off, and a person can be
forgotten in RosterDeck's own records while they stay suppressed."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from providers.accounts.workspace import Workspace, verify_command
from providers.cli.face import act, agreed, open_journal, show
from providers.errors import ConfigurationError, NothingToDo, Refused
from providers.jobs.desk import Desk
from providers.jobs.find import Found, one_persons_addresses
from providers.jobs.staying_off import entry_document, exported, names_them, naming_refusal
from providers.jobs.still_off import when
from providers.jobs.sweep import INCOMPLETE, Swept, plan_again, refresh_receipts, sweep
from providers.jobs.words import where_and_why
from providers.text import json_text, many, shown

ERASED = "(erased: checked on add-back only)"


async def suppressed(args: argparse.Namespace, workspace: Workspace) -> int:
    """List the register; add a person, take one off it (with why), or export it."""
    journal = open_journal(workspace)
    register = journal.register
    reason = " ".join(args.reason.split())
    if args.action == "add":
        names = [a.name for a in workspace.accounts()]
        person = one_persons_addresses(args.words, names)
        if not reason:
            raise ConfigurationError('Why? `rosterdeck suppressed add ADDRESS... --reason "T-1"`.')
        if names_them(reason, person):
            raise Refused(naming_refusal("reason"))
        made = register.add(person, reason)
        print(
            f"On the register: {made[0]}." if made else "Already on the register: nothing to add."
        )
        return 0
    if args.action == "remove":
        if len(args.words) != 1 or not reason:
            raise ConfigurationError(
                'Name one entry, and why: `rosterdeck suppressed remove S-… --reason "T-2"`.'
            )
        lifted = register.lift(args.words[0], reason)
        print(f"{lifted.id} taken off the register: adding them back is no longer refused.")
        return 0
    entries = register.entries(active=not args.all)
    if args.action == "export":
        sys.stdout.write(exported(entries, args.format))
        return 0
    if args.json:
        sys.stdout.write(json_text([entry_document(e) for e in entries]) + "\n")
        return 0
    if not entries:
        print("Nobody is on the do-not-re-add register.")
        return 0
    for entry in entries:
        state = "" if entry.active else f"  taken off {entry.lifted_at[:10]}"
        addresses = ", ".join(entry.addresses) or ERASED
        why = f"  why: {shown(entry.reason)}" if entry.reason else ""
        print(f"{entry.id}  since {entry.since}  {entry.operator}  {shown(addresses)}{why}{state}")
    return 0


def _progress(found: Found) -> None:
    account = f"{found.account.name} ({found.account.provider.label})"
    said = f"✗ {shown(found.error)}" if found.error else f"{many(len(found.places), 'place')} found"
    print(f"{account}: {said} ({found.calls} calls, {found.seconds:.1f} s)", flush=True)


def _document(swept: Swept) -> dict[str, Any]:
    record = swept.sweep
    return {
        "sweep": record.id,
        "at": record.created_at,
        "status": swept.status,
        "people": len(swept.people),
        "searched": len(record.found),
        "calls": swept.calls,
        "seconds": round(swept.seconds, 3),
        "back": [
            {
                "entry": entry,
                "addresses": list(swept.people[entry].addresses),
                "places": [b.__dict__ for b in places],
            }
            for entry, places in record.back.items()
        ],
        "not_searched": record.unsearched,
        "forgotten": [e.id for e in swept.unsearchable],
    }


def _said(swept: Swept) -> None:
    record = swept.sweep
    print(
        f"Swept {len(record.found)} of {len(swept.people)} people on the register "
        f"({swept.calls} calls, {swept.seconds:.1f} s), {when(record.created_at)} ({record.id})."
    )
    for entry, places in record.back.items():
        who = shown(", ".join(swept.people[entry].addresses))
        print(f"✗ back: {who} ({entry})")
        for b in places:
            print(f"    {shown(b.where)} ({b.account}), first seen back {when(b.first_seen)}")
    for blind in record.unsearched:
        blind_spot = where_and_why(blind["where"], blind["why"])
        print(f"? not searched: {blind['account']}: {shown(blind_spot)}")
    if swept.unsearchable:
        print(f"{len(swept.unsearchable)} forgotten: nothing to search with; checked on add-back.")
    still = len(record.found) - len(record.back)
    print(f"✓ still off: {still}" + (" (everywhere that could be searched)" * swept.incomplete))


async def sweep_command(args: argparse.Namespace, workspace: Workspace) -> int:
    """Exit 0: everyone still off; 3: someone is back (with --remove, taken off again); 1:
    something could not be searched, or the removal did not finish."""
    if args.json and args.remove:
        raise ConfigurationError(
            "--json reports a sweep; `rosterdeck sweep --remove` takes them off again, "
            "printing the job as it runs."
        )
    desk = Desk(workspace, open_journal(workspace))
    try:
        swept = await sweep(workspace, desk.journal, desk.adapter, None if args.json else _progress)
        refresh_receipts(desk.journal, workspace.exports_path(), swept, verify_command(workspace))
        if args.json:
            sys.stdout.write(json_text(_document(swept)) + "\n")
            return swept.status
        _said(swept)
        if not swept.back or not args.remove:
            if swept.back:
                print("Take them off again: rosterdeck sweep --remove")
            return swept.status
        proposal = await desk.propose_everywhere(plan_again(swept))
        ended = await act(desk, proposal, yes=args.yes, reason=args.reason)
        return swept.status if ended == 0 else INCOMPLETE
    finally:
        await desk.aclose()


async def forget(args: argparse.Namespace, workspace: Workspace) -> int:
    """Exit 0 when erased (or found nowhere: said); 1 when something is left for the next
    start to finish."""
    names = [a.name for a in workspace.accounts()]
    addresses = one_persons_addresses(args.addresses, names)
    desk = Desk(workspace, open_journal(workspace))
    try:
        try:
            proposal = await desk.propose_forget(addresses)
        except NothingToDo as nothing:
            print(nothing)
            return 0
        desk.check(proposal, typed=None, reason=args.reason, override="")  # before asking
        if not args.json:
            show(proposal)
        typed = await agreed(proposal, args.yes)
        done = desk.forget(proposal, typed=typed, reason=args.reason)
    finally:
        await desk.aclose()
    if args.json:
        document = {"erasure": done.erasure_id, "counts": done.counts, "left": list(done.left)}
        sys.stdout.write(json_text(document) + "\n")
    else:
        counted = ", ".join(f"{n} {what}" for what, n in done.counts.items() if n)
        print(f"Erased ({counted}); journaled as {done.erasure_id}: when, who, why, how many.")
        for line in done.left:
            print(line)
    return 1 if done.left else 0


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    register = commands.add_parser(
        "suppressed", help="the do-not-re-add register: list, add, remove (with why), export"
    )
    register.add_argument(
        "action",
        nargs="?",
        choices=["add", "remove", "export"],
        help="add ADDRESS...: one person; remove ENTRY: take them off it; export: every "
        "address, for another system's suppression list",
    )
    register.add_argument("words", nargs="*", help="with add: their addresses; with remove: S-…")
    register.add_argument("--reason", default="", help="why (with add and remove; journaled)")
    register.add_argument("--all", action="store_true", help="also those taken off the register")
    register.add_argument(
        "--format", choices=["csv", "json"], default="csv", help="with export: csv or json"
    )
    register.add_argument("--json", action="store_true")
    register.set_defaults(run=suppressed)

    swept = commands.add_parser(
        "sweep",
        help="look for everyone on the register in every account; exit 0 clean, 3 someone "
        "is back, 1 incomplete",
    )
    swept.add_argument("--json", action="store_true", help="one JSON report (for cron)")
    swept.add_argument(
        "--remove", action="store_true", help="take those found back off again, as one job"
    )
    swept.add_argument("--yes", action="store_true", help="with --remove: do not ask")
    swept.add_argument("--reason", default="", help="with --remove: why, kept with the job")
    swept.set_defaults(run=sweep_command)

    gone = commands.add_parser(
        "forget", help="erase a person from RosterDeck's own records; they stay suppressed"
    )
    gone.add_argument("addresses", nargs="+", metavar="ADDRESS")
    gone.add_argument("--reason", default="", help="why (required; must not name them)")
    gone.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    gone.add_argument("--json", action="store_true")
    gone.set_defaults(run=forget)
