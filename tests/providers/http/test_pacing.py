"""Writes spaced by a floor plus fresh jitter, on a clock the test owns; alone, or taking
turns with other processes on one number."""

from __future__ import annotations

import asyncio
import itertools
import random

import httpx
import pytest

from providers import errors
from providers.http.client import HttpSettings, ProviderHttp
from providers.http.pacing import WriteSpacing, writing_on


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


class Book:
    """Turns kept elsewhere: the first ask waits `first` seconds, the next gets the turn."""

    def __init__(self, first: float) -> None:
        self.waits = [first, 0.0]
        self.asked: list[tuple[str, float]] = []
        self.ended: list[tuple[str, float]] = []
        self.asking = asyncio.Event()

    def take(self, scope: str, longest: float) -> float:
        self.asked.append((scope, longest))
        self.asking.set()
        return self.waits.pop(0) if self.waits else 0.0

    def done(self, scope: str, gap: float) -> None:
        self.ended.append((scope, gap))


async def test_shared_turns_are_waited_for_and_end_with_a_fresh_gap() -> None:
    """Shared, a write waits for the number's turn, not for this process's own gap, and
    hands the number on with a gap drawn afresh (still floor plus jitter)."""
    time, book = FakeTime(), Book(first=2.5)
    spacing = WriteSpacing(3.0, 1.0, sleep=time.sleep, clock=time.clock, rng=random.Random(3))
    spacing.share(book, longest=40.0)
    scope = writing_on.set("sess_front_desk/")
    try:
        async with spacing.turn():
            assert time.now == 1002.5
        async with spacing.turn():
            pass
    finally:
        writing_on.reset(scope)
    assert book.asked == [("sess_front_desk/", 40.0)] * 3
    assert [s for s, _ in book.ended] == ["sess_front_desk/"] * 2
    assert all(3.0 <= gap <= 4.0 for _, gap in book.ended)
    assert book.ended[0][1] != book.ended[1][1]


async def test_a_stopped_job_gives_up_waiting_for_its_turn_and_sends_nothing() -> None:
    requests: list[httpx.Request] = []
    http = ProviderHttp(
        HttpSettings("http://wa.test", "t", "WaSend", seconds_between_writes=3.0),
        transport=httpx.MockTransport(lambda r: requests.append(r) or httpx.Response(200)),
    )
    book = Book(first=3600.0)
    http.share_writes(book)
    write = asyncio.create_task(http.call("POST", "/sess/groups/g/participants/remove"))
    await book.asking.wait()
    http.halt_writes()
    with pytest.raises(errors.Held):
        await write
    assert not requests and not book.ended
    await http.aclose()


class Edge(random.Random):
    """A draw that always lands at one end of the range: the gap's bounds, exactly."""

    def __init__(self, top: bool) -> None:
        super().__init__()
        self.top = top

    def uniform(self, a: float, b: float) -> float:
        return b if self.top else a


@pytest.mark.parametrize(("top", "gap"), [(True, 6.0), (False, 3.0)])
async def test_the_jitter_reaches_all_the_way_to_floor_plus_jitter(top: bool, gap: float) -> None:
    """WhatsApp's 3 s plus up to 3 s: the longest gap is 6 s, the shortest 3 s; the first
    write does not wait."""
    time = FakeTime()
    spacing = WriteSpacing(3.0, 3.0, sleep=time.sleep, clock=time.clock, rng=Edge(top))
    departures = []
    for _ in range(3):
        await spacing.wait()
        departures.append(time.now)
    assert departures[0] == 1000.0
    assert [b - a for a, b in itertools.pairwise(departures)] == [gap, gap]
    assert spacing.slowest_gap == 6.0
