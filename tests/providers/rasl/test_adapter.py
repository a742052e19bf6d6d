"""RASL against its sandbox: pages, removals told apart by count, batch delete, sources."""

from __future__ import annotations

import json
from typing import Any

import pytest

from providers import errors
from providers.accounts.workspace import sandbox_accounts
from providers.jobs.engine import Engine
from providers.jobs.lookup import plan_for_entries
from providers.jobs.plans import record_plan
from providers.journal import Journal
from providers.models import Container, ContainerKind, Member, Outcome, Provider
from providers.protocol import Adapter
from providers.sandbox.apis import Sandbox
from tests.helpers import OpenAdapter, assert_lost_add_settled, run


async def _group(adapter: Adapter, name: str) -> Container:
    return next(c for c in await adapter.containers() if c.name == name)


async def _all(adapter: Adapter, container: Container) -> list[Member]:
    return [m async for page in adapter.members(container) for m in page.members]


def _in_group(sandbox: Sandbox, group: Container) -> set[str]:
    number = int(group.id.split(":")[1])
    return {str(c["id"]) for c in sandbox.rasl.members_of(number)}


async def test_containers_are_groups_sources_and_the_contact_book(connect: OpenAdapter) -> None:
    found = await connect(Provider.RASL).containers()
    kinds = [c.kind for c in found]
    assert kinds.count(ContainerKind.GROUP) == 6
    assert kinds.count(ContainerKind.SOURCE) == 5
    assert found[-1].kind is ContainerKind.CONTACT_BOOK and found[-1].member_count == 600
    assert next(c for c in found if c.name == "Newsletter (WhatsApp)").member_count == 310


async def test_members_stream_page_by_page(sandbox: Sandbox, connect: OpenAdapter) -> None:
    adapter = connect(Provider.RASL)
    group = await _group(adapter, "Newsletter (WhatsApp)")
    pages = [page async for page in adapter.members(group)]
    assert [len(p.members) for p in pages] == [100, 100, 100, 10]
    assert all(p.total == 310 for p in pages)
    assert {m.id for p in pages for m in p.members} == _in_group(sandbox, group)


