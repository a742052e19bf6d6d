"""WaSend's sessions, groups and communities: admin rights known from the listing, communities
with their groups, and reads at a pace of each session's own, on the sandbox."""

from __future__ import annotations

from datetime import date
from typing import cast

import pytest

from providers import errors
from providers.models import ContainerKind, Provider
from providers.sandbox.apis import Sandbox
from providers.wasend.adapter import WaSendAdapter
from tests.helpers import OpenAdapter, Sleeps


def wasend(connect: OpenAdapter, **options: float) -> WaSendAdapter:
    return cast(WaSendAdapter, connect(Provider.WASEND, **options))


async def test_a_group_whose_number_is_no_admin_is_known_from_the_listing(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    adapter = wasend(connect)
    groups = {g.name: g for g in await adapter.containers()}
    # sessions, and one page of groups each for the two working ones: no participant read
    assert sandbox.calls(Provider.WASEND) == 3
    rota = groups["Staff Rota"]
    assert rota.read_only and rota.read_only_word == "not removable"
    assert "this number is not an admin" in rota.read_only_reason
    assert adapter.refusal(rota) == rota.read_only_reason
    assert not groups["Choir"].read_only and adapter.refusal(groups["Choir"]) == ""


async def test_a_community_lists_its_groups_beneath_it(connect: OpenAdapter) -> None:
    adapter = wasend(connect)
    listed = [g for g in await adapter.containers() if g.parent == "Events team"]
    names = [g.name for g in listed]
    start = names.index("Riverside Allotments")
    assert names[start : start + 4] == [
        "Riverside Allotments",
        "Announcements",
        "Plot Holders",
        "Seed Swap",
    ]
    community = listed[start]
    assert community.kind is ContainerKind.COMMUNITY and community.community == community.id
    assert all(g.community == community.id for g in listed[start + 1 : start + 4])
    assert not listed[0].community  # Summer Fair Helpers is in none
    parent, *groups = await adapter.community(listed[start + 2])  # from one of its groups
    assert parent == community and [g.name for g in groups] == names[start + 1 : start + 4]
    assert await adapter.community(listed[0]) == []


async def test_reads_keep_a_pace_of_their_own_and_rate_overlimit_slows_the_day(
    sandbox: Sandbox, connect: OpenAdapter, sleeps: Sleeps
) -> None:
    """Reads of one session keep 1 to 2 s apart (by a clock that the recorded waits move): the
    sandbox, which answers rate-overlimit to reads closer than 1 s, never does. Closer reads
    than it allows are refused, said plainly, and the session's gaps double for the day."""
    adapter = wasend(connect, seconds_between_reads=1, read_jitter=1)
    adapter.clock = sandbox.wasend.clock = lambda: sum(sleeps.waits)
    sandbox.wasend.misbehaviour.read_gap = 1.0
    groups = [g for g in await adapter.containers() if g.parent == "Events team"]
    for group in groups:
        adapter.forget(group)
        assert [m async for page in adapter.members(group) for m in page.members]
    assert len(sleeps.waits) == len(groups)  # the first read of each session went at once
    assert all(1.0 <= wait <= 2.0 for wait in sleeps.waits)

    sandbox.wasend.misbehaviour.read_gap = 10.0  # WhatsApp wants them slower still
    adapter.forget(groups[0])
    with pytest.raises(errors.ProviderError, match=r"rate-overlimit .* half speed until tomorrow"):
        [m async for page in adapter.members(groups[0]) for m in page.members]
    waits = len(sleeps.waits)
    adapter.forget(groups[0])
    sandbox.wasend.misbehaviour.read_gap = None
    [m async for page in adapter.members(groups[0]) for m in page.members]
    assert 2.0 <= sleeps.waits[waits] <= 4.0  # doubled
    assert "Slower today: WhatsApp answered rate-overlimit to a read" in "\n".join(
        adapter.capabilities_at(groups[0]).pace_notes
    )
    adapter.slow.today = lambda: date(2099, 1, 1)  # the next day it eases back
    assert not adapter.capabilities_at(groups[0]).pace_notes
