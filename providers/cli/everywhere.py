"""`rosterdeck remove --everywhere ADDRESS...`: one person off every place they are found,
as one journaled job with a receipt (resumed, retried and undone as any job)."""

from __future__ import annotations

import argparse
import json
import sys

from providers.accounts.workspace import Workspace
from providers.cli.face import Asked, act, open_journal
from providers.cli.find import said_found
from providers.jobs.desk import Desk
from providers.jobs.everywhere import (
    plan_everywhere,
)
from providers.jobs.find import find_everywhere, one_persons_addresses


async def remove_everywhere(args: argparse.Namespace, workspace: Workspace) -> int:
    desk = Desk(workspace, open_journal(workspace))
    try:
        names = [a.name for a in workspace.accounts()]
        addresses = one_persons_addresses(args.everywhere, names)
        report = None if args.json else said_found
        found = await find_everywhere(workspace, addresses, report, opened=desk.adapter)
        plan = plan_everywhere(found, addresses)
        if not plan.parts:
            if args.json:
                not_searched = [u.model_dump() for u in plan.unsearched]
                json.dump({"state": "found nowhere", "not_searched": not_searched}, sys.stdout)
                sys.stdout.write("\n")
            else:
                print("Found nowhere: nothing to remove.")
            return 1 if plan.unsearched else 0
        proposal = await desk.propose_everywhere(plan)
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
