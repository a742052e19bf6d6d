"""Two people's desks on one journal (each its own `Journal`, as each process has): a place
with a job running is refused up front, naming who runs it; jobs planned together never send
a member twice; a member removed before a plan is read before being sent again."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest

from providers.accounts.workspace import SandboxWorkspace
from providers.errors import ConfigurationError
from providers.jobs.desk import Desk
from providers.jobs.plans import make_plan
from providers.journal import Journal
from providers.journal.records import ANOTHER_JOB, PENDING, JobState
from providers.models import Outcome, Provider
from providers.sandbox.apis import Sandbox
from tests.helpers import FAST
from tests.helpers.journal import choir, removals, tamper


def desks(sandbox: Sandbox, where: Path) -> tuple[Desk, Desk]:
    workspace = SandboxWorkspace(sandbox, options=FAST)
    return Desk(workspace, Journal(where)), Desk(workspace, Journal(where))


async def test_a_place_with_a_job_running_elsewhere_is_refused_naming_who(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    ada, grace = desks(sandbox, tmp_path / "journal.sqlite3")
    group, members = await choir(ada, 4)
    plan = make_plan("sandbox-wasend", Provider.WASEND, group, members[:2])
    theirs = ada.confirm(await ada.propose(plan)).job_id
    proposal = await grace.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members))
    tamper(  # ada's job now runs in another living process
        tmp_path / "journal.sqlite3",
        "INSERT INTO runners (job_id, pid, host, started_at, heartbeat) VALUES "
        f"('{theirs}', {os.getppid()}, '{socket.gethostname()}', "
        f"'2030-01-02T03:04:05.000+00:00', {time.time()})",
    )
    with pytest.raises(ConfigurationError) as refused:
        grace.confirm(proposal)
    said = refused.value.message
    assert said.startswith(f"Events team / Choir (WaSend) has a job running: job {theirs}, run by")
    assert f"on {socket.gethostname()} (process {os.getppid()}) since 2030-01-02 03:04:05" in said
    with pytest.raises(ConfigurationError, match="has a job running"):
        await grace.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members))
    assert len(grace.journal.jobs()) == 1, "nothing of grace's was journaled"
    await ada.aclose()
    await grace.aclose()


async def test_jobs_planned_together_send_each_member_once(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    ada, grace = desks(sandbox, tmp_path / "journal.sqlite3")
    group, members = await choir(ada, 6)
    first = ada.confirm(
        await ada.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members[:4]))
    )
    second = grace.confirm(
        await grace.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members[2:]))
    )
    assert (await ada.runs.run(first)).state is JobState.FINISHED
    job = await grace.runs.run(second)
    assert job.state is JobState.FINISHED
    assert job.counts == {Outcome.REMOVED.value: 2, Outcome.ALREADY_ABSENT.value: 2}
    taken = grace.journal.items(second.job_id, [Outcome.ALREADY_ABSENT.value])
    assert all(i.code == ANOTHER_JOB for i in taken)
    assert taken[0].message.startswith(f"Already removed by job {first.job_id} (")
    assert sorted(removals(sandbox)) == sorted(m.id for m in members)
    await ada.aclose()
    await grace.aclose()


async def test_a_member_removed_before_the_plan_is_read_first(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """The plan was made from a list read before another job took two of them out; one of
    the two was added back since. Only they are read; the one still gone is not sent."""
    ada, grace = desks(sandbox, tmp_path / "journal.sqlite3")
    group, members = await choir(ada, 3)
    early = ada.confirm(
        await ada.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members[:2]))
    )
    await ada.runs.run(early)
    adapter = await ada.adapter("sandbox-wasend")
    await adapter.add(group, members[:1])
    later = grace.confirm(
        await grace.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members))
    )
    job = await grace.runs.run(later)
    assert job.counts == {Outcome.REMOVED.value: 2, Outcome.ALREADY_ABSENT.value: 1}
    (gone,) = grace.journal.items(later.job_id, [Outcome.ALREADY_ABSENT.value])
    assert gone.member.id == members[1].id and gone.code == ANOTHER_JOB
    assert removals(sandbox).count(members[0].id) == 2  # it came back, so it went again
    assert removals(sandbox).count(members[1].id) == 1
    await ada.aclose()
    await grace.aclose()


async def test_a_read_first_that_fails_pauses_the_job_and_sends_none_of_its_batch(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """The read of the members another job removed before this plan fails: the job pauses
    in the provider's words, the batch is due again with why, and nothing of it is sent. A
    resume, once the provider answers, reads them and sends only the one still there."""
    ada, grace = desks(sandbox, tmp_path / "journal.sqlite3")
    group, members = await choir(ada, 3)
    await ada.runs.run(
        ada.confirm(
            await ada.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members[:2]))
        )
    )
    later = grace.confirm(
        await grace.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members))
    )
    faults = sandbox.faults[Provider.WASEND]
    faults.error_rate, faults.error_status, faults.match = 1.0, 400, "/participants"
    faults.error_message = "Group is syncing."
    sent = len(removals(sandbox))
    job = await grace.runs.run(later)
    assert job.state is JobState.PAUSED and job.note.startswith("Paused: ")
    assert "Group is syncing." in job.note
    assert len(removals(sandbox)) == sent, "nothing of the batch was sent"
    due = grace.journal.items(later.job_id, [PENDING])
    assert sorted(i.member.id for i in due) == sorted(m.id for m in members)
    # WhatsApp's batches are of one: the first member's story says why it is due again
    first = grace.journal.story(later.job_id, members[0].id)
    assert [step.state for step in first] == [PENDING, "sending", PENDING]
    assert first[-1].message == f"not sent: {job.note.removeprefix('Paused: ')}"
    faults.error_rate = 0
    job = await grace.runs.run(grace.confirm(await grace.propose_resume(later.job_id)))
    assert job.counts == {Outcome.REMOVED.value: 1, Outcome.ALREADY_ABSENT.value: 2}
    assert len(removals(sandbox)) == sent + 1
    await ada.aclose()
    await grace.aclose()
