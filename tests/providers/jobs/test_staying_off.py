"""Once off, they stay off: an everywhere job (and a removal, when asked) puts its people on
the do-not-re-add register; an undo or an import-like add-back of them is refused by the
desk, for both faces, unless overridden with a reason that is journaled; a reason kept on
the chain must not name them."""

from __future__ import annotations

from pathlib import Path

import pytest

from providers.accounts.workspace import SandboxWorkspace
from providers.errors import Refused
from providers.jobs.desk import Desk
from providers.jobs.everywhere import plan_everywhere
from providers.jobs.find import find_everywhere
from providers.jobs.plans import make_plan
from providers.jobs.receipts import receipt
from providers.journal import Journal
from providers.models import Container, Member, Operation, Outcome, Provider
from providers.sandbox.apis import Sandbox
from tests.helpers import FAST, jade, off_everywhere


@pytest.fixture
def desk(sandbox: Sandbox, tmp_path: Path) -> Desk:
    return Desk(SandboxWorkspace(sandbox, options=FAST), Journal(tmp_path / "journal.sqlite3"))


async def choir(desk: Desk) -> tuple[Container, list[Member]]:
    adapter = await desk.adapter("sandbox-wasend")
    group = next(c for c in await adapter.containers() if c.name == "Choir")
    return group, [m async for p in adapter.members(group) for m in p.members if not m.locked]


async def test_an_everywhere_job_suppresses_and_undoing_it_is_refused_unless_overridden(
    desk: Desk, sandbox: Sandbox
) -> None:
    job_id = await off_everywhere(desk, jade(sandbox))
    (entry,) = desk.journal.register.entries()
    assert entry.job_id == job_id and entry.reason == "T-4821"
    assert {"+12025550105", "jade.chen5@example.net"} <= set(entry.addresses)
    assert any(a.endswith("@lid") for a in entry.addresses), "the ids she was found by too"
    assert "On the do-not-re-add register since" in receipt(desk.journal, job_id)

    choir_part = next(
        p for p in desk.journal.everywhere(job_id).parts if p.container.name == "Choir"
    )
    proposal = await desk.propose_undo(choir_part.id)
    assert proposal.suppressed == (entry.id,)
    assert proposal.label == "Add back" and proposal.invites == (), "adding revokes no link"
    assert any("asked to stay off" in line for line in proposal.lines)
    jobs = len(desk.journal.jobs())
    with pytest.raises(Refused, match=r"asked to stay off.*override"):
        desk.confirm(proposal)
    assert len(desk.journal.jobs()) == jobs, "a refusal journals nothing"

    with pytest.raises(Refused, match=r"^The override's reason is kept on the journal's hash"):
        desk.confirm(proposal, override="jade.chen5@example.net asked to rejoin")
    ticket = desk.confirm(proposal, override="T-4900: she asked to rejoin the choir")
    undone = await desk.runs.run(ticket)
    assert undone.counts == {Outcome.RESTORED.value: 1}
    said = receipt(desk.journal, ticket.job_id)
    assert "overridden by" in said and "T-4900: she asked to rejoin the choir" in said
    assert desk.journal.register.overridden(ticket.job_id)["entries"] == f'["{entry.id}"]'
    assert desk.journal.verify().whole

    # back in the choir: taking her off again is what the register asks, never refused by it
    group, members = await choir(desk)
    (her,) = [m for m in members if m.id in entry.addresses]
    again = await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, [her]))
    assert again.suppressed == () and again.invites == (group,)
    desk.confirm(again, reason="T-4901")


async def test_an_import_like_add_back_of_someone_suppressed_is_refused(
    desk: Desk, sandbox: Sandbox
) -> None:
    await off_everywhere(desk, jade(sandbox))
    group, members = await choir(desk)
    # a spreadsheet's rows made into members, one of them her phone in another spelling
    rows = [Member(id="12025550105@s.whatsapp.net", address="+1 (202) 555-0105"), members[0]]
    plan = make_plan("sandbox-wasend", Provider.WASEND, group, rows, Operation.ADD_BACK)
    proposal = await desk.propose(plan)
    calls = sandbox.calls(Provider.WASEND)
    with pytest.raises(Refused, match="1 of them asked to stay off"):
        desk.confirm(proposal)
    assert sandbox.calls(Provider.WASEND) == calls and desk.journal.jobs()[0].part_of


async def test_a_removal_keeps_them_off_only_when_asked(desk: Desk, sandbox: Sandbox) -> None:
    group, members = await choir(desk)
    plain = await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members[:1]))
    assert plain.offers_suppress and plain.invites == (group,)
    desk.confirm(plain, reason="T-1")
    assert desk.journal.register.entries() == []
    dry = await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members[1:2]))
    desk.confirm(dry, reason="T-2", dry_run=True, suppress=True)
    assert desk.journal.register.entries() == [], "a dry run keeps nobody off"
    kept = await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members[2:4]))
    ticket = desk.confirm(kept, reason="T-3", suppress=True)
    entries = desk.journal.register.entries()
    assert len(entries) == 2 and {e.job_id for e in entries} == {ticket.job_id}
    assert {e.addresses[0] for e in entries} == {m.address for m in members[2:4]}


async def test_a_why_kept_on_the_chain_must_not_name_the_person(
    desk: Desk, sandbox: Sandbox
) -> None:
    addresses = jade(sandbox)
    found = await find_everywhere(desk.workspace, addresses, opened=desk.adapter)
    proposal = await desk.propose_everywhere(plan_everywhere(found, addresses))
    for why in ("unsubscribe jade.chen5@EXAMPLE.net", "T-1: +1 202-555-0105 asked"):
        with pytest.raises(Refused) as refused:
            desk.confirm(proposal, typed=proposal.word, reason=why)
        assert str(refused.value).startswith(
            "The reason is kept on the journal's hash chain for good, so it must not name the "
            "person (an address)"
        )
    assert desk.journal.everywhere_jobs() == []
    desk.confirm(proposal, typed=proposal.word, reason="T-1 20250105 unsubscribe")
