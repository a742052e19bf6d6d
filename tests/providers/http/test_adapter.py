"""What every adapter shares, held to what a support person relies on: a write whose answer
never came is unknown until read (never failed, which a retry would send again), and what a
job costs is said at the account's pace."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence

import pytest

from providers import errors
from providers.http.adapter import HttpAdapter, Lenient
from providers.http.client import HttpSettings, ProviderHttp
from providers.models import (
    Capabilities,
    Container,
    ContainerKind,
    Estimate,
    Member,
    MemberOutcome,
    Outcome,
    Provider,
)
from providers.protocol import Adapter, outcomes
from providers.sandbox.apis import Sandbox
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


# The shared settling rules alone: an adapter whose reads answer from a set kept here.


class Reading(HttpAdapter):
    """An adapter whose read-back finds `present` (or fails with `unreadable`)."""

    provider = Provider.RASL
    capabilities = Capabilities(
        max_batch=10, requests_per_second=2.0, reports_each_member=False, can_undo=True
    )

    def __init__(self, present: Iterable[str] = (), unreadable: str = "") -> None:
        super().__init__(ProviderHttp(HttpSettings("http://x.test", "t", "Acme")))
        self.present, self.unreadable = set(present), unreadable
        self.reads: list[list[str]] = []
        self.read_in: list[str] = []

    async def still_present(self, container: Container, members: Sequence[Member]) -> set[str]:
        self.reads.append([m.id for m in members])
        self.read_in.append(container.id)
        if self.unreadable:
            raise errors.ServerError(self.unreadable, status=503)
        return self.present & {m.id for m in members}


GROUP = Container(id="group:1", name="Board", kind=ContainerKind.GROUP)
PEOPLE = [Member(id="1"), Member(id="2"), Member(id="3")]


def said(results: list[MemberOutcome]) -> list[tuple[str, Outcome, str, str]]:
    return [(r.member_id, r.outcome, r.code, r.message) for r in results]


async def test_a_lost_removal_is_settled_member_by_member_by_reading() -> None:
    silence = errors.AnswerLost("Acme did not answer.", code="TIMEOUT", provider_message="")
    adapter = Reading(present={"2"})
    assert said(await adapter.settle_lost(GROUP, PEOPLE, silence)) == [
        ("1", Outcome.REMOVED, "", "Confirmed gone after the answer was lost."),
        (
            "2",
            Outcome.UNKNOWN,
            "TIMEOUT",
            "Acme did not answer. Still a member when checked; it may yet be removed.",
        ),
        ("3", Outcome.REMOVED, "", "Confirmed gone after the answer was lost."),
    ]
    assert adapter.reads == [["1", "2", "3"]]


async def test_a_removal_answered_by_a_server_error_failed_for_those_still_there() -> None:
    answered = errors.AnswerLost("Acme failed.", code="UPSTREAM", status=500, provider_message="db")
    results = await Reading(present={"1"}).settle_lost(GROUP, PEOPLE[:2], answered)
    assert said(results) == [
        ("1", Outcome.FAILED, "UPSTREAM", "Acme failed. Still a member when checked."),
        ("2", Outcome.REMOVED, "", "Confirmed gone after the answer was lost."),
    ]
    assert [r.said for r in results] == ["db", ""]


async def test_a_lost_add_is_settled_by_who_is_back() -> None:
    silence = errors.AnswerLost("Acme did not answer.", code="TIMEOUT")
    results = await Reading(present={"1"}).settle_lost(GROUP, PEOPLE[:2], silence, adding=True)
    assert said(results) == [
        ("1", Outcome.RESTORED, "", "Confirmed back after the answer was lost."),
        (
            "2",
            Outcome.UNKNOWN,
            "TIMEOUT",
            "Acme did not answer. Not in it when checked; it may yet be added.",
        ),
    ]
    answered = errors.AnswerLost("Acme failed.", code="UPSTREAM", status=502)
    failed_add = await Reading().settle_lost(GROUP, PEOPLE[:1], answered, adding=True)
    assert said(failed_add) == [
        ("1", Outcome.FAILED, "UPSTREAM", "Acme failed. Not in it when checked.")
    ]


async def test_a_lost_answer_that_cannot_be_read_back_stays_unknown_and_says_why() -> None:
    lost = errors.AnswerLost("Acme did not answer.", code="TIMEOUT", provider_message="late")
    results = await Reading(unreadable="Acme is down.").settle_lost(GROUP, PEOPLE[:2], lost)
    assert said(results) == [
        (
            m,
            Outcome.UNKNOWN,
            "TIMEOUT",
            "Acme did not answer. Whether it happened could not be checked: Acme is down.",
        )
        for m in ("1", "2")
    ]
    assert {r.said for r in results} == {"late"}


async def test_a_count_of_all_or_none_removed_needs_no_read() -> None:
    adapter = Reading(present={"1", "2", "3"})
    assert said(await adapter.settle_counted(GROUP, PEOPLE, 3, uncounted_absent=False)) == [
        (m.id, Outcome.REMOVED, "", "") for m in PEOPLE
    ]
    assert said(await adapter.settle_counted(GROUP, PEOPLE, 0, uncounted_absent=False)) == [
        (m.id, Outcome.ALREADY_ABSENT, "", "Was not a member.") for m in PEOPLE
    ]
    assert adapter.reads == []


async def test_a_short_count_is_settled_by_reading_these_members() -> None:
    exact = Reading(present={"3"})
    assert said(await exact.settle_counted(GROUP, PEOPLE, 2, uncounted_absent=False)) == [
        ("1", Outcome.REMOVED, "", ""),
        ("2", Outcome.REMOVED, "", ""),
        ("3", Outcome.FAILED, "NOT_REMOVED", "Still a member after the call."),
    ]
    assert exact.reads == [["1", "2", "3"]]
    assert exact.read_in == ["group:1"]  # the container written to, nowhere else
    unsure = await Reading(present=set()).settle_counted(GROUP, PEOPLE, 2, uncounted_absent=False)
    why = (
        "Acme removed 2 of these 3 and does not say which; each is out now, but some had "
        "left before (or were never members)."
    )
    assert said(unsure) == [(m.id, Outcome.GONE, "", why) for m in PEOPLE]


async def test_a_count_of_all_added_or_all_there_already_needs_no_read() -> None:
    adapter = Reading()
    assert said(await adapter.settle_added(GROUP, PEOPLE, 3)) == [
        (m.id, Outcome.RESTORED, "", "") for m in PEOPLE
    ]
    assert said(await adapter.settle_added(GROUP, PEOPLE, 0, already=3)) == [
        (m.id, Outcome.ALREADY_PRESENT, "", "Was in it already.") for m in PEOPLE
    ]
    assert adapter.reads == []


async def test_a_short_add_count_is_settled_by_who_is_in_it() -> None:
    back = Reading(present={"1", "2"})
    assert said(await back.settle_added(GROUP, PEOPLE, 2, already=0)) == [
        ("1", Outcome.RESTORED, "", ""),
        ("2", Outcome.RESTORED, "", ""),
        ("3", Outcome.FAILED, "NOT_ADDED", "Not in it after the call."),
    ]
    assert back.reads == [["1", "2", "3"]]
    there = Reading(present={"1", "2"})
    assert said(await there.settle_added(GROUP, PEOPLE, 0)) == [
        ("1", Outcome.ALREADY_PRESENT, "", "Was in it already."),
        ("2", Outcome.ALREADY_PRESENT, "", "Was in it already."),
        ("3", Outcome.FAILED, "NOT_ADDED", "Not in it after the call."),
    ]
    some = Reading(present={"1", "2", "3"})
    why = (
        "Acme added 1 of these 3 and does not say which; each is in it now, but some were "
        "back before."
    )
    assert said(await some.settle_added(GROUP, PEOPLE, 1)) == [
        (m.id, Outcome.BACK, "", why) for m in PEOPLE
    ]


async def test_not_added_fails_each_plainly() -> None:
    assert said(await Reading().not_added(PEOPLE[:2])) == [
        (m, Outcome.FAILED, "NOT_ADDED", "Not in it after the call.") for m in ("1", "2")
    ]
    assert await Reading().not_added([]) == []


class Answer(Lenient):
    removed: int


def test_a_write_answer_in_a_shape_we_cannot_read_is_a_lost_answer() -> None:
    adapter = Reading()
    assert adapter.parse_answer(Answer, {"removed": 2, "extra": 1}, "the removal").removed == 2
    with pytest.raises(errors.AnswerLost) as caught:
        adapter.parse_answer(Answer, {"deleted": 2}, "the removal")
    assert caught.value.code == "BAD_BODY"
    assert str(caught.value) == (
        "Acme answered the removal in an unexpected shape (removed: Field required)."
    )


async def test_guarded_turns_each_answer_into_outcomes_or_passes_it_up() -> None:
    adapter = Reading(present={"1"})

    async def fine() -> list[MemberOutcome]:
        return outcomes(PEOPLE[:1], Outcome.REMOVED)

    def raising(error: errors.ProviderError) -> Callable[[], Awaitable[list[MemberOutcome]]]:
        async def write() -> list[MemberOutcome]:
            raise error

        return write

    assert said(await adapter.guarded(GROUP, PEOPLE[:1], fine)) == [("1", Outcome.REMOVED, "", "")]
    lost = raising(errors.AnswerLost("Lost.", code="TIMEOUT"))
    assert [r.outcome for r in await adapter.guarded(GROUP, PEOPLE[:2], lost)] == [
        Outcome.UNKNOWN,
        Outcome.REMOVED,
    ]
    assert [r.outcome for r in await adapter.guarded(GROUP, PEOPLE[:2], lost, adding=True)] == [
        Outcome.RESTORED,
        Outcome.UNKNOWN,
    ]
    refused = raising(errors.NotFound("Acme: not found.", code="NOT_FOUND", status=404))
    assert said(await adapter.guarded(GROUP, PEOPLE[:1], refused)) == [
        ("1", Outcome.FAILED, "NOT_FOUND", "Acme: not found.")
    ]
    for stop in (errors.AuthError("no"), errors.PermissionDenied("no"), errors.Held("held")):
        with pytest.raises(type(stop)):
            await adapter.guarded(GROUP, PEOPLE[:1], raising(stop))


def test_the_estimate_is_whole_batches_at_the_pace() -> None:
    adapter = Reading()
    assert adapter.estimate(GROUP, 0) == Estimate(calls=0, seconds=0.0)
    assert adapter.estimate(GROUP, 10) == Estimate(calls=1, seconds=0.5)
    assert adapter.estimate(GROUP, 21) == Estimate(calls=3, seconds=1.5)
    adapter.capabilities = Capabilities(
        max_batch=0, requests_per_second=0.0, reports_each_member=False, can_undo=True
    )
    assert adapter.estimate(GROUP, 4) == Estimate(calls=4, seconds=0.0)
    adapter.capabilities = Capabilities(
        max_batch=5, requests_per_second=0.5, reports_each_member=False, can_undo=True
    )
    assert adapter.estimate(GROUP, 6) == Estimate(calls=2, seconds=4.0)  # a call each 2 s
