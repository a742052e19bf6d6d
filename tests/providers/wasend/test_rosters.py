"""WaSend's participant lists: kept a few minutes and shared, read at the session's pace even
over fifty groups, and never taken at their word (a short list, members with no phone)."""

from __future__ import annotations

import random
from typing import cast

from providers.models import Container, Member, Outcome, Provider, Role
from providers.sandbox.apis import Sandbox
from providers.sandbox.wasend.demo import crowd
from providers.wasend.adapter import WaSendAdapter
from providers.wasend.rosters import PHONE_UNKNOWN
from tests.helpers import OpenAdapter, Sleeps


def wasend(connect: OpenAdapter, **options: float) -> WaSendAdapter:
    return cast(WaSendAdapter, connect(Provider.WASEND, **options))


async def group_of(adapter: WaSendAdapter, name: str) -> Container:
    return next(c for c in await adapter.containers() if c.name == name)


async def listed(adapter: WaSendAdapter, group: Container) -> list[Member]:
    return [m async for page in adapter.members(group) for m in page.members]


def in_sandbox(sandbox: Sandbox, group: Container) -> dict[str, dict[str, object]]:
    session, jid = group.id.split("/")
    return sandbox.wasend.groups[session][jid]["participants"]  # type: ignore[no-any-return]


async def test_a_list_is_kept_a_few_minutes_and_a_write_reads_anew(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    adapter = wasend(connect)
    now = [0.0]
    adapter.clock = lambda: now[0]
    choir = await group_of(adapter, "Choir")
    reads = sandbox.wasend.reads["sess_events"]
    first = await anext(adapter.members(choir))
    now[0] += 180
    again = await anext(adapter.members(choir))
    assert again.members == first.members and again.age == 180  # "read 3 min ago"
    assert sandbox.wasend.reads["sess_events"] - reads == 1 and adapter.hits == 1
    now[0] += 150  # past the five minutes: read again
    assert (await anext(adapter.members(choir))).age == 0
    assert sandbox.wasend.reads["sess_events"] - reads == 2

    member = next(m for m in first.members if m.role is Role.MEMBER)
    in_sandbox(sandbox, choir).pop(member.id)  # gone behind our back: the kept list says no
    assert member in await listed(adapter, choir)
    assert await adapter.still_present(choir, [member]) == set()  # a write's read is live
    assert member not in await listed(adapter, choir)  # and the live read is kept
    assert sandbox.wasend.reads["sess_events"] - reads == 3


async def test_a_short_list_gives_unknown_not_absent(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    """Seed Swap counts 30 but lists 17. Someone not in those 17 is not "not there": find
    cannot tell, and a removal whose answer was lost stays unknown rather than confirmed."""
    adapter = wasend(connect)
    seeds = await group_of(adapter, "Seed Swap")
    page = await anext(adapter.members(seeds))
    assert len(page.members) == 17 and page.incomplete == "17 listed of the 30 WhatsApp counts"
    shown = {m.id for m in page.members}
    hidden = next(
        p for pid, p in in_sandbox(sandbox, seeds).items() if pid not in shown and p["displayName"]
    )
    where = await adapter.whereabouts([str(hidden["phoneNumber"])])
    assert "Seed Swap" not in {p.container.name for p in where.places}
    (unsure,) = [c for c in where.unsure if c.name == "Seed Swap"]
    assert unsure.read_only_word == "incomplete" and "they may be in it" in unsure.read_only_reason

    faults = sandbox.faults[Provider.WASEND]  # it acts, and the answer is a 500
    faults.error_after_rate, faults.methods = 1.0, frozenset({"DELETE"})
    member = Member(id=str(hidden["jid"]), address=str(hidden["phoneNumber"]))
    (outcome,) = await adapter.remove(seeds, [member])
    assert outcome.outcome is Outcome.UNKNOWN
    assert "the list may be incomplete (17 listed of the 30" in outcome.message
    assert (seeds.id.split("/")[1], member.id) in sandbox.wasend.removals  # it did happen

    choir = await group_of(adapter, "Choir")  # a whole list: the same loss is settled
    plain = next(m for m in await listed(adapter, choir) if m.role is Role.MEMBER)
    (settled,) = await adapter.remove(choir, [plain])
    assert settled.outcome is Outcome.REMOVED and "Confirmed gone" in settled.message


async def test_members_listed_by_privacy_id_with_no_phone_are_said_not_matched(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    adapter = wasend(connect)
    plots = await group_of(adapter, "Plot Holders")
    private = [m for m in await listed(adapter, plots) if m.address == PHONE_UNKNOWN]
    assert len(private) == 2 and all(m.id.endswith("@lid") for m in private)
    lid = private[0].id
    assert [p.member.id for p in (await adapter.look_in([plots], [lid])).places] == [lid]
    digits = lid.split("@")[0]  # the id's digits are not a phone: matched by the id only
    by_digits = await adapter.look_in([plots], [f"+{digits}"])
    assert not by_digits.places
    (unsure,) = by_digits.unsure
    assert unsure.read_only_word == "2 no phone"
    assert unsure.read_only_reason == (
        "Events team / Plot Holders: 2 participants listed by privacy id, phone unknown: "
        "not matched by phone"
    )
    assert not (await adapter.look_in([plots], ["someone@example.com"])).unsure  # no phone


async def test_find_over_fifty_groups_keeps_the_read_pace(
    sandbox: Sandbox, connect: OpenAdapter, sleeps: Sleeps
) -> None:
    """Fifty groups to look in, one read each: 1 to 2 s apart by a clock the recorded waits
    move, under the sandbox's own limit (reads closer than 1 s get rate-overlimit). A second
    find within minutes reads no list again."""
    rng = random.Random(5)
    for number in range(41):  # with the demo's nine, fifty groups to look in
        members = crowd(sorted(rng.sample(range(10, 1000), 20)))
        sandbox.wasend.add_group("sess_front_desk", f"Street {number}", members, number)
    person = sandbox.everywhere[1]
    for street in ("Street 3", "Street 17", "Street 40"):
        sandbox.wasend.adopt(street, person["phone"].lstrip("+"), person["name"])
    adapter = wasend(connect, seconds_between_reads=1, read_jitter=1)
    adapter.clock = sandbox.wasend.clock = lambda: sum(sleeps.waits)
    sandbox.wasend.misbehaviour.read_gap = 1.0

    calls = sandbox.calls(Provider.WASEND)
    where = await adapter.whereabouts([person["phone"]])
    assert sorted(p.container.name for p in where.places) == [
        "Parents Network",
        "Street 17",
        "Street 3",
        "Street 40",
    ]
    assert [c.parent for c in where.unsearched] == ["Sales line"]  # nothing refused
    assert adapter.reads == 50
    assert sandbox.calls(Provider.WASEND) - calls == 1 + 2 + 50  # sessions, two group pages
    assert all(1.0 <= wait <= 2.0 for wait in sleeps.waits)
    minutes = sum(sleeps.waits) / 60
    assert 50 / minutes <= 60, "reads a minute"

    calls = sandbox.calls(Provider.WASEND)
    again = await adapter.whereabouts([person["phone"]])
    assert again.places == where.places
    assert adapter.reads == 50 and adapter.hits == 50
    assert sandbox.calls(Provider.WASEND) - calls == 1 + 2  # the lists were kept
