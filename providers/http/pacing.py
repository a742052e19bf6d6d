"""Space writes apart the way a careful person would: never closer than a floor, and never
in a fixed rhythm (WhatsApp flags numbers whose actions come like clockwork).

Alone, a process keeps its own gaps. When others write on the same numbers (two terminals,
a team), the gaps are kept through `Turns`, which something outside the HTTP layer provides
(the desk wires in the journal's): every write on one scope, from any process, takes its turn
there. The scope of a write is `writing_on`, set by whoever knows which number a write is for.
"""

from __future__ import annotations

import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Protocol

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

#: the scope (a WhatsApp number) the current task's writes are on; "" when nobody said
writing_on: ContextVar[str] = ContextVar("writing_on", default="")


class Turns(Protocol):
    """Turns at writing on one scope, shared with every other process writing on it."""

    def take(self, scope: str, longest: float) -> float:
        """Take the scope's turn if its last write's gap has passed and none is under way
        (one under way for `longest` seconds is over): 0, and the caller writes, then calls
        `done`. Otherwise how many seconds to wait before asking again."""
        ...

    def done(self, scope: str, gap: float) -> None:
        """The write taken ended: the scope's next may leave `gap` seconds from now."""
        ...


class WriteSpacing:
    """Each write leaves `floor` plus a fresh random share of `jitter` seconds after the one
    before. The first write does not wait. Callers book their departure in turn before
    sleeping, so writes waiting together keep their gaps too."""

    def __init__(
        self,
        floor: float,
        jitter: float = 0.0,
        *,
        sleep: Sleep,
        clock: Clock = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.floor = floor
        self.jitter = jitter
        self._sleep = sleep
        #: what it reads the time from (a test gives its own, so the machine's speed is not in it)
        self.clock = clock
        self._rng = rng or random.SystemRandom()
        self._last: float | None = None
        #: how many times the usual gap the next ones keep (WhatsApp: twice, for the rest of
        #: a day a number was told to slow down)
        self.stretch = 1.0
        self.turns: Turns | None = None
        #: how long a write can be under way: a shared turn held longer is taken to be over
        self.longest = 60.0

    def _next_gap(self) -> float:
        return (self.floor + self._rng.uniform(0.0, self.jitter)) * self.stretch

    @property
    def slowest_gap(self) -> float:
        return self.floor + self.jitter

    def share(self, turns: Turns, longest: float) -> None:
        """Keep the gaps with every process writing on the same scopes, through `turns`."""
        self.turns, self.longest = turns, longest

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """The write happens inside: alone, once this process's gap has passed; shared, once
        the scope's gap from the last write anyone made on it has passed, and no other write
        on it is under way."""
        if self.turns is None:
            await self.wait()
            yield
            return
        scope, gap = writing_on.get(), self._next_gap()
        while (wait := self.turns.take(scope, self.longest)) > 0:
            await self._sleep(wait)
        try:
            yield
        finally:
            self.turns.done(scope, gap)

    async def wait(self) -> None:
        """Return when this write may leave."""
        now = self.clock()
        departure = now if self._last is None else max(now, self._last + self._next_gap())
        self._last = departure
        if departure > now:
            await self._sleep(departure - now)
