"""The removal engine on the sandbox: every member ends in a definite state, and the journal
agrees with the sandbox's real membership afterwards."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from providers.jobs.engine import Engine
from providers.jobs.events import Event, Sending, Settled
from providers.jobs.plans import make_plan, record_plan, undo_plan
from providers.jobs.progress import Progress
from providers.jobs.receipts import export
from providers.journal import Journal
from providers.journal.records import JobState
from providers.models import Container, ContainerKind, Member, Operation, Outcome, Provider, Role
from providers.protocol import Adapter
from providers.sandbox import RASL_READ_ONLY_TOKEN
from providers.sandbox.apis import Sandbox
from tests.helpers import OpenAdapter

DEFINITE = {o.value for o in Outcome} - {Outcome.UNKNOWN.value}


async def pick(
    adapter: Adapter, name: str, count: int | None = None
) -> tuple[Container, list[Member]]:
    container = next(c for c in await adapter.containers() if c.name == name)
    members = [m async for p in adapter.members(container) for m in p.members if not m.locked]
    return container, members[:count] if count else members


def start(
    journal: Journal, adapter: Adapter, container: Container, members: list[Member], **kw: object
) -> str:
    operation = kw.pop("operation", Operation.REMOVE_FROM_CONTAINER)
    plan = make_plan("test", adapter.provider, container, members, operation, **kw)  # type: ignore[arg-type]
    return record_plan(journal, plan)


def present_in_sandbox(sandbox: Sandbox, provider: Provider, container: Container) -> set[str]:
    if provider is Provider.RASL:
        number = int(container.id.split(":")[1])
        return {str(c["id"]) for c in sandbox.rasl.members_of(number)}
    if provider is Provider.WASEND:
        session, jid = container.id.split("/")
        return set(sandbox.wasend.groups[session][jid]["participants"])
    from providers.sandbox.autosend import contact_id

    return {contact_id(n) for n in sandbox.autosend.lists[container.id].numbers}


def removal_counts(sandbox: Sandbox, provider: Provider) -> Counter[str]:
    if provider is Provider.RASL:
        return Counter(str(c) for _, c in sandbox.rasl.removals)
    if provider is Provider.WASEND:
        return Counter(p for _, p in sandbox.wasend.removals)
    from providers.sandbox.autosend import contact_id

    return Counter(contact_id(n) for _, n in sandbox.autosend.removals)


def assert_journal_agrees(
    journal: Journal, job_id: str, sandbox: Sandbox, provider: Provider, container: Container
) -> None:
    items = journal.items(job_id)
    assert {i.state for i in items} <= DEFINITE, Counter(i.state for i in items)
    present = present_in_sandbox(sandbox, provider, container)
    removed_once = removal_counts(sandbox, provider)
    for item in items:
        if item.state == Outcome.REMOVED.value:
            assert item.member.id not in present
            assert removed_once[item.member.id] == 1, item
        elif item.state in (Outcome.FAILED.value, Outcome.CANCELLED.value):
            assert item.member.id in present, item
            assert removed_once[item.member.id] == 0


TARGETS = {
    Provider.RASL: "Newsletter (WhatsApp)",
    Provider.WASEND: "Harbour Runners",
    Provider.AUTOSEND: "Webinar attendees",
}
KNOBS = {
    "clean": {},
    "503s": {"error_rate": 0.3},
    "500s-on-writes": {
        "error_rate": 0.3,
        "error_status": 500,
        "methods": frozenset({"DELETE", "POST"}),
    },
    "late-answers": {"timeout_rate": 0.3},  # held past the client's timeout
    "500s-after-acting": {"error_after_rate": 0.3, "methods": frozenset({"DELETE", "POST"})},
    "dropped-after-acting": {"drop_after_rate": 0.3, "methods": frozenset({"DELETE", "POST"})},
    "malformed": {"malformed_rate": 0.2},
    "slow": {"latency": 0.02},
}


@pytest.mark.parametrize("knob", list(KNOBS))
@pytest.mark.parametrize("provider", list(Provider))
async def test_every_member_ends_definite_and_the_journal_agrees(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal, provider: Provider, knob: str
) -> None:
    adapter = connect(provider)
    count = 60 if provider is Provider.WASEND else 250
    container, members = await pick(adapter, TARGETS[provider], count)
    faults = sandbox.faults[provider]
    for name, value in KNOBS[knob].items():
        setattr(faults, name, value)
    if provider is Provider.AUTOSEND and "methods" in KNOBS[knob]:
        faults.match = "/remove"  # AutoSend's reads are POSTs too
    job_id = start(journal, adapter, container, members)
    engine = Engine(adapter, journal)
    job = await engine.run(job_id)
    if knob not in ("clean", "slow"):
        assert sandbox.gates[provider].faulted > 0, "the knob never bit"
    # Faults off: a resume settles whatever a lost answer left unknown, then sends the rest.
    faults.error_rate = faults.timeout_rate = faults.malformed_rate = 0
    faults.error_after_rate = faults.drop_after_rate = 0
    if job.counts.get(Outcome.FAILED.value):
        failed_due_again(journal, job_id)
    job = await engine.run(job_id)
    assert job.state is JobState.FINISHED
    assert job.counts == {Outcome.REMOVED.value: count}, job.counts
    assert_journal_agrees(journal, job_id, sandbox, provider, container)


def failed_due_again(journal: Journal, job_id: str) -> list[str]:
    """What the desk's retry does once confirmed: the failed members become due again."""
    ids = [i.member.id for i in journal.items(job_id, [Outcome.FAILED.value])]
    journal.reset(job_id, ids, "to be sent again (retry of the failed)")
    return ids


