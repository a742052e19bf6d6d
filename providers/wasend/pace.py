"""The pace at which WhatsApp removals do not get a number banned, and what a faster one
risks, in words.

Numbers get banned after removing several people in one call or many in a row (reported
across whatsapp-web.js, WAHA and Baileys): one person a call, a few seconds apart at random,
and a daily budget per session (phone number) are the safe defaults. An account may be set
faster; the app and the shell then say the risk before every job. Reads are paced too
(rate-overlimit comes from group and participant reads), a session told to slow down keeps
doubled gaps for the rest of the day, and a new number starts with a small budget.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from providers.protocol import Slowdowns

DEFAULT_BATCH = 1  # several in one call is what gets numbers banned
DEFAULT_DAILY_BUDGET = 100
SAFE_GAP = 3.0  # seconds between removals, before jitter
SAFE_JITTER = 3.0  # up to this many seconds more, drawn afresh each time
PAUSE_AFTER_FAILURES = 3
#: participant and group reads of one session: a second apart, and up to a second more at
#: random (WhatsApp answers rate-overlimit to reads that come too fast)
SAFE_READ_GAP = 1.0
SAFE_READ_JITTER = 1.0


def pace_risk(batch_size: int, gap: float, daily_budget: int) -> str:
    """What a pace faster than the safe default risks, in words ("" when it is not)."""
    faster = []
    if batch_size > DEFAULT_BATCH:
        faster.append(f"{batch_size} people a call")
    if gap < SAFE_GAP:
        faster.append(f"{gap:g} s between calls")
    if daily_budget > DEFAULT_DAILY_BUDGET or daily_budget == 0:
        faster.append(f"{daily_budget:,} a day per session" if daily_budget else "no daily budget")
    if not faster:
        return ""
    return (
        f"This account is set faster than the safe pace ({', '.join(faster)}): WhatsApp may "
        "ban its number, and a banned number cannot be used again."
    )


#: how long a participant list read is given again before it is read anew
KEEP_READS_MINUTES = 5.0
#: a new number's removals a day in its first, second and third week; then the usual budget
WARM_UP = (20, 40, 80)
WEEK = timedelta(days=7)


def warm_up(since: date | None, today: date, usual: int) -> tuple[int, str]:
    """A new number's budget today, and the schedule in words ("" once it is past it). A
    number new to WhatsApp is banned far sooner: it starts at 20 removals a day for its
    first week and doubles each week up to the usual budget (0: none)."""
    if since is None:
        return usual, ""
    steps = [(since + WEEK * week, n) for week, n in enumerate(WARM_UP) if not usual or n < usual]
    steps.append((since + WEEK * len(steps), usual))
    budget = next((n for start, n in reversed(steps) if start <= today), steps[0][1])
    if budget == usual:
        return usual, ""
    later = [
        f"{n or 'no limit'}{' a day' if n else ''} from {start.isoformat()}"
        for start, n in steps
        if start > today
    ]
    return budget, (
        f"A new number (since {since.isoformat()}): at most {budget} removals a day now, "
        f"then {', '.join(later)}."
    )


def slow_note(why: str, gaps: tuple[float, float]) -> str:
    """Why a session's removals go at half speed today, in words."""
    low, high = gaps
    return f"Slower today: {why}; removals {low:g}–{high:g} s apart until tomorrow."


class SlowDays:
    """The sessions told to slow down today (WaSend's 429, WhatsApp's rate-overlimit, to a
    read or a removal): their gaps are doubled until midnight, and they ease back the next
    day. Kept here and, once the desk gives one, in `memory` (the journal), so that the
    next start, and every other process on the journal, keeps the slower pace too."""

    def __init__(self, today: Callable[[], date]) -> None:
        self.today = today
        self.memory: Slowdowns | None = None
        self._said: dict[str, tuple[date, str]] = {}

    def why(self, scope: str) -> str:
        """Why the scope is slowed today ("" when it is not)."""
        day = self.today()
        said = self._said.get(scope)
        if said is not None and said[0] == day:
            return said[1]
        why = self.memory.said(scope, day.isoformat()) if self.memory is not None else ""
        if why:
            self._said[scope] = (day, why)
        return why

    def note(self, scope: str, why: str) -> None:
        day = self.today()
        if self._said.get(scope, (None, ""))[0] == day:
            return  # the first reason of the day stands
        self._said[scope] = (day, why)
        if self.memory is not None:
            self.memory.note(scope, day.isoformat(), why)
