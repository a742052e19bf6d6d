"""Provider words journaled name nobody: WhatsApp's "447700900123@s.whatsapp.net is not a
participant" is kept as "(them) is not a participant", so the hash chain, which keeps a
step's words for good, holds nothing that forgetting would have to erase."""

from __future__ import annotations

from pathlib import Path

from providers.accounts.workspace import SandboxWorkspace
from providers.jobs.desk import Desk
from providers.jobs.plans import make_plan
from providers.jobs.privacy import unnamed
from providers.journal import Journal
from providers.models import Member, MemberOutcome, Outcome, Provider
from providers.sandbox.apis import Sandbox
from tests.helpers import FAST

ADA = Member(id="447700900123@s.whatsapp.net", address="+447700900123")


def test_each_spelling_of_the_members_addresses_is_replaced() -> None:
    said = [
        MemberOutcome(
            member_id=ADA.id,
            outcome=Outcome.FAILED,
            code="447700900123",
            message="447700900123@S.WHATSAPP.NET refused; +447700900123 is blocked; code 500",
        ),
        MemberOutcome(member_id=ADA.id, outcome=Outcome.REMOVED),
    ]
    first, second = unnamed(said, [ADA])
    assert first.message == "(them) refused; (them) is blocked; code 500"
    assert first.code == "(them)" and second == said[1]


async def test_a_removal_journals_the_providers_words_without_the_address(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    desk = Desk(SandboxWorkspace(sandbox, options=FAST), Journal(tmp_path / "journal.sqlite3"))
    adapter = await desk.adapter("sandbox-wasend")
    choir = next(c for c in await adapter.containers() if c.name == "Choir")
    listed = [m async for page in adapter.members(choir) for m in page.members]
    member = next(m for m in listed if not m.locked and m.id.endswith("@s.whatsapp.net"))
    groups = sandbox.wasend.groups["sess_events"].values()
    group = next(g for g in groups if g["subject"] == "Choir")
    del group["participants"][member.id]  # gone before the removal is sent
    proposal = await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, choir, [member]))
    ticket = desk.confirm(proposal)
    await desk.runs.run(ticket)
    (item,) = desk.journal.items(ticket.job_id)
    assert item.state == Outcome.ALREADY_ABSENT.value
    assert item.message == "(them) is not a participant."
    story = desk.journal.story(ticket.job_id, member.id)
    assert not any(member.id.split("@")[0] in step.message for step in story)
