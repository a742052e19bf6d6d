"""`rosterdeck accounts pace`: how fast a WaSend account removes people and reads groups,
the pace in force today and why (a number told to slow down, a new number), and the risk of
going faster than the safe default, said before anything is saved."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from providers.accounts.connect import new_number_since
from providers.accounts.store import Account, Option, check_options, with_options
from providers.accounts.workspace import LocalWorkspace, Workspace
from providers.cli.face import open_journal
from providers.errors import ConfigurationError
from providers.models import Provider
from providers.text import shown
from providers.wasend.pace import (
    DEFAULT_BATCH,
    DEFAULT_DAILY_BUDGET,
    KEEP_READS_MINUTES,
    SAFE_GAP,
    SAFE_JITTER,
    SAFE_READ_GAP,
    SAFE_READ_JITTER,
    pace_risk,
    slow_note,
    warm_up,
)

#: command-line flag -> account option
FLAGS = {
    "gap": "seconds_between_writes",
    "jitter": "write_jitter",
    "batch": "batch_size",
    "daily_budget": "daily_budget",
    "read_gap": "seconds_between_reads",
    "new_number_since": "new_number_since",
}


def describe(account: Account) -> tuple[str, str]:
    """The account's pace in words, and its risk ("" when it is the safe one or slower)."""
    gap = account.number("seconds_between_writes", SAFE_GAP)
    jitter = account.number("write_jitter", SAFE_JITTER)
    batch = int(account.number("batch_size", DEFAULT_BATCH))
    budget = int(account.number("daily_budget", DEFAULT_DAILY_BUDGET))
    read_gap = account.number("seconds_between_reads", SAFE_READ_GAP)
    read_jitter = account.number("read_jitter", SAFE_READ_JITTER)
    kept = account.number("keep_reads_minutes", KEEP_READS_MINUTES)
    per_day = f"at most {budget:,} a day per session" if budget else "no daily limit"
    who = "one person" if batch == 1 else f"{batch} people"
    words = (
        f"{who} a call, {gap:g}–{gap + jitter:g} s apart at random, {per_day}; group reads "
        f"{read_gap:g}–{read_gap + read_jitter:g} s apart, each kept {kept:g} min"
    )
    return words, pace_risk(batch, gap, budget)


def in_force(account: Account, workspace: Workspace, today: date) -> list[str]:
    """Why the pace today is not the usual one: a new number's smaller budget, and each
    number of the account told to slow down today (kept in the journal)."""
    budget = int(account.number("daily_budget", DEFAULT_DAILY_BUDGET))
    said = [why for _, why in [warm_up(new_number_since(account), today, budget)] if why]
    gap = account.number("seconds_between_writes", SAFE_GAP)
    slowest = gap + account.number("write_jitter", SAFE_JITTER)
    journal = open_journal(workspace)
    try:
        slowed = journal.slowdowns(account.name).on(today.isoformat())
    finally:
        journal.close()
    return said + [
        f"+{shown(scope)}: {slow_note(shown(why), (2 * gap, 2 * slowest))}" for scope, why in slowed
    ]


def _agreed(yes: bool) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        return False
    return input("Type yes to accept this risk: ").strip().lower() == "yes"


async def accounts_pace(args: argparse.Namespace, workspace: Workspace) -> int:
    account = workspace.account(args.name)
    if account.provider is not Provider.WASEND:
        raise ConfigurationError(
            f"{account.name} is a {account.provider.label} account: it follows the provider's "
            "documented rate. Only WaSend (WhatsApp) accounts have a ban-safe pace to set."
        )
    given = {option: getattr(args, flag) for flag, option in FLAGS.items()}
    changes: dict[str, Option | None] = {k: v for k, v in given.items() if v is not None}
    if changes.get("new_number_since") == "none":
        changes["new_number_since"] = None
    if args.safe:  # a new number stays new: that is not a matter of pace
        changes = dict.fromkeys(v for v in FLAGS.values() if v != "new_number_since")
    if not changes:
        words, risk = describe(account)
        print(f"{account.name}: {words}.")
        print(f"⚠ {risk}" if risk else "This is the safe pace.")
        notes = in_force(account, workspace, date.today())
        print("\n".join(["Today:", *notes]) if notes else "Today: the usual pace.")
        return 0
    if not isinstance(workspace, LocalWorkspace):
        raise ConfigurationError("The sandbox's accounts keep their built-in pace.")
    changed = with_options(account, changes)
    check_options(changed, str(workspace.store.path))  # a wrong value is refused before any risk
    words, risk = describe(changed)
    if risk:
        print(f"⚠ {risk}", file=sys.stderr)
        if not _agreed(args.yes):
            print("Nothing was changed (give --yes to accept the risk).", file=sys.stderr)
            return 2
    workspace.store.set_options(account.name, changes)
    print(f"{account.name}: {words}.")
    return 0


def add_parser(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    summary = "show or set how fast a WaSend account removes people (and the risk)"
    pace = actions.add_parser(
        "pace",
        help=summary,
        description=f"{summary[0].upper()}{summary[1:]}. WhatsApp bans numbers that remove "
        "people fast: with no option this shows the account's pace; a pace faster than the "
        "safe one says its risk and asks before it is saved.",
    )
    pace.add_argument("name", help="the account, as `rosterdeck accounts list` shows it")
    pace.add_argument("--gap", type=float, help=f"seconds between removals (safe: {SAFE_GAP:g})")
    pace.add_argument("--jitter", type=float, help="up to this many seconds more, at random")
    pace.add_argument("--batch", type=int, help=f"people a call (safe: {DEFAULT_BATCH})")
    pace.add_argument(
        "--daily-budget",
        type=int,
        help=f"removals a day per session, 0 for none (safe: {DEFAULT_DAILY_BUDGET})",
    )
    pace.add_argument(
        "--read-gap",
        type=float,
        help=f"seconds between a session's group reads (safe: {SAFE_READ_GAP:g})",
    )
    pace.add_argument(
        "--new-number-since",
        metavar="YYYY-MM-DD",
        help="its numbers are new to WhatsApp since then: 20 removals a day the first week, "
        "rising to the daily budget (none: not new)",
    )
    pace.add_argument("--safe", action="store_true", help="back to the safe pace")
    pace.add_argument("--yes", action="store_true", help="accept the risk of a faster pace")
    pace.set_defaults(run=accounts_pace)
