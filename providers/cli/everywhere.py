"""`rosterdeck remove --everywhere ADDRESS...` and resuming it: one person off every place
they are found, as one journaled job with a receipt."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from providers.cli.asking import confirm, say
from providers.cli.find import said_found
from providers.costs import cost, pace
from providers.errors import ConfigurationError
from providers.everywhere import (
    EverywherePlan,
    EverywhereRun,
    estimate_everywhere,
    plan_everywhere,
    reason_missing,
    record_everywhere,
)
from providers.find import find_everywhere, one_persons_addresses
from providers.journal import Journal
from providers.models import STATE_WORDS, Outcome
from providers.records import EverywhereJob, JobState
from providers.removal import Event, Settled
from providers.signals import stopping_on_signals
from providers.workspace import OpenedOnce, Workspace


def describe(plan: EverywherePlan) -> str:
    lines = [("DRY RUN: " if plan.dry_run else "") + plan.headline]
    for part in plan.parts:
        at = f"{part.container.where} ({part.account}, {part.provider.label})"
        names = ", ".join(m.name or m.address or m.id for m in part.members)
        if names:
            lines.append(f"  remove from {at}: {names}")
        for member, why in part.skipped:
            lines.append(f"  skipped in {at}: {member.name or member.address or member.id} ({why})")
    lines += [f"  not searched: {u.account}: {u.why}" for u in plan.unsearched]
    return "\n".join(lines)


def _shower(job: EverywhereJob, quiet: bool) -> Callable[[str, Event], None]:
    parts = {part.id: part for part in job.parts}

    def show(part_id: str, event: Event) -> None:
        if quiet or not isinstance(event, Settled):
            return
        part = parts[part_id]
        for o in event.outcomes:
            said = f" ({o.code}: {o.message})" if o.code or o.outcome is Outcome.FAILED else ""
            say(f"{STATE_WORDS[o.outcome.value]:<17} {part.container.where} ({part.account}){said}")

    return show


def finish(job: EverywhereJob, as_json: bool) -> int:
    """0 only when every place is done and nothing was left unsearched."""
    failed = job.counts.get(Outcome.FAILED.value, 0)
    if as_json:
        summary = {"state": job.state.value, "counts": job.counts, "unsettled": job.unsettled}
        document = {**summary, **json.loads(job.model_dump_json())}
        json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        counts = ", ".join(
            f"{STATE_WORDS.get(s, s)} {n}" for s, n in sorted(job.counts.items()) if n
        )
        print(f"Job {job.id} {job.state.value}: {counts or 'nothing to do'}.")
        for part in job.parts:
            if part.note and part.state is not JobState.FINISHED:
                print(f"  {part.container.where} ({part.account}): {part.note}")
        if job.unsearched:
            print(f"Not searched, so not certain: {len(job.unsearched)} place(s).")
        if job.unsettled:
            print(f"Resume with: rosterdeck resume {job.id}")
        print(f"Receipt: rosterdeck jobs receipt {job.id}")
    whole = job.state is JobState.FINISHED and not failed and not job.unsettled
    return 0 if whole and not job.unsearched else 1


async def remove_everywhere(args: argparse.Namespace, workspace: Workspace) -> int:
    reason = " ".join(args.reason.split())
    opened = OpenedOnce(workspace)
    try:
        names = [a.name for a in workspace.accounts()]
        addresses = one_persons_addresses(args.everywhere, names)
        report = None if args.json else said_found
        found = await find_everywhere(workspace, addresses, report, opened=opened)
        plan = plan_everywhere(found, addresses, reason=reason, dry_run=args.dry_run)
        if missing := reason_missing(plan, workspace.accounts()):
            raise ConfigurationError(
                f"{', '.join(missing)} asks why for every job: give --reason "
                '"TICKET-123: erasure request" (a ticket or a few words). Nothing was sent.'
            )
        if not plan.parts:
            if args.json:
                not_searched = [u.model_dump() for u in plan.unsearched]
                json.dump({"state": "found nowhere", "not_searched": not_searched}, sys.stdout)
                sys.stdout.write("\n")
            else:
                print("Found nowhere: nothing to remove.")
            return 1 if plan.unsearched else 0
        journal = Journal(workspace.journal_path())
        if not args.json:
            print(describe(plan))
            if plan.acting:
                print(cost(estimate_everywhere(opened.adapters, journal, plan), "each account's"))
            for name in sorted({part.account for part in plan.acting}):
                if said := pace(opened.adapters[name].capabilities):
                    print(f"{name}: {said}")
        await confirm(plan.confirmation_word, args.yes, plan.dry_run)
        job_id = record_everywhere(journal, plan)
        if not args.json:
            print(f"Job {job_id} journaled; sending.", flush=True)
        return await run(journal, job_id, opened, args.json)
    finally:
        await opened.aclose()


async def run(journal: Journal, job_id: str, opened: OpenedOnce, as_json: bool) -> int:
    runner = EverywhereRun(journal, opened, _shower(journal.everywhere(job_id), as_json))
    with stopping_on_signals(runner.interrupt):
        await runner.run(job_id)
    return finish(journal.everywhere(job_id), as_json)


async def resume_everywhere(journal: Journal, job: EverywhereJob, workspace: Workspace) -> int:
    opened = OpenedOnce(workspace)
    try:
        return await run(journal, job.id, opened, False)
    finally:
        await opened.aclose()
