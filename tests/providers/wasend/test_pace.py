"""WaSend removals that keep a number from being banned: budgets, pauses, privacy ids, and
states read back from the group, on the sandbox behaving as WhatsApp does."""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

from providers.jobs.engine import Engine
from providers.jobs.plans import estimate, make_plan, record_plan
from providers.journal import Journal
from providers.journal.records import JobState
from providers.matching import match
from providers.models import Container, ContainerKind, Member, Operation, Outcome, Provider, Role
from providers.protocol import Adapter
from providers.sandbox.apis import Sandbox
from providers.wasend.adapter import WaSendAdapter
from providers.wasend.pace import SlowDays, pace_risk, warm_up
from tests.helpers import OpenAdapter, Sleeps


async def group_of(adapter: Adapter, name: str) -> tuple[Container, list[Member]]:
    group = next(c for c in await adapter.containers() if c.name == name)
    members = [m async for page in adapter.members(group) for m in page.members]
    return group, [m for m in members if not m.locked]


def job_for(journal: Journal, adapter: Adapter, group: Container, members: list[Member]) -> str:
    plan = make_plan("sandbox-wasend", Provider.WASEND, group, members)
    return record_plan(journal, plan)


def participants(sandbox: Sandbox, group: Container) -> dict[str, dict[str, object]]:
    session, jid = group.id.split("/")
    return sandbox.wasend.groups[session][jid]["participants"]  # type: ignore[no-any-return]


async def test_one_person_a_call_by_default(sandbox: Sandbox, connect: OpenAdapter) -> None:
    adapter = connect(Provider.WASEND)
    assert adapter.capabilities.max_batch == 1
    group, members = await group_of(adapter, "Choir")
    calls = sandbox.calls(Provider.WASEND)
    await adapter.remove(group, members[:1])
    assert sandbox.calls(Provider.WASEND) - calls == 2  # the removal, then one read-back


