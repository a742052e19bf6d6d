"""The desk: every action that sends is proposed in words, confirmed (or refused, once, for
both faces), journaled and run; resume sends the rest, retry only the failed."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from providers.accounts.workspace import SandboxWorkspace
from providers.errors import NothingToDo, Refused
from providers.jobs.desk import Desk
from providers.jobs.lookup import propose_entries
from providers.jobs.plans import make_plan
from providers.jobs.proposal import Kind
from providers.jobs.receipts import receipt
from providers.journal import Journal
from providers.journal.records import JobState
from providers.journal.runners import JobBusy
from providers.models import Container, Member, Operation, Outcome, Provider, Role
from providers.protocol import Adapter
from providers.sandbox.apis import Sandbox
from tests.helpers import FAST
from tests.helpers.journal import another_process, choir, removals


@pytest.fixture
def desk(sandbox: Sandbox, tmp_path: Path) -> Desk:
    return Desk(SandboxWorkspace(sandbox, options=FAST), Journal(tmp_path / "journal.sqlite3"))


async def test_a_big_plan_asks_for_the_count_and_refuses_a_wrong_one(
    desk: Desk, sandbox: Sandbox
) -> None:
    group, members = await choir(desk, 21)
    proposal = await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members))
    assert proposal.kind is Kind.NEW and proposal.word == "21" and proposal.label == "Remove"
    assert proposal.lines[0] == "Remove from Events team / Choir: 21 members."
    assert any(
        line.startswith(
            "About 42 calls (two for each person: one to remove, one to check they left)"
        )
        for line in proposal.lines
    )
    with pytest.raises(Refused, match="Type 21 exactly"):
        desk.confirm(proposal, typed="12")
    assert desk.journal.jobs() == [], "a refusal journals nothing"
    assert desk.confirm(proposal, typed="2 1").job_id  # grouped as a person types it


async def test_an_account_that_asks_why_refuses_a_job_without_a_reason(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    desk = Desk(
        SandboxWorkspace(sandbox, options={**FAST, "require_reason": True}),
        Journal(tmp_path / "journal.sqlite3"),
    )
    group, members = await choir(desk, 2)
    proposal = await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members))
    with pytest.raises(Refused) as refused:
        desk.confirm(proposal, reason="   ")
    assert str(refused.value).startswith("This account asks why for every job: give a reason")
    ticket = desk.confirm(proposal, reason=" T-1  unsubscribe ")
    assert desk.journal.job(ticket.job_id).reason == "T-1 unsubscribe"


async def test_resume_after_a_cancel_sends_the_rest_once(desk: Desk, sandbox: Sandbox) -> None:
    group, members = await choir(desk, 6)
    proposal = await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members))
    ticket = desk.confirm(proposal)
    whatsapp = sandbox.wasend.misbehaviour
    whatsapp.hold_after = 2  # the third removal waits: the job is caught running
    running = desk.runs.run(ticket)
    task = asyncio.ensure_future(running)
    await whatsapp.holding.wait()
    desk.runs.cancel(ticket.job_id)
    assert desk.runs.progress(ticket.job_id).stopping
    whatsapp.release.set()
    job = await task
    assert job.state is JobState.CANCELLED and job.counts[Outcome.CANCELLED.value] == 3
    sent = len(removals(sandbox))

    resume = await desk.propose_resume(ticket.job_id)
    assert resume.kind is Kind.RESUME and resume.label == "Resume" and resume.word == ""
    assert "To send: 3 (3 cancelled before they were sent)." in resume.lines
    assert len(removals(sandbox)) == sent, "proposing sends nothing"
    whatsapp.hold_after = None
    job = await desk.runs.run(desk.confirm(resume))
    assert job.state is JobState.FINISHED and job.counts == {Outcome.REMOVED.value: 6}
    assert sorted(removals(sandbox)) == sorted(m.id for m in members), "each sent once"
    with pytest.raises(NothingToDo):
        await desk.propose_resume(ticket.job_id)


async def test_someone_named_by_id_and_already_removed_is_said_to_be(desk: Desk) -> None:
    """Two people on one group: the second names someone the first's job took off."""
    group, members = await choir(desk, 2)
    proposal = await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members))
    ticket = desk.confirm(proposal)
    await desk.runs.run(ticket)
    stranger = "447700999999@s.whatsapp.net"
    with pytest.raises(Refused) as refused:
        await propose_entries(desk, "sandbox-wasend", group.id, [members[1].id, stranger])
    said = str(refused.value)
    assert said.startswith("2 of the given members matched nobody in Choir: ")
    assert f"{members[1].id} (already removed by job {ticket.job_id} (" in said
    assert f"{stranger}. Nothing was sent" in said, "nobody removed them: nothing more said"


