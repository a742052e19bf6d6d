"""WaSend against its sandbox: both documented and SDK shapes, owners, privacy ids, pacing."""

from __future__ import annotations

import pytest

from providers import errors
from providers.models import Container, Member, Outcome, Provider, Role
from providers.protocol import Adapter
from providers.sandbox.apis import Sandbox
from tests.helpers import OpenAdapter, Sleeps


async def _group(adapter: Adapter, name: str) -> tuple[Container, list[Member]]:
    group = next(c for c in await adapter.containers() if c.name == name)
    return group, [m async for page in adapter.members(group) for m in page.members]


def _participants(sandbox: Sandbox, group: Container) -> dict[str, dict[str, object]]:
    session, jid = group.id.split("/")
    return sandbox.wasend.groups[session][jid]["participants"]  # type: ignore[no-any-return]


async def test_groups_of_every_session(connect: OpenAdapter) -> None:
    found = await connect(Provider.WASEND).containers()
    assert {c.parent for c in found} == {"Front desk", "Events team", "Sales line"}
    assert max(c.member_count or 0 for c in found) == 980


@pytest.mark.parametrize("shape", ["docs", "sdk"])
async def test_groups_and_members_read_both_shapes(
    sandbox: Sandbox, connect: OpenAdapter, shape: str
) -> None:
    sandbox.wasend.shapes.lists = shape
    _, members = await _group(connect(Provider.WASEND), "Harbour Runners")
    assert len(members) == 248
    owners = [m for m in members if m.role is Role.OWNER]
    assert len(owners) == 1 and owners[0].locked
    assert any(m.role is Role.ADMIN for m in members)
    assert any(m.id.endswith("@lid") and m.address.startswith("+44") for m in members)
    ours = [m for m in members if m.name == "Us (this session)"]
    assert ours and "own number" in ours[0].locked_reason


@pytest.mark.parametrize("paths", [{"docs", "sdk"}, {"sdk"}])
async def test_remove_by_the_listed_id_on_either_path(
    sandbox: Sandbox, connect: OpenAdapter, paths: set[str]
) -> None:
    sandbox.wasend.shapes.remove_paths = frozenset(paths)
    adapter = connect(Provider.WASEND)
    group, members = await _group(adapter, "Choir")
    private = next(m for m in members if m.id.endswith("@lid"))
    plain = next(m for m in members if m.role is Role.MEMBER and m.id.endswith("@s.whatsapp.net"))
    outcomes = await adapter.remove(group, [private, plain])
    assert [o.outcome for o in outcomes] == [Outcome.REMOVED, Outcome.REMOVED]
    assert private.id not in _participants(sandbox, group)
    again = await adapter.remove(group, [private])
    assert again[0].outcome is Outcome.ALREADY_ABSENT


async def test_the_owner_is_never_sent(sandbox: Sandbox, connect: OpenAdapter) -> None:
    adapter = connect(Provider.WASEND)
    group, members = await _group(adapter, "Choir")
    owner = next(m for m in members if m.role is Role.OWNER)
    before = sandbox.calls(Provider.WASEND)
    outcomes = await adapter.remove(group, [owner])
    assert outcomes[0].outcome is Outcome.PROTECTED
    assert sandbox.calls(Provider.WASEND) == before
    assert owner.id in _participants(sandbox, group)


