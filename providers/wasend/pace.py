"""The pace at which WhatsApp removals do not get a number banned, and what a faster one
risks, in words.

Numbers get banned after removing several people in one call or many in a row (reported
across whatsapp-web.js, WAHA and Baileys): one person a call, a few seconds apart at random,
and a daily budget per session (phone number) are the safe defaults. An account may be set
faster; the app and the shell then say the risk before every job.
"""

from __future__ import annotations

DEFAULT_BATCH = 1  # several in one call is what gets numbers banned
DEFAULT_DAILY_BUDGET = 100
SAFE_GAP = 3.0  # seconds between removals, before jitter
SAFE_JITTER = 3.0  # up to this many seconds more, drawn afresh each time
PAUSE_AFTER_FAILURES = 3


def pace_risk(batch_size: int, gap: float, daily_budget: int) -> str:
    """What a pace faster than the safe default risks, in words ("" when it is not)."""
    faster = []
    if batch_size > DEFAULT_BATCH:
        faster.append(f"{batch_size} people a call")
    if gap < SAFE_GAP:
        faster.append(f"{gap:g} s between calls")
    if daily_budget > DEFAULT_DAILY_BUDGET or daily_budget == 0:
        faster.append(f"{daily_budget or 'no'} a day per session")
    if not faster:
        return ""
    return (
        f"This account is set faster than the safe pace ({', '.join(faster)}): WhatsApp may "
        "ban its number, and a banned number cannot be used again."
    )
