"""`rosterdeck journal status` and `rosterdeck journal migrate --to URL`: which journal is in
use and what it holds, and one person's history copied into the team's database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from providers.accounts.journal_location import SETTING, masked
from providers.accounts.workspace import Workspace
from providers.cli.face import open_journal
from providers.errors import ConfigurationError
from providers.journal import Journal
from providers.text import json_text, shown


def _size(count: int) -> str:
    size, unit = float(count), "bytes"
    for larger in ("KB", "MB", "GB"):
        if size < 1024:
            break
        size, unit = size / 1024, larger
    return f"{count:,} bytes" if unit == "bytes" else f"{size:,.1f} {unit}"


def _source(given: str | None, workspace: Workspace) -> tuple[Path, Journal]:
    """The SQLite journal to copy, whole, or a sentence saying why not."""
    path = Path(given).expanduser() if given else workspace.data_path() / "journal.sqlite3"
    if not path.is_file():
        raise ConfigurationError(f"No journal at {path}: nothing to copy.")
    source = Journal(path)
    verdict = source.verify()
    if not verdict.whole:
        raise ConfigurationError(
            f"The journal {path} does not verify ({verdict.breaks[0]}): nothing was copied. "
            "`rosterdeck jobs verify` says where it was changed."
        )
    return path, source


async def status(args: argparse.Namespace, workspace: Workspace) -> int:
    """Exit 1 when the chain does not hold, as `jobs verify` does."""
    journal = open_journal(workspace)
    facts, verdict = journal.status(), journal.verify()
    if args.json:
        document = {
            "journal": facts.where,
            "kind": facts.kind,
            "bytes": facts.size,
            "jobs": facts.jobs,
            "chain": {"whole": verdict.whole, "events": verdict.events, "breaks": verdict.breaks},
            "people": [vars(seen) for seen in facts.people],
            "running": [
                {"job": r.job_id, "operator": r.operator, "host": r.host, "pid": r.pid}
                for r in facts.running
            ],
        }
        sys.stdout.write(json_text(document) + "\n")
        return 0 if verdict.whole else 1
    print(f"Journal: {facts.kind} {shown(facts.where)}")
    print(f"Size: {_size(facts.size)}, {facts.jobs:,} job{'s' * (facts.jobs != 1)}")
    if verdict.whole:
        print(f"Chain: ✓ whole, {verdict.events:,} events (`rosterdeck jobs verify`)")
    else:
        print(f"Chain: ✗ changed outside RosterDeck in {len(verdict.breaks)} places, first:")
        print(f"  {shown(verdict.breaks[0])}")
    print("People and hosts seen:" if facts.people else "People and hosts seen: none yet")
    for seen in facts.people:
        last = seen.last[:19].replace("T", " ")
        who = f"{seen.operator or '?'} on {seen.host or '?'}"
        print(f"  {shown(who)}: {seen.jobs:,} job{'s' * (seen.jobs != 1)}, last {last} UTC")
    for runner in facts.running:
        print(f"Running now: job {runner.job_id} ({runner.place}), by {shown(runner.said())}")
    return 0 if verdict.whole else 1


async def migrate(args: argparse.Namespace, workspace: Workspace) -> int:
    target = args.to.strip()
    if not target.startswith(("postgresql://", "postgres://")):
        raise ConfigurationError(
            "--to takes the team's database as postgresql://user@host/db (its password from "
            "ROSTERDECK_JOURNAL_PASSWORD or the keyring, never in the URL)."
        )
    source_path, source = _source(args.source, workspace)
    team = Journal(target)
    copied = team.copy_from(source)
    head_seq, head_hash = copied.source_head
    print(
        f"Copied {copied.jobs:,} jobs ({copied.everywhere:,} of them everywhere jobs), "
        f"{copied.members:,} members and {copied.events:,} events from {source_path} into "
        f"{masked(target)}, as one segment after its event {copied.at_event:,} (it ends at "
        f"event {head_seq:,}, {head_hash[:12]}…, the head its receipts carry)."
    )
    print(
        f"{source_path} is left as it was. To use the team's journal: {SETTING}={masked(target)}, "
        f'or journal = "{masked(target)}" in config.toml beside accounts.toml.'
    )
    return 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    journal = commands.add_parser("journal", help="the journal in use, or copy yours to a team's")
    acts = journal.add_subparsers(dest="action", metavar="ACTION", required=True)
    said = acts.add_parser(
        "status",
        help="which journal is in use, its size, whether its chain holds, who wrote it",
    )
    said.add_argument("--json", action="store_true")
    said.set_defaults(run=status)
    move = acts.add_parser(
        "migrate",
        help="copy your journal's history into a team's PostgreSQL journal, once",
        description="Copy every job of your SQLite journal into the team's database, keeping "
        "ids, times and operators, its chain linked as one segment. Refused if it was copied "
        "before. Your file is left as it was.",
    )
    move.add_argument("--to", required=True, help="postgresql://user@host/db")
    move.add_argument(
        "--from", dest="source", help="the SQLite journal to copy (default: your own)"
    )
    move.set_defaults(run=migrate)
