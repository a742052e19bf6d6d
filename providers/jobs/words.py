"""Every proposal in plain words, the same in the app's dialog and on the shell's terminal:
what will be sent, to whom, what is skipped and why, what it costs at the account's pace,
WhatsApp's pace and today's budget, and whether it can be undone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from providers.jobs.everywhere import EverywherePlan
from providers.jobs.plans import VERBS, Plan
from providers.journal.records import EverywhereJob, Item, Job
from providers.models import Capabilities, Container, Estimate, Member, Operation, Role
from providers.text import shown

SHOWN_NAMES = 4
#: the most of a name and of a place a proposal shows: every name asked about stays in view
NAME_CHARS, PLACE_CHARS = 30, 60


#: between a number and its unit: a line that wraps never leaves "14" at the end of one
#: line and "s" at the start of the next
UNIT = "\u00a0"


def duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))}{UNIT}s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)}{UNIT}min"
    return f"{seconds / 3600:.1f}{UNIT}h"


def cost(estimate: Estimate, whose: str = "this account's") -> str:
    calls = f"About {estimate.calls:,} call{'s' * (estimate.calls != 1)}"
    if estimate.calls_are:
        calls += f" ({estimate.calls_are})"
    line = f"{calls}, {duration(estimate.seconds)} at {whose} pace."
    if estimate.today == 0:
        line += " None can be sent today: the daily budget is spent; the job waits for tomorrow."
    elif estimate.today is not None:
        line += f" {estimate.today:,} run today; the rest waits for tomorrow's budget."
    return line


def pace(abilities: Capabilities) -> str:
    """How fast writes go where that is a matter of safety (WhatsApp), and the risk of a
    faster pace this account was set to."""
    low, high = abilities.write_gaps
    if not high:
        return ""
    batch = abilities.max_batch
    who = "one person" if batch == 1 else f"{batch} people"
    line = f"Pace: {who} a call, {low:g}–{high:g}{UNIT}s apart at random"
    if abilities.daily_budget:
        line += f", at most {abilities.daily_budget:,} a day for this session"
    line += "."
    for note in abilities.pace_notes:
        line += f"\n{note}"
    if abilities.pace_risk:
        line += f"\n⚠ {abilities.pace_risk}"
    return line


def admins(members: Sequence[Member], abilities: Capabilities) -> str:
    """What removing the admins among them takes, where the provider has rules for it."""
    count = sum(1 for m in members if m.role is Role.ADMIN)
    if not count or not abilities.admin_rule:
        return ""
    who = "is an admin" if count == 1 else "are admins"
    return f"{count:,} of them {who}: {abilities.admin_rule}."


def nothing_to_send(container: Container, why: str) -> str:
    return f"Nothing can be sent to {place(container.where)}: {shown(why)}."


def who(member: Member) -> str:
    return shown(member.name or member.address or member.id, NAME_CHARS)


def place(where: str) -> str:
    return shown(where, PLACE_CHARS)


def names(members: Sequence[Member], shown: int = SHOWN_NAMES) -> str:
    listed = ", ".join(who(m) for m in members[:shown])
    more = f" and {len(members) - shown:,} more" if len(members) > shown else ""
    return listed + more


def plan_words(
    plan: Plan,
    abilities: Capabilities,
    estimate: Estimate | None = None,
    unmatched: Sequence[str] = (),
) -> list[str]:
    """A plan on one container: what, where, who, what is skipped, cost and pace, undo."""
    where = place(plan.container.where)
    count = len(plan.members)
    if plan.operation is Operation.DELETE_SOURCE:
        lines = [f"Delete the source {where}.", "RASL refuses while any contact still uses it."]
    else:
        noun = "contact" if plan.operation is Operation.DELETE_CONTACTS else "member"
        lines = [
            f"{VERBS[plan.operation].capitalize()} {where}: {count:,} {noun}{'s' * (count != 1)}."
        ]
    lines.append(f"Account {plan.account} · {plan.provider.label}")
    if plan.members:
        lines.append("Who: " + names(plan.members))
        if plan.operation is not Operation.ADD_BACK and (said := admins(plan.members, abilities)):
            lines.append(said)
    if plan.skipped:
        member, why = plan.skipped[0]
        lines.append(f"Skipped, never sent: {len(plan.skipped):,} — {who(member)}: {shown(why)}")
    if unmatched:
        listed = ", ".join(shown(entry, PLACE_CHARS) for entry in unmatched[:SHOWN_NAMES])
        more = f" and {len(unmatched) - SHOWN_NAMES:,} more" if len(unmatched) > SHOWN_NAMES else ""
        lines.append(f"Not members, nothing sent for them: {len(unmatched):,} — {listed}{more}")
    if estimate is not None and plan.members:
        lines.append(cost(estimate))
        if line := pace(abilities):
            lines.append(line)
    lines.append(_undo_words(plan, abilities))
    return lines


def _undo_words(plan: Plan, abilities: Capabilities) -> str:
    if plan.operation is Operation.ADD_BACK:
        return "↺ This undoes the removal: they are put back where they were."
    if plan.irreversible:
        return "✗ This cannot be undone: deleted contacts are gone for good."
    if abilities.can_undo and plan.operation is Operation.REMOVE_FROM_CONTAINER:
        return "↺ Can be undone: History, open the job, u adds them back."
    return "✗ This provider cannot add them back: it cannot be undone here."


def everywhere_words(
    plan: EverywherePlan, estimate: Estimate, paces: Mapping[str, str]
) -> list[str]:
    """Every place, one a line, with what is skipped and what could not be searched."""
    lines = [shown(plan.headline)]
    for part in plan.parts:
        at = f"{place(part.container.where)} ({part.account})"
        if part.members:
            lines.append(f"  • {at}")  # to act on; ✓ is kept for what was done
        for _, why in part.skipped:
            lines.append(f"  ⊘ {at}: {shown(why)}")
    lines += [f"  ? not searched: {u.account}: {shown(u.why)}" for u in plan.unsearched]
    if plan.acting:
        lines.append(cost(estimate, "each account's"))
    lines += [f"{name}: {said}" for name, said in paces.items() if said]
    lines.append("↺ Each place can be undone on its own where its provider can add people back.")
    return lines


def typed_matches(typed: str, word: str) -> bool:
    """A count matches however it is grouped ("1,200", "1 200", "1200"); a name exactly."""
    if word.isdigit():
        return typed.strip().replace(",", "").replace(" ", "").replace("_", "") == word
    return typed.strip() == word


def what(parts: Sequence[Job], whole: EverywhereJob | None) -> str:
    """A journaled job in a few words: where it acts, or whom it takes off everywhere."""
    if whole is not None:
        return f"{shown(', '.join(whole.addresses))} everywhere, {len(parts)} places"
    job = parts[0]
    return f"{VERBS[job.operation]} {place(job.container.where)} ({job.account})"


def resume_words(
    job_id: str, doing: str, note: str, due: int, cancelled: int, unsure: int
) -> list[str]:
    """The rest of a stopped job: what is sent, and that lost answers are read first."""
    lines = [f"Resume job {job_id}: {doing}."]
    if note:
        lines.append(f"It stopped: {shown(note)}")
    counted = [f"{due:,} still due"] if due else []
    counted += [f"{cancelled:,} cancelled before they were sent"] if cancelled else []
    lines.append(f"To send: {due + cancelled:,} ({', '.join(counted) or 'none'}).")
    if unsure:
        lines.append(
            f"First, {unsure:,} whose answer was lost are read to see what happened; "
            "those still there are sent."
        )
    lines.append("Nothing already done is sent again; the failed stay as they are.")
    return lines


def retry_words(job_id: str, doing: str, failed: Sequence[Item], left: int) -> list[str]:
    """Only the failed, sent again: who, what they were last told, and that nothing else
    leaves."""
    lines = [
        f"Send again the {len(failed):,} that failed in job {job_id}: {doing}.",
        "Who: " + names([i.member for i in failed]),
    ]
    first = failed[0]
    if first.message or first.code:
        said = f"{first.code}: {first.message}" if first.code else first.message
        lines.append(f"Last answer: {shown(said)}")
    lines.append(
        "Nothing else is sent"
        + (f"; {left:,} still due stay due (resume sends them)." if left else ".")
    )
    return lines


def where_and_why(where: str, why: str) -> str:
    """A place not searched and why, naming the place once: a provider's reason often
    begins with it ("Sales line is unlinked ...")."""
    return why if why.startswith(where) else f"{where}: {why}"