async def test_cancel_lets_the_batch_in_flight_finish(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    adapter = connect(Provider.WASEND, seconds_between_writes=0.05)
    container, members = await pick(adapter, "Harbour Runners", 40)
    job_id = start(journal, adapter, container, members)
    engine: Engine

    def on_event(event: Event) -> None:
        if isinstance(event, Settled) and event.outcomes[0].outcome is Outcome.REMOVED:
            engine.cancel()

    engine = Engine(adapter, journal, on_event=on_event)
    job = await engine.run(job_id)
    assert job.state is JobState.CANCELLED
    assert 0 < job.counts[Outcome.REMOVED.value] < 40
    assert job.counts[Outcome.REMOVED.value] + job.counts[Outcome.CANCELLED.value] == 40
    assert_journal_agrees(journal, job_id, sandbox, Provider.WASEND, container)


@pytest.mark.parametrize("stop", ["cancel", "interrupt"])
async def test_stop_means_no_new_request_leaves_and_a_cancelled_job_resumes(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal, stop: str
) -> None:
    """Four batches queue behind the pace; the stop comes as the first is about to leave.

    Before, every queued batch still went out once it got past the pace.
    """
    adapter = connect(Provider.AUTOSEND, requests_per_second=5)
    container, members = await pick(adapter, "Webinar attendees", 400)
    writes_before = len(sandbox.autosend.removals)
    engine: Engine

    def on_event(event: Event) -> None:
        if isinstance(event, Sending):
            getattr(engine, stop)()

    engine = Engine(adapter, journal, on_event=on_event)
    job = await engine.run(start(journal, adapter, container, members))
    assert len(sandbox.autosend.removals) == writes_before, "nothing was sent after the stop"
    if stop == "cancel":
        assert job.state is JobState.CANCELLED and job.counts == {Outcome.CANCELLED.value: 400}
    else:
        assert job.state is JobState.INTERRUPTED and job.counts == {"pending": 400}
    job = await Engine(adapter, journal).run(job.id)
    assert job.state is JobState.FINISHED and job.counts == {Outcome.REMOVED.value: 400}
    assert_journal_agrees(journal, job.id, sandbox, Provider.AUTOSEND, container)


async def test_a_missing_scope_stops_the_run_with_the_reason(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    adapter = connect(Provider.RASL, token=RASL_READ_ONLY_TOKEN)
    container, members = await pick(adapter, "Newsletter (WhatsApp)", 250)
    job = await Engine(adapter, journal, concurrency=1).run(
        start(journal, adapter, container, members)
    )
    assert job.state is JobState.STOPPED and "groups:write" in job.note
    assert job.counts == {Outcome.FAILED.value: 100, Outcome.CANCELLED.value: 150}
    assert not sandbox.rasl.removals


async def test_retry_sends_only_the_failed_ones(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    adapter = connect(Provider.WASEND, pause_after_failures=0)  # failures in a row may come
    container, members = await pick(adapter, "Choir", 20)
    faults = sandbox.faults[Provider.WASEND]
    faults.error_rate, faults.error_status, faults.methods = 0.5, 500, frozenset({"DELETE"})
    engine = Engine(adapter, journal)
    job_id = start(journal, adapter, container, members)
    job = await engine.run(job_id)
    failed = job.counts[Outcome.FAILED.value]
    assert failed and job.counts[Outcome.REMOVED.value] == 20 - failed
    faults.error_rate = 0
    removed_before = len(sandbox.wasend.removals)
    again = failed_due_again(journal, job_id)
    assert len(again) == failed
    job = await engine.run(job_id, only=again)
    assert job.counts == {Outcome.REMOVED.value: 20}
    assert len(sandbox.wasend.removals) - removed_before == failed


async def test_a_dry_run_sends_nothing(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    adapter = connect(Provider.AUTOSEND)
    container, members = await pick(adapter, "Beta testers", 30)
    job = await Engine(adapter, journal).run(
        start(journal, adapter, container, members, dry_run=True)
    )
    assert job.counts == {Outcome.WOULD_REMOVE.value: 30}
    assert not sandbox.autosend.removals


async def test_locked_members_are_journaled_as_protected_and_never_sent(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    adapter = connect(Provider.WASEND)
    container = next(c for c in await adapter.containers() if c.name == "Choir")
    members = [m async for p in adapter.members(container) for m in p.members]
    owner = next(m for m in members if m.role is Role.OWNER)
    job = await Engine(adapter, journal).run(
        start(journal, adapter, container, [owner, members[5]])
    )
    assert job.counts == {Outcome.PROTECTED.value: 1, Outcome.REMOVED.value: 1}
    assert owner.id in present_in_sandbox(sandbox, Provider.WASEND, container)


async def test_undo_adds_back_what_was_removed(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    adapter = connect(Provider.RASL)
    container, members = await pick(adapter, "Board")
    before = present_in_sandbox(sandbox, Provider.RASL, container)
    engine = Engine(adapter, journal)
    job_id = start(journal, adapter, container, members)
    await engine.run(job_id)
    assert not present_in_sandbox(sandbox, Provider.RASL, container)
    undo = await engine.run(record_plan(journal, undo_plan(journal, job_id), undo_of=job_id))
    assert undo.counts == {Outcome.RESTORED.value: len(members)}
    assert present_in_sandbox(sandbox, Provider.RASL, container) == before


async def test_an_undo_left_unknown_is_settled_by_reading_on_resume(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    """The add's answer is lost and the read after it fails too: both unknown. The resume
    reads the group: the one back is restored; the one not there (its contact deleted
    meanwhile) is sent again, and RASL's answer then says it no longer exists."""
    adapter = connect(Provider.RASL)
    container, members = await pick(adapter, "Board", 2)
    back, deleted = members
    engine = Engine(adapter, journal)
    job_id = start(journal, adapter, container, members)
    await engine.run(job_id)
    del sandbox.rasl.contacts[int(deleted.id)]
    faults = sandbox.faults[Provider.RASL]
    faults.error_after_rate, faults.match = 1.0, "/contacts"  # the add, and the reads after it
    undo_id = record_plan(journal, undo_plan(journal, job_id), undo_of=job_id)
    undo = await engine.run(undo_id)
    assert undo.counts == {Outcome.UNKNOWN.value: 2}, undo.counts
    faults.error_after_rate = 0
    calls = sandbox.calls(Provider.RASL)
    undo = await engine.run(undo_id)
    states = {i.member.id: (i.state, i.code) for i in journal.items(undo_id)}
    assert states == {
        back.id: (Outcome.RESTORED.value, ""),
        deleted.id: (Outcome.FAILED.value, "NOT_FOUND"),
    }
    assert sandbox.calls(Provider.RASL) - calls == 1 + 3, "a read; then the add, group, contact"


async def test_delete_contacts_and_a_source_still_in_use(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    adapter = connect(Provider.RASL)
    source = next(c for c in await adapter.containers() if c.name == "Event QR code")
    members = [m async for p in adapter.members(source) for m in p.members]
    engine = Engine(adapter, journal)
    refused = await engine.run(
        start(journal, adapter, source, [], operation=Operation.DELETE_SOURCE)
    )
    assert refused.state is JobState.STOPPED and "150 contacts still use" in refused.note
    deleted = await engine.run(
        start(journal, adapter, source, members, operation=Operation.DELETE_CONTACTS)
    )
    assert deleted.counts == {Outcome.REMOVED.value: 150}
    done = await engine.run(start(journal, adapter, source, [], operation=Operation.DELETE_SOURCE))
    assert done.state is JobState.FINISHED and 4 not in sandbox.rasl.sources


async def test_resume_settles_lost_answers_without_sending_twice(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    adapter = connect(Provider.WASEND)
    container, members = await pick(adapter, "Choir", 10)
    job_id = start(journal, adapter, container, members)
    # As if killed after writing a batch's intent and after the provider acted on it.
    journal.mark_sending(job_id, [m.id for m in members[:5]], 0)
    session, jid = container.id.split("/")
    for m in members[:3]:
        del sandbox.wasend.groups[session][jid]["participants"][m.id]
    job = await Engine(adapter, journal).run(job_id)
    assert job.counts == {Outcome.REMOVED.value: 10}
    assert len(sandbox.wasend.removals) == 7  # the three gone before were never sent again
    confirmed = [i for i in journal.items(job_id) if "Confirmed" in i.message]
    assert {i.member.id for i in confirmed} == {m.id for m in members[:3]}


async def test_interrupt_keeps_the_rest_due(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    adapter = connect(Provider.AUTOSEND)
    container, members = await pick(adapter, "Webinar attendees", 300)
    engine: Engine

    def on_event(event: Event) -> None:
        if isinstance(event, Settled):
            engine.interrupt()

    engine = Engine(adapter, journal, concurrency=1, on_event=on_event)
    job_id = start(journal, adapter, container, members)
    job = await engine.run(job_id)
    assert job.state is JobState.INTERRUPTED and job.counts["pending"] == 200
    assert [j.id for j in journal.unfinished()] == [job_id]
    job = await Engine(adapter, journal).run(job_id)
    assert job.counts == {Outcome.REMOVED.value: 300} and not journal.unfinished()
    assert_journal_agrees(journal, job_id, sandbox, Provider.AUTOSEND, container)


async def test_progress_counts_pace_and_export(
    connect: OpenAdapter, journal: Journal, tmp_path: Path
) -> None:
    adapter = connect(Provider.AUTOSEND)
    container, members = await pick(adapter, "Webinar attendees", 250)
    job_id = start(journal, adapter, container, members)
    progress = Progress.of(journal, job_id)
    await Engine(adapter, journal, concurrency=1, on_event=progress.apply).run(job_id)
    assert progress.done == progress.total == 250 and progress.counts[Outcome.REMOVED.value] == 250
    assert progress.ended is not None and progress.ended.state is JobState.FINISHED
    receipt = export(journal, job_id, tmp_path / "exports")
    assert receipt.with_suffix(".csv").read_text().count("\n") == 251
    assert '"outcome": "removed"' in receipt.with_suffix(".json").read_text()


def test_plan_needs_typed_confirmation_above_twenty_or_when_irreversible() -> None:
    group = Container(id="g", name="Board", kind=ContainerKind.GROUP)
    few = [Member(id=str(i)) for i in range(20)]
    assert make_plan("a", Provider.RASL, group, few).confirmation_word == ""
    assert make_plan("a", Provider.RASL, group, [*few, Member(id="x")]).confirmation_word == "21"
    assert (
        make_plan("a", Provider.RASL, group, few[:1], Operation.DELETE_CONTACTS).confirmation_word
        == "1"
    )
    assert (
        make_plan("a", Provider.RASL, group, [], Operation.DELETE_SOURCE).confirmation_word
        == "Board"
    )


async def test_a_journal_that_cannot_record_stops_the_job_and_a_resume_settles_it(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The provider answered, but the answer cannot be journaled (the disk is full): nothing
    more leaves, the error is one sentence (no ExceptionGroup), and the batch stays
    `sending` until a resume reads what became of it."""
    from providers.errors import JournalUnavailable

    adapter = connect(Provider.WASEND)
    container, members = await pick(adapter, "Choir", 6)
    job_id = start(journal, adapter, container, members)
    record = journal.record

    def full(job: str, outcomes: object) -> None:
        raise JournalUnavailable(f"The journal {journal.path} is full.")

    monkeypatch.setattr(journal, "record", full)
    with pytest.raises(JournalUnavailable, match="is full"):
        await Engine(adapter, journal, concurrency=1).run(job_id)
    assert len(sandbox.wasend.removals) == 1  # the one answered; nothing after it
    assert journal.job(job_id).counts == {"sending": 1, "pending": 5}
    monkeypatch.setattr(journal, "record", record)
    job = await Engine(adapter, journal).run(job_id)
    assert job.counts == {Outcome.REMOVED.value: 6} and len(sandbox.wasend.removals) == 6
    assert journal.verify().whole