async def test_someone_whose_removal_landed_but_is_not_yet_journaled_is_said_to_be_going(
    desk: Desk, sandbox: Sandbox, tmp_path: Path
) -> None:
    """Two people on one group: the first's write reached WhatsApp, its answer is on its way.
    The second, reading the group in that moment, is told who is removing them."""
    group, members = await choir(desk, 2)
    proposal = await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members))
    ticket = desk.confirm(proposal)
    desk.journal.mark_sending(ticket.job_id, [members[0].id], 0)
    session, jid = group.id.split("/")
    del sandbox.wasend.groups[session][jid]["participants"][members[0].id]
    second = Desk(SandboxWorkspace(sandbox, options=FAST), Journal(tmp_path / "journal.sqlite3"))
    with pytest.raises(Refused) as refused:
        await propose_entries(second, "sandbox-wasend", group.id, [members[0].id])
    assert f"{members[0].id} (being removed by job {ticket.job_id} (" in str(refused.value)


def promote(sandbox: Sandbox, group: Container, member: Member, owner: bool = True) -> None:
    """WhatsApp changes behind the plan's back: this member became the group's owner."""
    session, jid = group.id.split("/")
    sandbox.wasend.groups[session][jid]["participants"][member.id]["isSuperAdmin"] = owner


async def test_retry_sends_only_the_failed_and_leaves_the_rest_due(
    desk: Desk, sandbox: Sandbox
) -> None:
    group, members = await choir(desk, 4)
    proposal = await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members))
    ticket = desk.confirm(proposal)
    promote(sandbox, group, members[0])  # refused by WhatsApp: failed, in its words
    whatsapp = sandbox.wasend.misbehaviour
    whatsapp.hold_after = 1  # the third is held: the fourth is cancelled before it leaves
    task = asyncio.ensure_future(desk.runs.run(ticket))
    await whatsapp.holding.wait()
    desk.runs.cancel(ticket.job_id)
    whatsapp.release.set()
    job = await task
    assert job.counts == {"failed": 1, "removed": 2, "cancelled": 1}
    promote(sandbox, group, members[0], owner=False)
    whatsapp.hold_after = None

    retry = await desk.propose_retry(ticket.job_id)
    assert retry.lines[0].startswith(f"Send again the 1 that failed in job {ticket.job_id}")
    assert "group owner" in retry.lines[2]
    assert retry.lines[3] == "Nothing else is sent; 1 still due stay due (resume sends them)."
    job = await desk.runs.run(desk.confirm(retry))
    assert job.counts == {"removed": 3, "cancelled": 1}, "retry sends nothing but the failed"
    assert job.state is JobState.CANCELLED
    assert removals(sandbox).count(members[0].id) == 1 and members[3].id not in removals(sandbox)
    story = receipt(desk.journal, ticket.job_id).split("## What happened\n\n")[1].split("\n\n")[0]
    assert [line.split(" UTC: ")[1] for line in story.splitlines()] == [
        "sending began",
        "cancelled: 1 not sent.",
        "made due again: 1 member",
        "sending began",
        "cancelled: The failed were sent again; the rest is still due.",
    ]