async def test_the_budget_runs_out_mid_job_and_the_rest_waits(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    adapter = connect(Provider.WASEND, daily_budget=5)
    group, members = await group_of(adapter, "Choir")
    first = job_for(journal, adapter, group, members[:3])
    assert (await Engine(adapter, journal).run(first)).state is JobState.FINISHED

    plan = make_plan("sandbox-wasend", Provider.WASEND, group, members[3:10])
    assert estimate(adapter, journal, plan).today == 2  # said before it starts
    job = await Engine(adapter, journal).run(record_plan(journal, plan))
    assert job.state is JobState.PAUSED
    assert job.note == (
        f"Paused: today's budget of 5 for {group.parent} is spent (5 sent since midnight). "
        "The rest waits: resume tomorrow, or raise the account's budget."
    ), "it names the session (the phone number) whose budget it is"
    assert job.counts == {Outcome.REMOVED.value: 2, "pending": 5}
    assert len(sandbox.wasend.removals) == 5
    # Another session (phone number) has a budget of its own.
    other, people = await group_of(adapter, "Harbour Runners")
    elsewhere = await Engine(adapter, journal).run(job_for(journal, adapter, other, people[:2]))
    assert elsewhere.state is JobState.FINISHED


async def test_a_budget_of_0_is_no_budget(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    adapter = connect(Provider.WASEND, daily_budget=0)
    group, members = await group_of(adapter, "Choir")
    job = await Engine(adapter, journal).run(job_for(journal, adapter, group, members[:3]))
    assert job.state is JobState.FINISHED and job.counts == {Outcome.REMOVED.value: 3}


async def test_a_429_pauses_the_job_without_retrying(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    adapter = connect(Provider.WASEND)
    group, members = await group_of(adapter, "Choir")
    faults = sandbox.faults[Provider.WASEND]
    faults.rate_limit, faults.rate_window, faults.methods = 1, 3600.0, frozenset({"DELETE"})
    job = await Engine(adapter, journal).run(job_for(journal, adapter, group, members[:4]))
    assert job.state is JobState.PAUSED and "HTTP 429" in job.note
    assert len(sandbox.wasend.removals) == 1
    assert job.counts == {Outcome.REMOVED.value: 1, "pending": 3}


async def test_a_session_that_drops_pauses_the_job_and_the_list_says_why(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    adapter = connect(Provider.WASEND)
    group, members = await group_of(adapter, "Choir")
    sandbox.wasend.misbehaviour.disconnect_after = 2
    job = await Engine(adapter, journal).run(job_for(journal, adapter, group, members[:5]))
    assert job.state is JobState.PAUSED and "session is not working" in job.note
    assert len(sandbox.wasend.removals) == 2
    # The read-back of the second removal failed with the session: unknown, not guessed.
    assert job.counts[Outcome.REMOVED.value] + job.counts.get(Outcome.UNKNOWN.value, 0) == 2
    listed = await adapter.containers()
    dropped = [c for c in listed if c.parent == "Events team"]
    assert len(dropped) == 1 and dropped[0].read_only and dropped[0].status == "unlinked"
    assert {c.status for c in listed if c.parent == "Front desk"} == {"working"}
    refused = make_plan("sandbox-wasend", Provider.WASEND, dropped[0], members[5:6])
    assert not refused.members and "link its phone again" in refused.skipped[0][1]

    sandbox.wasend.misbehaviour.disconnect_after = None  # the phone is back for good
    sandbox.wasend.set_status("sess_events", "WORKING")
    resumed = await Engine(adapter, journal).run(job.id)
    assert resumed.state is JobState.FINISHED
    assert resumed.counts == {Outcome.REMOVED.value: 5}
    assert len(sandbox.wasend.removals) == 5  # nobody was sent twice


async def test_rate_overlimit_settles_that_removal_by_reading_then_pauses(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    adapter = connect(Provider.WASEND)
    group, members = await group_of(adapter, "Choir")
    sandbox.wasend.misbehaviour.overlimit_after = 1
    job = await Engine(adapter, journal).run(job_for(journal, adapter, group, members[:4]))
    assert job.state is JobState.PAUSED and "rate-overlimit" in job.note
    assert len(sandbox.wasend.removals) == 1
    failed = [i for i in journal.items(job.id) if i.state == Outcome.FAILED.value]
    assert len(failed) == 1 and "Still a member" in failed[0].message
    assert job.counts == {Outcome.REMOVED.value: 1, Outcome.FAILED.value: 1, "pending": 2}


async def test_failures_in_a_row_pause_the_job(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    adapter = connect(Provider.WASEND)
    group, members = await group_of(adapter, "Choir")
    faults = sandbox.faults[Provider.WASEND]
    faults.error_rate, faults.error_status, faults.methods = 1.0, 503, frozenset({"DELETE"})
    faults.match = "/participants"
    job = await Engine(adapter, journal).run(job_for(journal, adapter, group, members[:8]))
    assert job.state is JobState.PAUSED and "3 failures in a row" in job.note
    assert job.counts[Outcome.FAILED.value] == 3 and job.counts["pending"] == 5
    assert not sandbox.wasend.removals


async def test_a_privacy_id_member_is_found_by_phone_and_removed_by_its_listed_id(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    adapter = connect(Provider.WASEND)
    group, members = await group_of(adapter, "Choir")
    private = next(m for m in members if m.id.endswith("@lid"))
    assert private.address.startswith("+44")  # shown by phone
    spaced = f"+44 {private.address[3:7]} {private.address[7:]}"
    jid = f"{private.address.lstrip('+')}@s.whatsapp.net"
    for entry in (private.address, spaced, jid, private.id):
        assert match([entry], members).members == [private], entry
    outcome = (await adapter.remove(group, [private]))[0]
    assert outcome.outcome is Outcome.REMOVED
    assert sandbox.wasend.removals[-1] == (group.id.split("/")[1], private.id)


async def test_the_wrong_id_form_is_retried_only_because_wasend_said_so(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    adapter = connect(Provider.WASEND)
    group, members = await group_of(adapter, "Choir")
    private = next(m for m in members if m.id.endswith("@lid"))
    by_phone = Member(id=f"{private.address.lstrip('+')}@s.whatsapp.net", address=private.address)
    calls = sandbox.calls(Provider.WASEND)
    outcome = (await adapter.remove(group, [by_phone]))[0]
    assert outcome.member_id == by_phone.id and outcome.outcome is Outcome.REMOVED
    assert f"Sent as {private.id}" in outcome.message
    assert sandbox.wasend.removals == [(group.id.split("/")[1], private.id)]
    # refused, one read to find the listed id, the removal, its read-back
    assert sandbox.calls(Provider.WASEND) - calls == 4
    # Someone who is in the group by no form: refused, no second removal.
    stranger = Member(id="447700900999@s.whatsapp.net", address="+447700900999")
    assert (await adapter.remove(group, [stranger]))[0].outcome is Outcome.ALREADY_ABSENT
    assert len(sandbox.wasend.removals) == 1


async def test_read_back_states_and_a_list_that_lags(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    adapter = connect(Provider.WASEND)
    group, members = await group_of(adapter, "Choir")
    plain = [m for m in members if m.role is Role.MEMBER]
    assert (await adapter.remove(group, plain[:1]))[0].outcome is Outcome.REMOVED
    # gone already before our call: WaSend refuses it as not a participant
    del participants(sandbox, group)[plain[1].id]
    assert (await adapter.remove(group, plain[1:2]))[0].outcome is Outcome.ALREADY_ABSENT
    # The list read back still shows the member WaSend just removed: not guessed removed.
    sandbox.wasend.misbehaviour.stale_reads = 1
    lagging = (await adapter.remove(group, plain[2:3]))[0]
    assert lagging.outcome is Outcome.UNKNOWN and "lag" in lagging.message
    assert plain[2].id not in participants(sandbox, group)
    # Resume settles it by reading again, once the list has caught up.
    assert await adapter.still_present(group, plain[2:3]) == set()


async def test_rate_overlimit_doubles_the_gap_for_the_day_and_the_journal_keeps_it(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal, sleeps: Sleeps
) -> None:
    safe = {"seconds_between_writes": 3, "write_jitter": 3}
    adapter = cast(WaSendAdapter, connect(Provider.WASEND, **safe))
    adapter.remember(journal.slowdowns("sandbox-wasend"))
    group, members = await group_of(adapter, "Choir")
    harbour, _ = await group_of(adapter, "Harbour Runners")
    sandbox.wasend.misbehaviour.overlimit_after = 1
    job = await Engine(adapter, journal).run(job_for(journal, adapter, group, members[:4]))
    assert job.state is JobState.PAUSED and "rate-overlimit" in job.note
    events_number = "447700900002"
    said = journal.slowdowns("sandbox-wasend").said(events_number, date.today().isoformat())
    assert said.startswith("WhatsApp answered rate-overlimit at ")

    # The next start (or another process on the journal) keeps the slower pace today.
    again = cast(WaSendAdapter, connect(Provider.WASEND, **safe))
    again.remember(journal.slowdowns("sandbox-wasend"))
    await group_of(again, "Choir")
    slowed = again.capabilities_at(group)
    assert slowed.write_gaps == (6.0, 12.0)
    assert slowed.pace_notes[0].startswith("Slower today: WhatsApp answered rate-overlimit at")
    assert again.estimate(group, 4).seconds == 4 * 9.0
    assert again.capabilities_at(harbour).write_gaps == (3.0, 6.0)  # another number
    sandbox.wasend.misbehaviour.overlimit_after = None
    sleeps.waits.clear()
    for member in members[4:7]:
        assert (await again.remove(group, [member]))[0].outcome is Outcome.REMOVED
    # the fake sleep returns at once: each wait is booked after the one before it
    gaps = [b - a for a, b in zip([0.0, *sleeps.waits], sleeps.waits, strict=False)]
    assert len(gaps) == 2 and all(5.9 < gap <= 12 for gap in gaps), gaps

    again.slow.today = lambda: date.today() + timedelta(days=1)  # and eases back the next day
    assert again.capabilities_at(group).write_gaps == (3.0, 6.0)
    assert not again.capabilities_at(group).pace_notes


def test_a_new_number_starts_at_twenty_a_day_and_rises_by_the_week() -> None:
    since = date(2026, 11, 2)
    budgets = [warm_up(since, since + timedelta(days=d), 100)[0] for d in (0, 6, 7, 14, 21)]
    assert budgets == [20, 20, 40, 80, 100]
    assert warm_up(since, since + timedelta(days=3), 100)[1] == (
        "A new number (since 2026-11-02): at most 20 removals a day now, then 40 a day from "
        "2026-11-09, 80 a day from 2026-11-16, 100 a day from 2026-11-23."
    )
    assert warm_up(since, since + timedelta(days=21), 100)[1] == ""  # past it: the usual
    assert warm_up(None, since, 100) == (100, "")
    # a smaller usual budget is kept from the second week
    assert warm_up(since, since + timedelta(days=8), 30) == (30, "")


def test_a_new_numbers_schedule_names_each_step_once_and_no_limit_as_such() -> None:
    since = date(2026, 11, 2)
    # a usual budget of one of the steps is that step, not the step and then itself again
    assert warm_up(since, since, 40) == (
        20,
        "A new number (since 2026-11-02): at most 20 removals a day now, then 40 a day from "
        "2026-11-09.",
    )
    # no usual budget: the warm-up still holds, then there is no limit
    assert warm_up(since, since, 0)[1].endswith(
        ", 80 a day from 2026-11-16, no limit from 2026-11-23."
    )
    # a start typed for a day still to come holds the first week's budget until then
    assert warm_up(since, since - timedelta(days=2), 100)[0] == 20


async def test_a_new_numbers_job_stops_at_its_day_budget(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    adapter = connect(Provider.WASEND, new_number_since="2026-11-02")  # type: ignore[arg-type]
    cast(WaSendAdapter, adapter).slow.today = lambda: date(2026, 11, 5)
    group, members = await group_of(adapter, "Parents Network")
    plan = make_plan("sandbox-wasend", Provider.WASEND, group, members[:22])
    assert estimate(adapter, journal, plan).today == 20
    abilities = adapter.capabilities_at(group)
    assert (
        abilities.daily_budget == 20
        and "A new number (since 2026-11-02)" in abilities.pace_notes[0]
    )
    job = await Engine(adapter, journal).run(record_plan(journal, plan))
    assert job.state is JobState.PAUSED and "budget of 20" in job.note
    assert len(sandbox.wasend.removals) == 20


async def test_a_whatsapp_account_writes_3_to_6_seconds_apart_by_default() -> None:
    """The safe pace, unless an account says otherwise: one person a call, 3 s plus up to
    3 s drawn afresh; the confirm dialog says the same."""
    from providers.accounts.connect import open_adapter
    from providers.accounts.store import Account
    from providers.jobs.words import pace

    account = Account(name="support", provider=Provider.WASEND, base_url="http://wasend.test")
    adapter = open_adapter(account, "token")
    spacing = adapter.http.write_spacing  # type: ignore[attr-defined]
    assert (spacing.floor, spacing.jitter) == (3.0, 3.0)
    assert adapter.capabilities.write_gaps == (3.0, 6.0)
    assert pace(adapter.capabilities).startswith(
        "Pace: one person a call, 3–6\u00a0s apart at random"
    )
    group = Container(id="s/g", name="g", kind=ContainerKind.GROUP)
    guess = adapter.estimate(group, 10)
    assert (guess.calls, guess.seconds) == (20, 45.0)  # a removal and a read-back; 4.5 s mean
    back = adapter.estimate(group, 10, Operation.ADD_BACK)
    assert (back.calls, back.seconds) == (11, 45.0)  # one read of the group, then an add each
    await adapter.aclose()


def test_the_first_reason_of_a_day_stands_until_the_next_day() -> None:
    today = [date(2026, 12, 2)]
    slow = SlowDays(lambda: today[0])
    slow.note("front/", "429 at 14:02")
    slow.note("front/", "rate-overlimit at 15:00")
    slow.note("sales/", "rate-overlimit at 15:01")
    assert slow.why("front/") == "429 at 14:02", "the first reason of the day stands"
    assert slow.why("sales/") == "rate-overlimit at 15:01", "each session its own"
    today[0] += timedelta(days=1)
    assert slow.why("front/") == ""
    slow.note("front/", "rate-overlimit at 09:00")
    assert slow.why("front/") == "rate-overlimit at 09:00"


class Remembered:
    """The journal's side: the reasons noted by any process, by scope and day."""

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], str] = {}
        self.asked = 0

    def said(self, scope: str, day: str) -> str:
        self.asked += 1
        return self.kept.get((scope, day), "")

    def note(self, scope: str, day: str, why: str) -> None:
        self.kept.setdefault((scope, day), why)


def test_a_reason_another_process_noted_stands_and_is_read_once() -> None:
    """Another process on the journal slowed the number first: its reason is this process's
    too, a later one of this process's does not replace it, and the journal is asked once."""
    today = date(2026, 12, 2)
    memory = Remembered()
    memory.note("front/", today.isoformat(), "rate-overlimit at 14:02 (another desk)")
    slow = SlowDays(lambda: today)
    slow.memory = memory
    assert slow.why("front/") == "rate-overlimit at 14:02 (another desk)"
    slow.note("front/", "429 at 15:00")
    assert slow.why("front/") == "rate-overlimit at 14:02 (another desk)"
    assert memory.asked == 1


def test_a_budget_above_the_default_or_none_is_said_as_a_risk() -> None:
    assert pace_risk(1, 3.0, 100) == "", "the safe default says nothing"
    assert "(150 a day per session)" in pace_risk(1, 3.0, 150)
    unlimited = pace_risk(1, 3.0, 0)
    assert unlimited.startswith("This account is set faster than the safe pace (no daily budget)")
    assert "WhatsApp may ban its number" in unlimited
