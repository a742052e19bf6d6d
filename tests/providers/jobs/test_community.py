"""Off a WhatsApp community: one job over each of its groups the person is in, planned from a
read a group, each part paced as any WhatsApp write."""

from __future__ import annotations

from pathlib import Path

import pytest

from providers.accounts.workspace import SandboxWorkspace
from providers.errors import Refused
from providers.jobs.desk import Desk
from providers.jobs.proposal import Kind
from providers.journal import Journal
from providers.journal.records import JobState
from providers.models import ContainerKind, Member, Provider
from providers.sandbox.apis import Sandbox
from tests.helpers import FAST, in_two_community_groups, whatsapp_group


@pytest.fixture
def desk(sandbox: Sandbox, tmp_path: Path) -> Desk:
    return Desk(SandboxWorkspace(sandbox, options=FAST), Journal(tmp_path / "journal.sqlite3"))


async def test_off_a_community_is_one_job_over_the_groups_they_are_in(
    desk: Desk, sandbox: Sandbox
) -> None:
    adapter = await desk.adapter("sandbox-wasend")
    community = next(c for c in await adapter.containers() if c.kind is ContainerKind.COMMUNITY)
    pid = in_two_community_groups(sandbox)
    (member,) = [m async for p in adapter.members(community) for m in p.members if m.id == pid]
    calls = sandbox.calls(Provider.WASEND)
    proposal = await desk.propose_community("sandbox-wasend", community, [member])
    assert sandbox.calls(Provider.WASEND) - calls == 3, "a read of each of its three groups"
    assert proposal.kind is Kind.EVERYWHERE and proposal.word == "2"
    assert proposal.lines[:3] == (
        f"Remove {member.address} from the community Events team / Riverside Allotments: 2 groups:",
        "  • Events team / Announcements (sandbox-wasend)",
        "  • Events team / Plot Holders (sandbox-wasend)",
    )
    assert "? not searched: sandbox-wasend: Events team / Seed Swap: the list looks incomplete" in (
        proposal.words
    )  # they are not in the 17 it lists: it cannot say they are not in it
    assert "About 4 calls (over 1 account at once)" in proposal.words  # a removal, a read-back

    job = await desk.runs.run(desk.confirm(proposal, typed="2"))
    assert job.state is JobState.FINISHED and len(job.parts) == 2
    left = [
        subject
        for subject in ("Announcements", "Plot Holders")
        if pid in whatsapp_group(sandbox, subject)["participants"]
    ]
    assert left == [] and len(sandbox.wasend.removals) == 2


async def test_a_group_in_no_community_is_refused(desk: Desk) -> None:
    adapter = await desk.adapter("sandbox-wasend")
    choir = next(c for c in await adapter.containers() if c.name == "Choir")
    with pytest.raises(Refused, match="Choir is in no community"):
        await desk.propose_community("sandbox-wasend", choir, [Member(id="1@s.whatsapp.net")])