async def test_undo_is_refused_where_the_provider_cannot_add_back(
    desk: Desk, sandbox: Sandbox
) -> None:
    group, members = await choir(desk, 1)
    proposal = await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members))
    job = await desk.runs.run(desk.confirm(proposal))
    adapter = await desk.adapter("sandbox-wasend")
    adapter.capabilities = replace(adapter.capabilities, can_undo=False)
    with pytest.raises(Refused, match="WaSend cannot add members back: this job cannot be undone"):
        await desk.propose_undo(job.id)


@pytest.mark.parametrize(
    ("operation", "said"),
    [
        (Operation.DELETE_CONTACTS, "WaSend cannot delete contacts."),
        (Operation.DELETE_SOURCE, "WaSend has no sources to delete."),
    ],
)
async def test_an_operation_the_provider_has_not_is_refused_in_words(
    desk: Desk, operation: Operation, said: str
) -> None:
    group, members = await choir(desk, 1)
    plan = make_plan("sandbox-wasend", Provider.WASEND, group, members, operation)
    with pytest.raises(Refused) as refused:
        await desk.propose(plan)
    assert refused.value.message == said
    assert desk.journal.jobs() == []


async def test_a_plan_with_nobody_to_send_says_why(desk: Desk) -> None:
    group, _ = await choir(desk, 1)
    adapter = await desk.adapter("sandbox-wasend")
    locked = [m async for p in adapter.members(group) for m in p.members if m.locked]
    other = replace(locked[0], id="x-1", locked_reason="an admin of the community")
    for named, why in [
        ([], "nobody was named"),
        (locked[:1], locked[0].locked_reason),
        ([locked[0], other], f"an admin of the community; {locked[0].locked_reason}"),
    ]:
        with pytest.raises(Refused) as refused:
            await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, named))
        assert refused.value.message == f"Nothing can be sent to Events team / Choir: {why}."


async def test_a_source_is_proposed_for_deletion_as_a_delete_with_its_name_typed(
    desk: Desk,
) -> None:
    adapter = await desk.adapter("sandbox-rasl")
    source = next(c for c in await adapter.containers() if c.name == "Event QR code")
    plan = make_plan("sandbox-rasl", Provider.RASL, source, [], Operation.DELETE_SOURCE)
    proposal = await desk.propose(plan)
    assert proposal.label == "Delete" and proposal.word == "Event QR code"
    assert proposal.invites == () and not proposal.offers_suppress


async def test_deleted_contacts_cannot_be_undone(desk: Desk) -> None:
    adapter = await desk.adapter("sandbox-rasl")
    group = next(c for c in await adapter.containers() if c.name == "Board")
    members = [m async for p in adapter.members(group) for m in p.members][:1]
    plan = make_plan("sandbox-rasl", Provider.RASL, group, members, Operation.DELETE_CONTACTS)
    proposal = await desk.propose(plan)
    assert proposal.word == "1" and proposal.label == "Delete"
    job = await desk.runs.run(desk.confirm(proposal, typed="1"))
    with pytest.raises(Refused, match="Only a real removal from a group or list can be undone"):
        await desk.propose_undo(job.id)