async def test_one_bad_member_does_not_spoil_the_batch(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    adapter = connect(Provider.WASEND)
    group, members = await _group(adapter, "Choir")
    first, second = [m for m in members if m.role is Role.MEMBER][:2]
    # The owner flag changed on the provider's side after we listed: WhatsApp refuses it.
    _participants(sandbox, group)[second.id]["isSuperAdmin"] = True
    outcomes = {o.member_id: o for o in await adapter.remove(group, [first, second])}
    assert outcomes[first.id].outcome is Outcome.REMOVED
    assert outcomes[second.id].outcome is Outcome.FAILED
    assert "owner" in outcomes[second.id].message


async def test_not_an_admin_stops_the_run(connect: OpenAdapter) -> None:
    adapter = connect(Provider.WASEND)
    group, members = await _group(adapter, "Staff Rota")
    with pytest.raises(errors.PermissionDenied, match="not an admin"):
        await adapter.remove(group, [m for m in members if not m.locked][:1])


async def test_an_unknown_group_is_a_clear_failure(connect: OpenAdapter) -> None:
    adapter = connect(Provider.WASEND)
    ghost = Container(id="sess_front_desk/999@g.us", name="ghost", kind="group")
    outcomes = await adapter.remove(ghost, [Member(id="447700900123@s.whatsapp.net")])
    assert outcomes[0].outcome is Outcome.FAILED and "not found" in outcomes[0].message.lower()


async def test_add_back_says_what_whatsapp_answered(sandbox: Sandbox, connect: OpenAdapter) -> None:
    """The group is read first: who is in it already is said so and not sent. The rest end
    as WaSend's answer names them, in its words for one it could not add."""
    adapter = connect(Provider.WASEND)
    group, members = await _group(adapter, "Choir")
    back, deleted = [m for m in members if m.role is Role.MEMBER][:2]
    await adapter.remove(group, [back])
    await adapter.remove(group, [deleted])
    sandbox.wasend.off_whatsapp.add(deleted.id)
    calls = sandbox.calls(Provider.WASEND)
    outcomes = {o.member_id: o for o in await adapter.add(group, [back, deleted])}
    assert outcomes[back.id].outcome is Outcome.RESTORED
    assert outcomes[deleted.id].outcome is Outcome.FAILED
    assert "not on WhatsApp" in outcomes[deleted.id].message
    assert sandbox.calls(Provider.WASEND) - calls == 2, "a read of the group, the add"
    calls = sandbox.calls(Provider.WASEND)
    again = (await adapter.add(group, [back]))[0]
    assert again.outcome is Outcome.ALREADY_PRESENT and again.message == "Already in the group."
    assert sandbox.calls(Provider.WASEND) - calls == 1, "nothing sent for who is there"
    assert back.id in _participants(sandbox, group)


async def test_an_add_whose_answer_was_lost_is_settled_by_reading(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    adapter = connect(Provider.WASEND)
    group, members = await _group(adapter, "Choir")
    member = next(m for m in members if m.role is Role.MEMBER)
    await adapter.remove(group, [member])
    faults = sandbox.faults[Provider.WASEND]
    faults.drop_after_rate, faults.match = 1.0, "/participants/add"
    calls = sandbox.calls(Provider.WASEND)
    (outcome,) = await adapter.add(group, [member])
    assert outcome.outcome is Outcome.RESTORED
    assert "Confirmed back after the answer was lost" in outcome.message
    assert sandbox.calls(Provider.WASEND) - calls == 3, "a read, the add, a read"


async def test_writes_wait_a_jittered_gap_never_below_the_floor(
    connect: OpenAdapter, sleeps: Sleeps
) -> None:
    """The default pace: 3 s plus up to 3 s drawn afresh for each removal. The time is the
    test's own: it moves only by what is waited, so each wait is one whole gap."""
    adapter = connect(Provider.WASEND, seconds_between_writes=3, write_jitter=3)
    spacing = adapter.http.write_spacing  # type: ignore[attr-defined]
    spacing.clock = sleeps.clock(0.0)
    group, members = await _group(adapter, "Choir")
    for member in [m for m in members if not m.locked][:6]:
        await adapter.remove(group, [member])
    gaps = sleeps.waits
    assert len(gaps) == 5  # the first removal leaves at once
    assert len(set(gaps)) == 5  # no rhythm
    assert all(3 <= g <= 6 for g in gaps)


async def test_an_answer_in_neither_shape_is_a_clear_error(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    adapter = connect(Provider.WASEND)
    group, _ = await _group(adapter, "Choir")
    session, jid = group.id.split("/")
    sandbox.wasend.groups[session][jid]["participants"] = {"x": {"nope": 1}}
    adapter.forget(group)  # the list read a moment ago would be given again
    with pytest.raises(errors.BadResponse, match="unexpected shape"):
        async for _ in adapter.members(group):
            pass


async def test_someone_elses_removal_is_already_absent_not_ours(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    """Our listing is stale: another admin took `gone` out. WaSend's answer names only
    whom it removed, and the read-back after the call settles the rest."""
    adapter = connect(Provider.WASEND)
    group, members = await _group(adapter, "Choir")
    kept, gone = [m for m in members if m.role is Role.MEMBER][:2]
    del _participants(sandbox, group)[gone.id]
    removals = len(sandbox.wasend.removals)
    outcomes = {o.member_id: o.outcome for o in await adapter.remove(group, [kept, gone])}
    assert outcomes == {kept.id: Outcome.REMOVED, gone.id: Outcome.ALREADY_ABSENT}
    assert len(sandbox.wasend.removals) - removals == 1


async def test_a_404_switches_to_the_sdk_path_only_when_the_route_is_missing(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    adapter = connect(Provider.WASEND)
    ghost = Container(id="sess_front_desk/999@g.us", name="ghost", kind="group")
    await adapter.remove(ghost, [Member(id="447700900123@s.whatsapp.net")])
    assert not adapter._sdk_remove, "a missing group is not a missing route"  # type: ignore[attr-defined]
    sandbox.wasend.shapes.remove_paths = frozenset({"sdk"})
    group, members = await _group(adapter, "Choir")
    member = next(m for m in members if m.role is Role.MEMBER)
    assert (await adapter.remove(group, [member]))[0].outcome is Outcome.REMOVED
    assert adapter._sdk_remove  # type: ignore[attr-defined]
