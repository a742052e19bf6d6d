"""An invite link revoked after a WhatsApp removal: offered with the proposal (off unless
asked), asked in the plan's transaction, revoked once the place's removals are done (a job
stopped first revokes at the end of its resume), journaled, and said in the receipt."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from providers.accounts.workspace import SandboxWorkspace
from providers.jobs.desk import Desk
from providers.jobs.invites import offer
from providers.jobs.plans import make_plan
from providers.jobs.receipts import receipt
from providers.journal import Journal
from providers.models import Container, Member, Provider
from providers.sandbox import TOKENS
from providers.sandbox.apis import Sandbox
from tests.helpers import FAST


@pytest.fixture
def desk(sandbox: Sandbox, tmp_path: Path) -> Desk:
    return Desk(SandboxWorkspace(sandbox, options=FAST), Journal(tmp_path / "journal.sqlite3"))


async def choir(desk: Desk) -> tuple[Container, list[Member]]:
    adapter = await desk.adapter("sandbox-wasend")
    group = next(c for c in await adapter.containers() if c.name == "Choir")
    return group, [m async for p in adapter.members(group) for m in p.members if not m.locked]


async def link(sandbox: Sandbox, group: Container) -> str:
    base = sandbox.base_url(Provider.WASEND, "http://sandbox")
    session, jid = group.id.split("/", 1)
    headers = {"Authorization": f"Bearer {TOKENS[Provider.WASEND]}"}
    async with httpx.AsyncClient(transport=sandbox.transport(), headers=headers) as client:
        said: str = (await client.get(f"{base}/{session}/groups/{jid}/invite-code")).json()
    return said


async def test_the_link_is_revoked_once_they_are_removed_and_the_receipt_says_so(
    desk: Desk, sandbox: Sandbox
) -> None:
    group, members = await choir(desk)
    before = await link(sandbox, group)
    plain = await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members[:1]))
    await desk.runs.run(desk.confirm(plain, reason="T-1"))
    assert await link(sandbox, group) == before, "not asked: the link stays"

    asked = await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members[1:2]))
    assert asked.invites == (group,) and "stops working" in offer([group.where])[1]
    ticket = desk.confirm(asked, reason="T-2", revoke_invites=True)
    await desk.runs.run(ticket)
    assert await link(sandbox, group) != before
    (invite,) = desk.journal.invites.of([ticket.job_id])
    assert invite.state == "revoked" and invite.done_at
    assert "Invite link of Events team / Choir revoked on" in receipt(desk.journal, ticket.job_id)
    assert desk.journal.verify().whole


async def test_a_job_paused_before_it_is_done_revokes_at_the_end_of_its_resume(
    desk: Desk, sandbox: Sandbox
) -> None:
    group, members = await choir(desk)
    before = await link(sandbox, group)
    proposal = await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members[:3]))
    ticket = desk.confirm(proposal, reason="T-3", revoke_invites=True)
    whatsapp = sandbox.wasend.misbehaviour
    whatsapp.overlimit_after = 1  # WhatsApp says slow down: the job pauses, one removed
    paused = await desk.runs.run(ticket)
    assert paused.state.value == "paused" and paused.counts.get("removed") == 1
    assert await link(sandbox, group) == before
    assert "to be revoked once the removals there are done" in receipt(desk.journal, ticket.job_id)

    whatsapp.overlimit_after = None
    await desk.runs.run(desk.confirm(await desk.propose_resume(ticket.job_id), typed=""))
    assert await link(sandbox, group) != before
    assert desk.journal.invites.of([ticket.job_id])[0].state == "revoked"


def test_the_revoke_box_names_the_group_whole() -> None:
    label, cost = offer(["Events team / Summer Fair Helpers"])
    assert label == "Revoke the invite link once they are removed"
    assert cost == (
        "Nobody rejoins by it; everyone else's link to Events team / Summer Fair Helpers stops "
        "working."
    )
