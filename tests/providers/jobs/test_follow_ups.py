"""Resume and retry of a journaled job: refused, with nothing sent, while today's budget
leaves nothing to send; proposed, with their cost, when it does."""

from __future__ import annotations

from pathlib import Path

import pytest

from providers.accounts.workspace import SandboxWorkspace
from providers.errors import Refused
from providers.jobs.desk import Desk
from providers.jobs.plans import make_plan
from providers.jobs.proposal import Kind
from providers.journal import Journal
from providers.journal.records import JobState
from providers.models import MemberOutcome, Outcome, Provider
from providers.sandbox.apis import Sandbox
from tests.helpers import FAST
from tests.helpers.journal import choir, removals


def with_budget(sandbox: Sandbox, tmp_path: Path, budget: int) -> Desk:
    workspace = SandboxWorkspace(sandbox, options={**FAST, "daily_budget": budget})
    return Desk(workspace, Journal(tmp_path / "journal.sqlite3"))


async def test_a_spent_budget_refuses_resume_and_retry_and_sends_nothing(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    desk = with_budget(sandbox, tmp_path, 2)
    group, members = await choir(desk, 4)
    session, jid = group.id.split("/")
    owner = members[0].id  # WhatsApp refuses to remove the group's owner: failed, in its words
    sandbox.wasend.groups[session][jid]["participants"][owner]["isSuperAdmin"] = True
    proposal = await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members))
    ticket = desk.confirm(proposal)
    await desk.runs.run(ticket)
    job = desk.journal.job(ticket.job_id)
    assert job.state is JobState.PAUSED
    assert job.counts[Outcome.FAILED.value] == 1 and job.counts["pending"] == 2
    sent = len(removals(sandbox))

    with pytest.raises(Refused) as resumed:
        await desk.propose_resume(ticket.job_id)
    assert str(resumed.value) == (
        "Today's budget of writes is spent: none of the 2 members left can be sent before "
        "midnight, and nothing was sent. Resume tomorrow."
    )
    with pytest.raises(Refused) as retried:
        await desk.propose_retry(ticket.job_id)
    assert "none of the 1 failed member can be sent before midnight" in str(retried.value)
    assert len(removals(sandbox)) == sent and desk.journal.job(job.id).state is JobState.PAUSED

    # one whose answer was lost is settled by reading, which no budget limits: proposed
    (unsure, _) = desk.journal.items(job.id, ["pending"])
    desk.journal.record(
        job.id, [MemberOutcome(member_id=unsure.member.id, outcome=Outcome.UNKNOWN)]
    )
    assert (await desk.propose_resume(ticket.job_id)).kind is Kind.RESUME

    # a budget with room again (a new day, or a larger one): both are proposed, with their cost
    roomy = with_budget(sandbox, tmp_path, 10)
    resume = await roomy.propose_resume(ticket.job_id)
    assert any(line.startswith("About ") for line in resume.lines)
    assert (await roomy.propose_retry(ticket.job_id)).only == {ticket.job_id: (owner,)}