async def test_an_undo_receipt_says_who_is_back_and_who_could_not_be(
    desk: Desk, sandbox: Sandbox
) -> None:
    """A contact deleted after its removal cannot be put back: the receipt says so, in the
    words of what RASL's answer and a read of the contact book showed, and a second undo
    proposes only them."""
    adapter = await desk.adapter("sandbox-rasl")
    group = next(c for c in await adapter.containers() if c.name == "Board")
    back, deleted = [m async for p in adapter.members(group) for m in p.members][:2]
    plan = make_plan("sandbox-rasl", Provider.RASL, group, [back, deleted])
    removal = await desk.runs.run(desk.confirm(await desk.propose(plan)))
    del sandbox.rasl.contacts[int(deleted.id)]
    undo = await desk.runs.run(desk.confirm(await desk.propose_undo(removal.id)))
    assert undo.counts == {Outcome.RESTORED.value: 1, Outcome.FAILED.value: 1}
    said = receipt(desk.journal, undo.id)
    assert f"## Done (1)\n\n- {back.name} ({back.address}): ↺ restored" in said
    assert (
        f"## Not done (1)\n\n- {deleted.name} ({deleted.address}): ✗ failed: NOT\\_FOUND: "
        "No such contact any more: it was deleted, so it cannot be added back." in said
    )
    again = await desk.propose_undo(removal.id)  # only the one an undo did not put back
    assert again.plan is not None and list(again.plan.members) == [deleted]


async def test_an_undo_proposed_speaks_of_adding_and_costs_a_read_and_an_add_each(
    desk: Desk, sandbox: Sandbox
) -> None:
    group, everyone = await choir(desk, 100)
    admin = next(m for m in everyone if m.role is Role.ADMIN)
    members = [*[m for m in everyone if m.role is not Role.ADMIN][:2], admin]
    proposal = await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members))
    assert "1 of them is an admin: WhatsApp lets an admin remove another admin" in proposal.lines[3]
    removal = await desk.runs.run(desk.confirm(proposal))
    lines = (await desk.propose_undo(removal.id)).lines
    assert lines[0] == "Add back to Events team / Choir: 3 members."
    assert any(
        line.startswith(
            "About 4 calls (one to see who is in the group already, then one to add each person)"
        )
        for line in lines
    ), lines
    assert not any("remove" in line for line in lines), lines


async def test_an_undo_done_already_is_refused_and_sends_nothing(desk: Desk) -> None:
    group, members = await choir(desk, 2)
    plan = make_plan("sandbox-wasend", Provider.WASEND, group, members)
    removal = await desk.runs.run(desk.confirm(await desk.propose(plan)))
    undo = await desk.runs.run(desk.confirm(await desk.propose_undo(removal.id)))
    assert undo.counts == {Outcome.RESTORED.value: 2}
    adapter = await desk.adapter("sandbox-wasend")
    calls = adapter.calls()
    with pytest.raises(Refused) as refused:
        await desk.propose_undo(removal.id)
    assert refused.value.message == (
        f"Job {removal.id} was undone already ({undo.id}): everyone it removed is back."
    )
    assert adapter.calls() == calls


async def test_one_job_at_a_time(desk: Desk, sandbox: Sandbox) -> None:
    group, members = await choir(desk, 2)
    proposal = await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members))
    sandbox.wasend.misbehaviour.hold_after = 0
    task = asyncio.ensure_future(desk.runs.run(desk.confirm(proposal)))
    await sandbox.wasend.misbehaviour.holding.wait()
    busy = "A job is running: wait for it to end, or cancel it (c on its screen) first."
    with pytest.raises(Refused) as refused:
        await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members))
    assert refused.value.message == busy
    with pytest.raises(Refused) as refused:
        desk.confirm(proposal)
    assert refused.value.message == busy
    sandbox.wasend.misbehaviour.release.set()
    await task


NOT_ADMIN = (
    "Nothing can be sent to Front desk / Staff Rota: this number is not an admin of the group, "
    "and WhatsApp lets only admins remove people."
)


