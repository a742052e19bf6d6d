"""Space writes apart the way a careful person would: never closer than a floor, and never
in a fixed rhythm (WhatsApp flags numbers whose actions come like clockwork)."""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


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
        self._clock = clock
        self._rng = rng or random.SystemRandom()
        self._last: float | None = None
        #: how many times the usual gap the next ones keep (WhatsApp: twice, for the rest of
        #: a day a number was told to slow down)
        self.stretch = 1.0

    def _next_gap(self) -> float:
        return (self.floor + self._rng.uniform(0.0, self.jitter)) * self.stretch

    @property
    def slowest_gap(self) -> float:
        return self.floor + self.jitter

    async def wait(self) -> None:
        """Return when this write may leave."""
        now = self._clock()
        departure = now if self._last is None else max(now, self._last + self._next_gap())
        self._last = departure
        if departure > now:
            await self._sleep(departure - now)
