"""AutoSend against its sandbox: lists and segments, both list keys, removal counts."""

from __future__ import annotations

import httpx
import pytest

from providers import errors
from providers.accounts.connect import open_adapter
from providers.accounts.workspace import sandbox_accounts
from providers.autosend.adapter import _refused
from providers.models import Container, ContainerKind, Member, Outcome, Provider
from providers.protocol import Adapter
from providers.sandbox.apis import Sandbox
from tests.helpers import FAST, OpenAdapter, Sleeps, assert_lost_add_settled


async def _list(adapter: Adapter, name: str) -> Container:
    return next(c for c in await adapter.containers() if c.name == name)


@pytest.mark.parametrize("key", ["lists", "contacts"])
async def test_lists_under_either_documented_key(
    sandbox: Sandbox, connect: OpenAdapter, key: str
) -> None:
    sandbox.autosend.lists_key = key
    found = await connect(Provider.AUTOSEND).containers()
    by_name = {c.name: c for c in found}
    assert by_name["Monthly newsletter"].member_count == 1_000
    assert by_name["All contacts"].read_only
    assert by_name["Inactive 90 days"].kind is ContainerKind.SEGMENT
    assert by_name["Inactive 90 days"].read_only


async def test_members_stream_with_totals(connect: OpenAdapter) -> None:
    adapter = connect(Provider.AUTOSEND)
    newsletter = await _list(adapter, "Monthly newsletter")
    pages = [page async for page in adapter.members(newsletter)]
    assert len(pages) == 10 and all(p.total == 1_000 for p in pages)
    assert len({m.id for p in pages for m in p.members}) == 1_000


async def test_search_by_email(connect: OpenAdapter) -> None:
    adapter = connect(Provider.AUTOSEND)
    newsletter = await _list(adapter, "Monthly newsletter")
    found = [m async for p in adapter.members(newsletter, search="amara.") for m in p.members]
    assert found and all("amara." in m.address for m in found)