async def test_a_group_whose_number_is_no_admin_is_refused_before_anything_is_sent(
    desk: Desk, sandbox: Sandbox
) -> None:
    adapter = await desk.adapter("sandbox-wasend")
    rota = next(c for c in await adapter.containers() if c.name == "Staff Rota")
    members = [m async for p in adapter.members(rota) for m in p.members if not m.locked][:2]
    calls = sandbox.calls(Provider.WASEND)
    with pytest.raises(Refused) as planned:
        await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, rota, members))
    assert str(planned.value) == NOT_ADMIN
    # A container from before this was known (an old listing, a journal) is refused the same:
    # the adapter learnt it from the list it read.
    unknowing = replace(rota, read_only=False, read_only_reason="")
    with pytest.raises(Refused) as stale:
        await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, unknowing, members))
    assert str(stale.value) == NOT_ADMIN
    assert sandbox.calls(Provider.WASEND) == calls, "nothing was sent, nothing read"
    # The shell names the members by phone: refused before any of them is looked up.
    with pytest.raises(Refused) as shell:
        await propose_entries(desk, "sandbox-wasend", rota.id, [members[0].address])
    assert str(shell.value) == NOT_ADMIN
    assert sandbox.calls(Provider.WASEND) - calls == 3  # the group list, to find it by id
    assert not sandbox.wasend.removals and not desk.journal.jobs()


async def test_removing_an_admin_says_what_whatsapp_allows(desk: Desk, sandbox: Sandbox) -> None:
    adapter = await desk.adapter("sandbox-wasend")
    group = next(c for c in await adapter.containers() if c.name == "Parents Network")
    listed = [m async for p in adapter.members(group) for m in p.members if not m.locked]
    admins = [m for m in listed if m.role.value == "admin"][:2]
    proposal = await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, admins))
    assert (
        "2 of them are admins: WhatsApp lets an admin remove another admin (this number is an "
        "admin here), never the group's owner." in proposal.lines
    )


async def test_the_journal_is_opened_once_whoever_asks_first_and_never_only_to_close(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    opened: list[Journal] = []

    def journal() -> Journal:
        opened.append(Journal(tmp_path / "journal.sqlite3"))
        return opened[-1]

    unused = Desk(SandboxWorkspace(sandbox, options=FAST), journal)
    unused.close_journal()
    assert opened == []
    desk = Desk(SandboxWorkspace(sandbox, options=FAST), journal)
    in_threads = await asyncio.gather(*(desk.open_journal() for _ in range(4)))
    assert opened == [desk.journal] and all(j is desk.journal for j in in_threads)
    desk.close_journal()


async def test_an_account_asked_for_twice_at_once_is_opened_and_wired_once(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """The accounts screen checks a token while a job (or a find) asks for the same account:
    one adapter, so one pace, and it spaces its writes with everyone's on the number."""

    class Slow(SandboxWorkspace):
        opened = 0

        async def open(self, name: str) -> Adapter:
            Slow.opened += 1
            await asyncio.sleep(0)  # a keyring answers in a thread
            return await super().open(name)

    desk = Desk(Slow(sandbox, options=FAST), Journal(tmp_path / "journal.sqlite3"))
    first, second = await asyncio.gather(
        desk.adapter("sandbox-wasend"), desk.adapter("sandbox-wasend")
    )
    assert first is second and Slow.opened == 1
    assert desk.opened("sandbox-wasend") is first
    await desk.aclose()


async def test_nothing_is_proposed_once_rosterdeck_is_ending(desk: Desk) -> None:
    group, members = await choir(desk, 2)
    desk.runs.stopping = True
    with pytest.raises(Refused) as refused:
        await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members))
    assert str(refused.value) == "RosterDeck is ending: the job stays for the next start."


async def test_a_resume_confirmed_while_another_process_took_the_job_names_that_process(
    desk: Desk, tmp_path: Path
) -> None:
    """Between the dialog and `y`, someone else resumed the same job: the refusal says the
    job is theirs now (not merely that its place is busy), and nothing is sent."""
    group, members = await choir(desk, 2)
    proposal = await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members))
    ticket = desk.confirm(proposal)
    resume = await desk.propose_resume(ticket.job_id)
    another_process(tmp_path / "journal.sqlite3", ticket.job_id, 4242, "far-away", age=1)
    with pytest.raises(JobBusy) as refused:
        desk.confirm(resume)
    assert str(refused.value).startswith(f"Job {ticket.job_id} is being run by process 4242 on")
