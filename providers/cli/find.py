"""`rosterdeck find ADDRESS...`: where one person is, across every account."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict

from providers.accounts.workspace import Workspace
from providers.cli.face import open_journal
from providers.jobs.find import Found, find_everywhere, one_persons_addresses
from providers.models import Place
from providers.text import json_text, shown


def _why_not(place: Place) -> str:
    container = place.container
    if container.read_only:
        word = container.read_only_word or "read-only"
        return f"  ⊘ {word}: {shown(container.read_only_reason)}"
    if place.member.locked:
        return f"  ⊘ locked: {shown(place.member.locked_reason)}"
    return ""


def said_found(found: Found) -> None:
    """One account's answer, printed as it comes."""
    account = f"{found.account.name} ({found.account.provider.label})"
    cost = f"{found.calls} call{'s' * (found.calls != 1)}, {found.seconds:.1f} s"
    if found.error:
        print(f"{account}: ✗ {shown(found.error)} ({cost})", flush=True)
        return
    count = len(found.places)
    print(f"{account}: {count or 'no'} place{'s' * (count != 1)} ({cost})", flush=True)
    for place in found.places:
        container, member = place.container, place.member
        where = container.where
        who = " ".join(part for part in (member.name, member.address) if part) or member.id
        gone = found.removed.get((container.id, member.id))
        already = f"  ✓ {shown(gone)}" if gone else ""
        print(
            f"  {container.kind.value:<9} {shown(where)}: {shown(who)}{_why_not(place)}{already}",
            flush=True,
        )
    for blind in found.unsearched:
        print(f"  not searched: {shown(blind.read_only_reason)}", flush=True)
    for unsure in found.unsure:
        print(f"  ? {shown(unsure.read_only_reason)}", flush=True)


def _document(found: Found) -> dict[str, object]:
    return {
        "account": found.account.name,
        "provider": found.account.provider.value,
        "calls": found.calls,
        "seconds": round(found.seconds, 3),
        "error": found.error,
        "places": [
            {
                "container": asdict(p.container),
                "member": p.member.as_dict(),
                "removable": not (p.container.read_only or p.member.locked),
                "already_removed_by": found.removed.get((p.container.id, p.member.id), ""),
            }
            for p in found.places
        ],
        "not_searched": [
            {"container": asdict(c), "why": c.read_only_reason} for c in found.unsearched
        ],
        "could_not_tell": [
            {"container": asdict(c), "why": c.read_only_reason} for c in found.unsure
        ],
    }


async def find(args: argparse.Namespace, workspace: Workspace) -> int:
    """Prints each account as its search ends; exit 1 when an account could not be searched."""
    names = [a.name for a in workspace.accounts()]
    addresses = one_persons_addresses(args.addresses, names)
    found = await find_everywhere(
        workspace, addresses, None if args.json else said_found, journal=open_journal(workspace)
    )
    if args.json:
        sys.stdout.write(json_text([_document(f) for f in found]) + "\n")
    else:
        places = sum(len(f.places) for f in found)
        calls = sum(f.calls for f in found)
        print(f"{places} place{'s' * (places != 1)} in {len(found)} accounts; {calls:,} calls.")
    return 1 if any(f.error for f in found) else 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    finder = commands.add_parser(
        "find",
        help="where one person is: every group and list of every account",
        description="Search every account at once for one person, by any of their phone "
        "numbers, emails or ids, in any spelling. Each account costs a few calls at its own "
        "pace; read-only places and locked members are marked with the reason.",
    )
    finder.add_argument("addresses", nargs="+", help="phone numbers, emails or ids of one person")
    finder.add_argument("--json", action="store_true")
    finder.set_defaults(run=find)