async def test_segment_members_are_locked_and_never_sent(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    adapter = connect(Provider.AUTOSEND)
    segment = await _list(adapter, "Inactive 90 days")
    first = await anext(adapter.members(segment))
    assert all(m.locked for m in first.members)
    before = sandbox.calls(Provider.AUTOSEND)
    outcomes = await adapter.remove(segment, first.members[:2])
    assert {(o.outcome, o.message) for o in outcomes} == {
        (Outcome.PROTECTED, segment.read_only_reason)
    }
    assert segment.read_only_reason.startswith("a segment is computed from filters")
    assert sandbox.calls(Provider.AUTOSEND) == before


async def test_remove_counts_become_outcomes(sandbox: Sandbox, connect: OpenAdapter) -> None:
    adapter = connect(Provider.AUTOSEND)
    beta = await _list(adapter, "Beta testers")
    members = [m async for p in adapter.members(beta) for m in p.members]
    first, second, third = members[:3]
    assert [o.outcome for o in await adapter.remove(beta, [first])] == [Outcome.REMOVED]
    assert [o.outcome for o in await adapter.remove(beta, [first])] == [Outcome.ALREADY_ABSENT]
    calls = sandbox.calls(Provider.AUTOSEND)
    mixed = await adapter.remove(beta, [first, second, third])
    # "removed 2" of three who are all out now: which two, the answer does not say, and a
    # read afterwards cannot tell. Said as such, never guessed as "removed".
    assert {o.outcome for o in mixed} == {Outcome.GONE}
    assert "removed 2 of these 3 and does not say which" in mixed[0].message
    # The list has 75 people: one page read costs less than three searches.
    assert sandbox.calls(Provider.AUTOSEND) - calls == 1 + 1
    assert sandbox.autosend.lists[beta.id].view()["contactCount"] == 72


async def test_a_removal_answered_with_a_list_names_each_member_from_it(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    """Where `removed` lists whom it removed, each member's outcome comes from the answer
    alone: removed, not in the list, or refused in AutoSend's words; no read needed."""
    sandbox.autosend.removed_as_list = True
    adapter = connect(Provider.AUTOSEND)
    beta = await _list(adapter, "Beta testers")
    gone, there, deleted = [m async for p in adapter.members(beta) for m in p.members][:3]
    await adapter.remove(beta, [gone])
    number = sandbox.autosend.number_for("contactIds", deleted.id)
    assert number is not None
    sandbox.autosend.delete_contact(number)
    calls = sandbox.calls(Provider.AUTOSEND)
    outcomes = await adapter.remove(beta, [gone, there, deleted])
    assert {o.member_id: (o.outcome, o.message) for o in outcomes} == {
        gone.id: (Outcome.ALREADY_ABSENT, "Was not in the list."),
        there.id: (Outcome.REMOVED, ""),
        deleted.id: (Outcome.FAILED, "No such contact"),
    }
    assert sandbox.calls(Provider.AUTOSEND) - calls == 1, "the removal alone"
    assert sandbox.autosend.lists[beta.id].view()["contactCount"] == 72


async def test_an_unknown_contact_is_failed_with_the_reason(connect: OpenAdapter) -> None:
    adapter = connect(Provider.AUTOSEND)
    beta = await _list(adapter, "Beta testers")
    ghost = Member(id="ffffffffffffffffffffffff", address="ghost@example.com")
    outcome = (await adapter.remove(beta, [ghost]))[0]
    assert outcome.outcome is Outcome.FAILED and outcome.message == "No such contact"


def test_a_refusal_without_words_is_said_refused() -> None:
    """AutoSend's `errors` entries carry a message in every answer seen; one without is
    still a refusal of that member, in the one word known."""
    ada, bo = Member(id="a1", address="ada@example.com"), Member(id="b2", address="bo@example.com")
    failed, rest = _refused([ada, bo], [{"email": "ada@example.com"}])
    assert [(o.member_id, o.outcome, o.code, o.message, o.said) for o in failed] == [
        ("a1", Outcome.FAILED, "REFUSED", "refused", "refused")
    ]
    assert rest == [bo]


async def test_add_back_says_what_bulk_add_answered(sandbox: Sandbox, connect: OpenAdapter) -> None:
    """Added, in the list already, or refused (a contact deleted meanwhile), each from the
    answer in one call; counts that cannot tell which member is which are said so."""
    adapter = connect(Provider.AUTOSEND)
    beta = await _list(adapter, "Beta testers")
    back, deleted, other = (await anext(adapter.members(beta))).members[:3]
    await adapter.remove(beta, [back, deleted, other])
    number = sandbox.autosend.number_for("contactIds", deleted.id)
    assert number is not None
    sandbox.autosend.delete_contact(number)

    async def add(*members: Member) -> dict[str, tuple[Outcome, str]]:
        return {o.member_id: (o.outcome, o.message) for o in await adapter.add(beta, members)}

    calls = sandbox.calls(Provider.AUTOSEND)
    assert await add(back, deleted) == {
        back.id: (Outcome.RESTORED, ""),
        deleted.id: (Outcome.FAILED, "No such contact"),
    }
    assert await add(back) == {back.id: (Outcome.ALREADY_PRESENT, "Was in it already.")}
    assert sandbox.calls(Provider.AUTOSEND) - calls == 2, "one call each, no read"
    calls = sandbox.calls(Provider.AUTOSEND)
    # "added 1, already 1" of two who are both in now: which is which, a read cannot tell.
    mixed = await adapter.add(beta, [other, back])
    assert {o.outcome for o in mixed} == {Outcome.BACK}
    assert sandbox.calls(Provider.AUTOSEND) - calls == 1 + 1, "the add, one page of 74"
    assert sandbox.autosend.lists[beta.id].view()["contactCount"] == 74


class _AnsweredOddly(httpx.AsyncBaseTransport):
    """The sandbox, but its answer to one call (by its path's end) comes back in a shape
    nobody documented: after the call was done, or (`done=False`) without it reaching it."""

    def __init__(self, sandbox: Sandbox, ending: str, body: object, *, done: bool = True) -> None:
        self.inner = sandbox.transport()
        self.ending, self.body, self.done = ending, body, done

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not request.url.path.endswith(self.ending):
            return await self.inner.handle_async_request(request)
        if self.done:
            await (await self.inner.handle_async_request(request)).aread()
        return httpx.Response(200, json=self.body)


def _autosend_through(
    sandbox: Sandbox, transport: httpx.AsyncBaseTransport, sleeps: Sleeps
) -> Adapter:
    accounts = sandbox_accounts(options=FAST)
    account, token = next((a, t) for a, t in accounts if a.provider is Provider.AUTOSEND)
    return open_adapter(account, token, transport=transport, sleep=sleeps)


async def test_an_add_answered_in_an_odd_shape_is_settled_by_reading(
    sandbox: Sandbox, connect: OpenAdapter, sleeps: Sleeps
) -> None:
    """An add's answer that cannot be read is a lost answer: each member is read back, and
    is restored only where the read finds them in the list."""
    beta = await _list(connect(Provider.AUTOSEND), "Beta testers")
    odd = {"success": True, "data": {"added": "all of them"}}
    adapter = _autosend_through(sandbox, _AnsweredOddly(sandbox, "/bulk-add", odd), sleeps)
    back, deleted = (await anext(adapter.members(beta))).members[:2]
    await adapter.remove(beta, [back, deleted])
    number = sandbox.autosend.number_for("contactIds", deleted.id)
    assert number is not None
    sandbox.autosend.delete_contact(number)
    calls = sandbox.calls(Provider.AUTOSEND)
    outcomes = {o.member_id: o for o in await adapter.add(beta, [back, deleted])}
    await adapter.aclose()
    assert outcomes[back.id].outcome is Outcome.RESTORED
    assert "Confirmed back after the answer was lost" in outcomes[back.id].message
    assert outcomes[deleted.id].outcome is Outcome.UNKNOWN
    assert "answered the add in an unexpected shape" in outcomes[deleted.id].message
    assert sandbox.calls(Provider.AUTOSEND) - calls <= 1 + 2, "the add, then a read per member"


async def test_a_removal_answered_in_an_odd_shape_is_settled_by_reading(
    sandbox: Sandbox, connect: OpenAdapter, sleeps: Sleeps
) -> None:
    """A removal's answer that cannot be read is a lost answer: a member the read still
    finds in the list is unknown (it may yet be removed), never guessed either way."""
    beta = await _list(connect(Provider.AUTOSEND), "Beta testers")
    odd = _AnsweredOddly(sandbox, "/contacts/remove", {"data": {"removed": "some"}}, done=False)
    adapter = _autosend_through(sandbox, odd, sleeps)
    kept = (await anext(adapter.members(beta))).members[0]
    (outcome,) = await adapter.remove(beta, [kept])
    await adapter.aclose()
    assert outcome.outcome is Outcome.UNKNOWN
    assert "answered the removal in an unexpected shape" in outcome.message


async def test_an_add_whose_answer_was_lost_is_settled_by_reading(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    adapter = connect(Provider.AUTOSEND)
    beta = await _list(adapter, "Beta testers")
    back, gone = (await anext(adapter.members(beta))).members[:2]
    await adapter.remove(beta, [back, gone])
    number = sandbox.autosend.number_for("contactIds", gone.id)
    assert number is not None
    sandbox.autosend.delete_contact(number)
    faults = sandbox.faults[Provider.AUTOSEND]
    faults.drop_after_rate, faults.match = 1.0, "/bulk-add"
    outcomes = await adapter.add(beta, [back, gone])
    assert_lost_add_settled(outcomes, back, gone, "POST /contact-lists/contacts/bulk-add")


class _DroppedBeforeActing(httpx.AsyncBaseTransport):
    """The sandbox, but one call's connection drops before it reaches it: nothing is done,
    and the client cannot know that."""

    def __init__(self, sandbox: Sandbox, ending: str) -> None:
        self.inner, self.ending = sandbox.transport(), ending

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(self.ending):
            raise httpx.RemoteProtocolError("connection dropped", request=request)
        return await self.inner.handle_async_request(request)


async def test_a_removal_whose_answer_was_lost_names_the_call_it_sent(
    sandbox: Sandbox, connect: OpenAdapter, sleeps: Sleeps
) -> None:
    """The connection dropped once the removal was sent: the member still listed when read
    is unknown (it may yet be removed), in words that name the call whose answer was lost."""
    beta = await _list(connect(Provider.AUTOSEND), "Beta testers")
    adapter = _autosend_through(sandbox, _DroppedBeforeActing(sandbox, "/contacts/remove"), sleeps)
    member = (await anext(adapter.members(beta))).members[0]
    (outcome,) = await adapter.remove(beta, [member])
    await adapter.aclose()
    assert outcome.outcome is Outcome.UNKNOWN
    assert f"POST /contact-lists/{beta.id}/contacts/remove" in outcome.message


async def test_unknown_list_is_not_found(connect: OpenAdapter) -> None:
    adapter = connect(Provider.AUTOSEND)
    ghost = Container(id="000000000000000000000000", name="ghost", kind=ContainerKind.LIST)
    with pytest.raises(errors.NotFound, match="Contact list not found"):
        await anext(adapter.members(ghost))


async def test_a_page_failing_midway_keeps_what_came_before(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    """Partial results: the pages already streamed stay with the caller; the error says why."""
    adapter = connect(Provider.AUTOSEND)
    newsletter = await _list(adapter, "Monthly newsletter")
    faults = sandbox.faults[Provider.AUTOSEND]
    received = []
    with pytest.raises(errors.ServerError):
        async for page in adapter.members(newsletter):
            received.extend(page.members)
            if len(received) == 300:
                faults.error_rate = 1.0
    assert len(received) == 300


async def test_a_list_is_typed_by_itself_not_by_the_query(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    """A server that ignores `type=` must not turn every list into a read-only segment."""
    sandbox.autosend.ignores_type_filter = True
    found = {c.name: c for c in await connect(Provider.AUTOSEND).containers()}
    assert not found["Webinar attendees"].read_only
    assert found["Webinar attendees"].kind is ContainerKind.LIST
    assert found["Inactive 90 days"].read_only and found["All contacts"].read_only
    assert len(found) == len(sandbox.autosend.lists)
