"""Writes spaced by a floor plus fresh jitter, on a clock the test owns."""

from __future__ import annotations

import asyncio
import itertools
import random

from providers.http.pacing import WriteSpacing


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def test_gaps_are_never_below_the_floor_and_never_repeat() -> None:
    time = FakeTime()
    spacing = WriteSpacing(3.0, 3.0, sleep=time.sleep, clock=time.clock, rng=random.Random(7))
    departures = []
    for _ in range(40):
        await spacing.wait()
        departures.append(time.now)
        time.now += 0.2  # the call itself
    gaps = [b - a for a, b in itertools.pairwise(departures)]
    assert all(3.0 <= g <= 6.0 for g in gaps)
    assert len({round(g, 6) for g in gaps}) == len(gaps)
    assert max(gaps) - min(gaps) > 1.0  # spread over the jitter, not bunched at one value


async def test_a_write_after_a_long_pause_leaves_at_once() -> None:
    time = FakeTime()
    spacing = WriteSpacing(3.0, 3.0, sleep=time.sleep, clock=time.clock)
    await spacing.wait()
    time.now += 60
    before = time.now
    await spacing.wait()
    assert time.now == before


async def test_writes_waiting_together_still_keep_their_gaps() -> None:
    """Five writes ask at the same moment: each books its own departure, a gap apart."""
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    spacing = WriteSpacing(2.0, 1.0, sleep=record, clock=lambda: 50.0, rng=random.Random(1))
    await asyncio.gather(*(spacing.wait() for _ in range(5)))
    departures = [0.0, *sorted(waits)]
    gaps = [b - a for a, b in itertools.pairwise(departures)]
    assert len(gaps) == 4 and all(2.0 <= g <= 3.0 for g in gaps)
