"""What every adapter shares, held to what a support person relies on: a write whose answer
never came is unknown until read (never failed, which a retry would send again), and what a
job costs is said at the account's pace."""

from __future__ import annotations

from providers import errors
from providers.models import Container, Member, MemberOutcome, Outcome, Provider
from providers.protocol import Adapter, failed, read_whole
from providers.sandbox import Sandbox
from tests.helpers import OpenAdapter


async def _board(adapter: Adapter) -> tuple[Container, list[Member]]:
    group = next(c for c in await adapter.containers() if c.name == "Board")
    return group, [m async for page in adapter.members(group) for m in page.members]


def _in(sandbox: Sandbox, group: Container) -> set[str]:
    return {str(c["id"]) for c in sandbox.rasl.members_of(int(group.id.split(":")[1]))}


async def test_a_removal_never_answered_leaves_those_still_listed_unknown(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    """Silence after sending: the request may still land, so a member read back as still
    there is unknown (resume reads again), not failed (a retry would send it twice)."""
    adapter = connect(Provider.RASL)
    group, members = await _board(adapter)
    faults = sandbox.faults[Provider.RASL]
    faults.hang_rate, faults.methods = 1.0, frozenset({"DELETE"})
    outcomes = await adapter.remove(group, members[:2])
    assert [o.outcome for o in outcomes] == [Outcome.UNKNOWN, Outcome.UNKNOWN]
    assert all(
        o.message.endswith("Still a member when checked; it may yet be removed.") for o in outcomes
    ), [o.message for o in outcomes]
    assert {o.code for o in outcomes} == {"TIMEOUT"}
    assert _in(sandbox, group) >= {m.id for m in members[:2]}


async def test_a_server_error_before_acting_fails_those_still_listed(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    """An error answer after a write: read back, a member still there was not touched, and
    may be sent again (failed), said plainly."""
    adapter = connect(Provider.RASL)
    group, members = await _board(adapter)
    faults = sandbox.faults[Provider.RASL]
    faults.error_rate, faults.error_status, faults.methods = 1.0, 500, frozenset({"DELETE"})
    outcomes = await adapter.remove(group, members[:2])
    assert [o.outcome for o in outcomes] == [Outcome.FAILED, Outcome.FAILED]
    assert all(o.message.endswith("Still a member when checked.") for o in outcomes)
    assert all("It may have acted before failing." in o.message for o in outcomes)


async def test_a_lost_answer_that_cannot_be_checked_stays_unknown(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    """The read that would settle a lost answer fails too: unknown, in words that say so,
    never a guess either way."""
    adapter = connect(Provider.RASL)
    group, members = await _board(adapter)
    faults = sandbox.faults[Provider.RASL]
    faults.drop_after_rate = 1.0  # every call, the write and the reads after it
    outcomes = await adapter.remove(group, members[:2])
    assert [o.outcome for o in outcomes] == [Outcome.UNKNOWN, Outcome.UNKNOWN]
    assert all("Whether it happened could not be checked: " in o.message for o in outcomes)
    assert {o.code for o in outcomes} == {"CONNECTION_LOST"}


async def test_the_estimate_is_calls_at_the_accounts_pace(connect: OpenAdapter) -> None:
    """AutoSend: 100 contacts a call, 2 calls a second; 250 contacts are 3 calls, 1.5 s."""
    adapter = connect(Provider.AUTOSEND)
    newsletter = next(c for c in await adapter.containers() if not c.read_only)
    assert adapter.capabilities.requests_per_second == 2.0
    guess = adapter.estimate(newsletter, 250)
    assert (guess.calls, guess.seconds) == (3, 1.5)
    one = adapter.estimate(newsletter, 1)
    assert (one.calls, one.seconds) == (1, 0.5)
    assert adapter.estimate(newsletter, 200).calls == 2


async def test_an_add_that_did_not_take_is_failed_plainly(connect: OpenAdapter) -> None:
    """Not in the list after an add that named no reason: failed, and said so."""
    adapter = connect(Provider.AUTOSEND)
    people = [Member(id="a" * 24), Member(id="b" * 24)]
    assert await adapter.not_added(people) == [  # type: ignore[attr-defined]
        MemberOutcome(
            member_id=m.id,
            outcome=Outcome.FAILED,
            code="NOT_ADDED",
            message="Not in it after the call.",
        )
        for m in people
    ]
    assert await adapter.not_added([]) == []  # type: ignore[attr-defined]


async def test_adding_back_who_is_there_already_says_so(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    """RASL counts none added: read back, both are in the group, so they were there already."""
    adapter = connect(Provider.RASL)
    group, members = await _board(adapter)
    outcomes = await adapter.add(group, members[:2])
    assert outcomes == [
        MemberOutcome(member_id=m.id, outcome=Outcome.ALREADY_PRESENT, message="Was in it already.")
        for m in members[:2]
    ]


def test_a_container_is_read_whole_only_when_that_is_fewer_calls() -> None:
    """250 members at 100 a page are 3 reads: cheaper than 4 look-ups, not than 3; a
    container of unknown size is never read whole, and an empty one costs one read."""
    assert not read_whole(3, 250, 100)
    assert read_whole(4, 250, 100)
    assert not read_whole(2, 200, 100) and read_whole(3, 200, 100)
    assert not read_whole(1, 0, 100) and read_whole(2, 0, 100)
    assert not read_whole(10_000, None, 100)


async def test_a_removal_whose_answer_was_lost_is_confirmed_gone_by_reading(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    adapter = connect(Provider.RASL)
    group, members = await _board(adapter)
    faults = sandbox.faults[Provider.RASL]
    faults.timeout_rate, faults.methods = 1.0, frozenset({"DELETE"})  # acts, then no answer
    outcomes = await adapter.remove(group, members[:2])
    assert outcomes == [
        MemberOutcome(
            member_id=m.id,
            outcome=Outcome.REMOVED,
            message="Confirmed gone after the answer was lost.",
        )
        for m in members[:2]
    ]


def test_a_failure_names_the_providers_code_else_the_status_else_the_kind() -> None:
    who = [Member(id="7")]
    coded = errors.ServerError("failed", code="INTERNAL_ERROR", status=500, provider_message="x")
    assert failed(who, coded)[0].code == "INTERNAL_ERROR"
    assert failed(who, coded)[0].message == "x"  # the provider's own words first
    assert failed(who, errors.ServerError("failed", status=502))[0].code == "502"
    unreached = failed(who, errors.Unreachable("RASL could not be reached in time."))
    assert (unreached[0].outcome, unreached[0].code) == (Outcome.FAILED, "Unreachable")
    assert unreached[0].message == "RASL could not be reached in time."
