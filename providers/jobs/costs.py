"""What a job will cost, in the words the app and the shell both use: calls, time, pace."""

from __future__ import annotations

from providers.models import Capabilities, Estimate


def duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


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
    line = f"Pace: {who} a call, {low:g}–{high:g} s apart at random"
    if abilities.daily_budget:
        line += f", at most {abilities.daily_budget:,} a day for this session"
    line += "."
    if abilities.pace_risk:
        line += f"\n⚠ {abilities.pace_risk}"
    return line