async def test_a_short_page_ends_the_list_when_meta_is_missing(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    """The pagination metadata is undocumented: without it, a short page is the last."""
    from starlette.responses import JSONResponse

    original = JSONResponse.render

    def without_meta(self: JSONResponse, content: object) -> bytes:
        if isinstance(content, dict):
            content = {k: v for k, v in content.items() if k != "meta"}
        return original(self, content)

    pytest.MonkeyPatch().setattr(JSONResponse, "render", without_meta)
    try:
        adapter = connect(Provider.RASL)
        group = next(c for c in await adapter.containers() if c.name == "Lapsed Members")
        members = await _all(adapter, group)
    finally:
        JSONResponse.render = original  # type: ignore[method-assign]
    assert len(members) == 180


async def test_a_change_racing_the_call_is_said_plainly_never_guessed(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    """Someone else took `second` out after our listing: RASL answers "removed 2" of three,
    and a read afterwards finds all three out. Which two were ours is not known: said."""
    adapter = connect(Provider.RASL)
    group = await _group(adapter, "Volunteers")
    first, second, third = (await _all(adapter, group))[:3]
    sandbox.rasl.contacts[int(second.id)]["group_id"].remove(int(group.id.split(":")[1]))
    calls = sandbox.calls(Provider.RASL)
    result = await adapter.remove(group, [first, second, third])
    assert {o.outcome for o in result} == {Outcome.GONE}
    assert all("removed 2 of these 3 and does not say which" in o.message for o in result)
    assert sandbox.calls(Provider.RASL) - calls == 2, "the removal, then one page of 45"
    assert not {first.id, second.id, third.id} & _in_group(sandbox, group)


@pytest.mark.parametrize(
    ("group_name", "by_id", "reads"),
    [("Newsletter (WhatsApp)", False, 3), ("Volunteers", True, 1)],
    ids=["a search each, by phone", "the group of 45, read whole: cheaper than one by one"],
)
async def test_a_short_count_is_checked_by_a_read_whenever_the_read_is_cheap(
    sandbox: Sandbox, connect: OpenAdapter, group_name: str, by_id: bool, reads: int
) -> None:
    """Whoever RASL did not count should be out of the group; where reading them costs a
    call each or less (their phones, or a small group read whole), they are read to be sure,
    and none is said out unread."""
    adapter = connect(Provider.RASL)
    group = await _group(adapter, group_name)
    chosen = (await _all(adapter, group))[:3]
    sandbox.rasl.contacts[int(chosen[1].id)]["group_id"].remove(int(group.id.split(":")[1]))
    members = [Member(id=m.id) for m in chosen] if by_id else chosen
    calls = sandbox.calls(Provider.RASL)
    result = await adapter.remove(group, members)
    assert all("removed 2 of these 3 and does not say which" in o.message for o in result)
    assert sandbox.calls(Provider.RASL) - calls == 1 + reads


async def test_removal_reads_nothing_first_and_a_full_count_is_exact(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    adapter = connect(Provider.RASL)
    group = await _group(adapter, "Newsletter (WhatsApp)")
    members = (await _all(adapter, group))[:150]
    calls = sandbox.calls(Provider.RASL)
    result = await adapter.remove(group, members[:100])
    result += await adapter.remove(group, members[100:])
    assert {o.outcome for o in result} == {Outcome.REMOVED}
    assert sandbox.calls(Provider.RASL) - calls == 2, "one call a batch, no read of the group"


async def test_all_absent_and_add_back_in_one_call(sandbox: Sandbox, connect: OpenAdapter) -> None:
    adapter = connect(Provider.RASL)
    group = await _group(adapter, "Board")
    members = await _all(adapter, group)
    assert {o.outcome for o in await adapter.remove(group, members)} == {Outcome.REMOVED}
    assert {o.outcome for o in await adapter.remove(group, members)} == {Outcome.ALREADY_ABSENT}
    calls = sandbox.calls(Provider.RASL)
    assert {o.outcome for o in await adapter.add(group, members)} == {Outcome.RESTORED}
    assert sandbox.calls(Provider.RASL) - calls == 1, "a full count needs no read"
    assert _in_group(sandbox, group) == {m.id for m in members}


async def test_a_short_add_count_is_settled_by_reading_just_these(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    """RASL answers only how many it added. Someone put `there` back behind our back and
    deleted `deleted`: each says so, from a read of the group (and of the contact book for
    the one not in it), never "restored" for all."""
    adapter = connect(Provider.RASL)
    group = await _group(adapter, "Board")
    back, there, deleted, other = (await _all(adapter, group))[:4]
    await adapter.remove(group, [back, there, deleted, other])
    sandbox.rasl.contacts[int(there.id)]["group_id"].append(int(group.id.split(":")[1]))
    del sandbox.rasl.contacts[int(deleted.id)]

    async def add(*members: Member) -> dict[str, tuple[Outcome, str]]:
        return {o.member_id: (o.outcome, o.code) for o in await adapter.add(group, members)}

    calls = sandbox.calls(Provider.RASL)
    assert await add(back, deleted) == {
        back.id: (Outcome.RESTORED, ""),
        deleted.id: (Outcome.FAILED, "NOT_FOUND"),
    }
    assert sandbox.calls(Provider.RASL) - calls == 3, "the add, the group, the contact"
    calls = sandbox.calls(Provider.RASL)
    assert await add(there) == {there.id: (Outcome.ALREADY_PRESENT, "")}
    assert sandbox.calls(Provider.RASL) - calls == 2, "the add, then a search for the contact"
    # "added 1" of two who are both in now: which one, the answer does not say.
    outcomes = await adapter.add(group, [other, there])
    assert {o.outcome for o in outcomes} == {Outcome.BACK}
    assert "added 1 of these 2 and does not say which" in outcomes[0].message
    assert _in_group(sandbox, group) >= {back.id, there.id, other.id}


async def test_an_add_whose_answer_was_lost_is_settled_by_reading(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    adapter = connect(Provider.RASL)
    group = await _group(adapter, "Board")
    back, deleted = (await _all(adapter, group))[:2]
    await adapter.remove(group, [back, deleted])
    del sandbox.rasl.contacts[int(deleted.id)]
    faults = sandbox.faults[Provider.RASL]
    faults.drop_after_rate, faults.methods = 1.0, frozenset({"POST"})
    outcomes = await adapter.add(group, [back, deleted])
    assert_lost_add_settled(outcomes, back, deleted, "POST /groups/5/contacts")


async def test_a_lost_answer_is_settled_by_reading(sandbox: Sandbox, connect: OpenAdapter) -> None:
    faults = sandbox.faults[Provider.RASL]
    adapter = connect(Provider.RASL)
    group = await _group(adapter, "Board")
    members = await _all(adapter, group)
    faults.timeout_rate, faults.methods = 1.0, frozenset({"DELETE"})  # held past the timeout
    outcomes = await adapter.remove(group, members[:2])
    assert [o.outcome for o in outcomes] == [Outcome.REMOVED, Outcome.REMOVED]
    assert "answer was lost" in outcomes[0].message


async def test_an_answer_without_its_count_is_lost_and_settled_by_reading(
    sandbox: Sandbox, connect: OpenAdapter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A removal answered with a body that holds no count (here: a list where an object
    belongs) tells nothing: the member still listed may yet be removed, in RASL's case."""
    adapter = connect(Provider.RASL)
    group = await _group(adapter, "Board")
    members = await _all(adapter, group)
    http = adapter.http  # type: ignore[attr-defined]
    reads = http.call

    async def garbled(method: str, path: str, **given: Any) -> Any:
        return {"data": ["ok"]} if method == "DELETE" else await reads(method, path, **given)

    monkeypatch.setattr(http, "call", garbled)
    (outcome,) = await adapter.remove(group, members[:1])
    assert (outcome.member_id, outcome.outcome, outcome.code) == (
        members[0].id,
        Outcome.UNKNOWN,
        "BAD_BODY",
    )
    assert outcome.message == (
        "RASL (sandbox-rasl) did not say how many contacts it removed. Still a member when "
        "checked; it may yet be removed."
    )


async def test_server_failure_fails_the_batch_with_the_code(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    adapter = connect(Provider.RASL)
    group = await _group(adapter, "Board")
    members = await _all(adapter, group)
    faults = sandbox.faults[Provider.RASL]
    faults.error_rate, faults.error_status, faults.methods = 1.0, 500, frozenset({"DELETE"})
    outcomes = await adapter.remove(group, members[:2])
    assert {(o.outcome, o.code) for o in outcomes} == {(Outcome.FAILED, "INTERNAL_ERROR")}
    assert _in_group(sandbox, group) >= {m.id for m in members[:2]}


async def test_batch_delete_reports_each_contact(sandbox: Sandbox, connect: OpenAdapter) -> None:
    adapter = connect(Provider.RASL)
    book = next(c for c in await adapter.containers() if c.kind is ContainerKind.CONTACT_BOOK)
    members = (await _all(adapter, book))[:3]
    del sandbox.rasl.contacts[int(members[1].id)]
    outcomes = {o.member_id: o.outcome for o in await adapter.delete_contacts(members)}
    assert outcomes == {
        members[0].id: Outcome.REMOVED,
        members[1].id: Outcome.ALREADY_ABSENT,
        members[2].id: Outcome.REMOVED,
    }
    assert not {int(m.id) for m in members} & set(sandbox.rasl.contacts)


async def test_removing_from_a_source_is_refused_not_turned_into_a_delete(
    connect: OpenAdapter,
) -> None:
    adapter = connect(Provider.RASL)
    source = next(c for c in await adapter.containers() if c.kind is ContainerKind.SOURCE)
    with pytest.raises(errors.InvalidRequest) as refused:
        await adapter.remove(source, [Member(id="1001")])
    assert refused.value.message == (
        "RASL (sandbox-rasl): contacts leave a group, not a source; deleting the contacts is a "
        "separate operation."
    )


async def test_a_source_in_use_is_refused_with_the_count(connect: OpenAdapter) -> None:
    adapter = connect(Provider.RASL)
    containers = await adapter.containers()
    used = next(c for c in containers if c.name == "Website form")
    refused = await adapter.delete_source(used)
    assert not refused.deleted and refused.contacts_in_use == 150
    unused = next(c for c in containers if c.name == "Old CRM (unused)")
    assert (await adapter.delete_source(unused)).deleted


async def test_an_unknown_group_is_not_found(connect: OpenAdapter) -> None:
    adapter = connect(Provider.RASL)
    ghost = Container(id="group:999", name="ghost", kind=ContainerKind.GROUP)
    outcomes = await adapter.remove(ghost, [Member(id="1001")])
    assert outcomes[0].outcome is Outcome.FAILED and outcomes[0].code == "NOT_FOUND"


async def test_an_invalid_per_page_names_the_field(connect: OpenAdapter) -> None:
    adapter = connect(Provider.RASL)
    with pytest.raises(errors.InvalidRequest) as caught:
        await adapter.http.get("/groups", {"per_page": 500})  # type: ignore[attr-defined]
    assert caught.value.fields == {"per_page": "Must be between 1 and 100."}


async def test_the_tenants_limit_sets_the_pace(sandbox: Sandbox, connect: OpenAdapter) -> None:
    from providers.accounts.connect import open_adapter

    account, token = sandbox_accounts()[0]
    adapter = open_adapter(account, token, transport=sandbox.transport())
    try:
        sandbox.rasl.calls_per_minute = 120
        await adapter.check()
        assert adapter.capabilities.requests_per_second == 2.0
    finally:
        await adapter.aclose()


@pytest.mark.parametrize(
    "spelling", [None, ("first_name", "last_name")], ids=["firstname", "first_name"]
)
async def test_names_read_in_either_spelling_and_a_whole_name_is_found(
    sandbox: Sandbox, connect: OpenAdapter, spelling: tuple[str, str] | None
) -> None:
    """The API's own fields are `firstname` and `lastname` (the sandbox's default); some
    answers say `first_name` and `last_name`. Either way names show, and a name given whole
    finds its contact with one search; a name two contacts share is refused, not guessed."""
    if spelling is not None:
        sandbox.rasl.name_fields = spelling
    adapter = connect(Provider.RASL)
    group = await _group(adapter, "Volunteers")
    jo, namesake = (await _all(adapter, group))[:2]
    contacts = sandbox.rasl.contacts
    contacts[int(jo.id)].update(first_name="Jo", last_name="Common")
    listed = {m.id: m.name for m in await _all(adapter, group)}
    assert all(listed.values()) and listed[jo.id] == "Jo Common"
    calls = sandbox.calls(Provider.RASL)
    plan, unmatched = await plan_for_entries(adapter, "t", group, ["jo  COMMON"])
    assert [m.id for m in plan.members] == [jo.id] and not unmatched
    assert sandbox.calls(Provider.RASL) - calls == 1, "one search"
    contacts[int(namesake.id)].update(first_name="Jo", last_name="Common")
    with pytest.raises(errors.ConfigurationError, match="2 members of Volunteers are called"):
        await plan_for_entries(adapter, "t", group, ["Jo Common"])


async def test_a_phone_typed_in_arabic_digits_is_searched_for_in_ascii(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    """RASL's search compares the digits it is sent with those it keeps, in ASCII: a phone
    typed on an Arabic keyboard is searched for as the same number, one search."""
    adapter = connect(Provider.RASL)
    group = await _group(adapter, "Volunteers")
    jo = (await _all(adapter, group))[0]
    sandbox.rasl.contacts[int(jo.id)].update(phone="+447700900999")
    calls = sandbox.calls(Provider.RASL)
    typed = "+٤٤ ٧٧٠٠ ٩٠٠٩٩٩"
    plan, unmatched = await plan_for_entries(adapter, "t", group, [typed])
    assert [m.id for m in plan.members] == [jo.id] and not unmatched
    assert sandbox.calls(Provider.RASL) - calls == 1, "one search"


def test_remove_by_a_whole_name_in_the_shell(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--demo", "members", "sandbox-rasl", "Board", "--json")
    board = json.loads(out)["members"]
    names = [m["name"] for m in board]
    person = next(m for m in board if m["name"] and names.count(m["name"]) == 1)
    code, out, err = run(capsys, "--demo", "remove", "sandbox-rasl", "Board", person["name"])
    assert code == 1 and "without --yes" in err  # found, and only the confirmation is missing
    assert f"{person['name']}" in out and "Board: 1 member." in out


async def test_a_member_back_under_a_new_phone_is_read_by_it_before_being_sent_again(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    """A job took a contact out of the group, found by their phone; they came back with a
    new one. A later job finds them by the new phone and reads them by it (not by the one
    the first job journaled, which finds nobody now), so they are removed, not reported as
    already gone while still in the group."""
    adapter = connect(Provider.RASL)
    group = await _group(adapter, "Volunteers")
    jo = (await _all(adapter, group))[0]

    async def remove(phone: str) -> dict[str, int]:
        plan, unmatched = await plan_for_entries(adapter, "t", group, [phone])
        assert [m.id for m in plan.members] == [jo.id] and not unmatched
        return (await Engine(adapter, journal).run(record_plan(journal, plan))).counts

    assert await remove(jo.address) == {Outcome.REMOVED.value: 1}
    sandbox.rasl.contacts[int(jo.id)].update(phone="+447700900777", email="jo@example.com")
    await adapter.add(group, [jo])
    assert await remove("+44 7700 900777") == {Outcome.REMOVED.value: 1}
    assert jo.id not in _in_group(sandbox, group)
