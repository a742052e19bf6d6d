"""A team on one PostgreSQL journal: people in processes of their own, with homes of their
own, against the sandbox on a loopback port, which records every write as it arrives. Each
member is sent once, one WhatsApp number keeps one pace and one budget, a killed runner's job
is taken over, and a journal that goes away mid-job pauses it with nothing sent twice."""

from __future__ import annotations

import getpass
import re
import signal
from pathlib import Path

from providers.journal import Journal
from providers.journal.records import ANOTHER_JOB, JobState
from providers.models import Outcome, Provider
from providers.sandbox.apis import Sandbox
from tests.helpers.postgres import Server, create_database
from tests.helpers.team import person, plain_members, recorded

SESSION = "sess_front_desk"


def removed_lines(process: object, count: int) -> None:
    """Read the process's output until `count` members were removed."""
    settled = 0
    for line in process.stdout:  # type: ignore[attr-defined]
        settled += line.startswith("✓ removed")
        if settled >= count:
            return
    raise AssertionError("the job ended before it removed enough")


def test_two_people_on_one_group_send_each_member_once(
    tmp_path: Path, sandbox: Sandbox, postgresql_url: str
) -> None:
    sandbox.faults[Provider.WASEND].latency = 0.02
    with recorded(sandbox) as (origin, recorder):
        pace = {"seconds_between_writes": 0.05, "write_jitter": 0.0}
        ada = person(tmp_path, "ada", postgresql_url, sandbox, origin, **pace)
        grace = person(tmp_path, "grace", postgresql_url, sandbox, origin, **pace)
        container, members = plain_members(sandbox, SESSION, "Harbour Runners", 30)
        people = {"ada": (ada, members[:20]), "grace": (grace, members[10:])}
        started = {
            name: who.start("remove", "wa", container, *wanted, "--yes")
            for name, (who, wanted) in people.items()
        }
        ended = {name: (p.communicate(timeout=120), p.returncode) for name, p in started.items()}
        (winner,) = [name for name, (_, code) in ended.items() if code == 0]
        (loser,) = [name for name in people if name != winner]
        said = ended[loser][0][1]
        journal = Journal(postgresql_url)
        (first,) = [job for job in journal.jobs() if job.state is JobState.FINISHED]
        by = f"{getpass.getuser()} from 10.0.0."
        if "matched nobody" in said:
            # the winner's first removals landed before the loser read the group: what it
            # named is gone (journaled, or landed with its answer on the way), and nothing
            # was planned, let alone sent
            assert "Nothing was sent" in said and not journal.unfinished(), said
            assert re.search(rf"\((already|being) removed by job {first.id} \({by}", said), said
        else:
            assert f"has a job running: job {first.id}, run by {by}" in said, said
            assert f"(process {started[winner].pid}) since" in said

        # Refused when its job began to run (both were planned before either ran): resumed,
        # the members the first took are settled as its. Refused up front: planned again,
        # the provider says they are gone.
        who, wanted = people[loser]
        planned = journal.unfinished()
        if planned:
            code, out, err = who.run("resume", planned[0].id, "--yes")
        else:
            code, out, err = who.run("remove", "wa", container, *wanted, "--ignore-absent", "--yes")
        assert code == 0, (out, err)

    assert recorder.sent("participants") == dict.fromkeys(members, 1)
    second = next(job for job in journal.jobs() if job.id != first.id)
    assert second.counts[Outcome.REMOVED.value] == 10
    if planned:
        assert second.counts[Outcome.ALREADY_ABSENT.value] == 10
        taken = journal.items(second.id, [Outcome.ALREADY_ABSENT.value])
        assert {i.code for i in taken} == {ANOTHER_JOB}
        assert all(f"job {first.id} ({by}" in i.message for i in taken)


def test_two_jobs_on_one_number_keep_one_pace_and_one_budget(
    tmp_path: Path, sandbox: Sandbox, postgresql_url: str
) -> None:
    floor = 0.3
    pace = {"seconds_between_writes": floor, "write_jitter": 0.2, "daily_budget": 8}
    with recorded(sandbox) as (origin, recorder):
        ada = person(tmp_path, "ada", postgresql_url, sandbox, origin, **pace)
        grace = person(tmp_path, "grace", postgresql_url, sandbox, origin, **pace)
        runners, runners_members = plain_members(sandbox, SESSION, "Harbour Runners", 6)
        books, books_members = plain_members(sandbox, SESSION, "Book Club Thursdays", 6)
        jobs = [
            ada.start("remove", "wa", runners, *runners_members, "--yes"),
            grace.start("remove", "wa", books, *books_members, "--yes"),
        ]
        for job in jobs:
            job.communicate(timeout=120)

    sent = recorder.sent("participants")
    assert sum(sent.values()) == 8 and set(sent.values()) == {1}
    assert min(recorder.gaps("participants")) >= floor, recorder.gaps("participants")
    journal = Journal(postgresql_url)
    states = {job.state for job in journal.jobs()}
    assert JobState.PAUSED in states
    paused = next(job for job in journal.jobs() if job.state is JobState.PAUSED)
    assert "today's budget of 8" in paused.note
    assert sum(job.counts.get(Outcome.REMOVED.value, 0) for job in journal.jobs()) == 8


def test_a_killed_runner_is_taken_over_by_someone_else(
    tmp_path: Path, sandbox: Sandbox, postgresql_url: str
) -> None:
    pace = {"seconds_between_writes": 0.1, "write_jitter": 0.0, "timeout": 3}
    with recorded(sandbox) as (origin, recorder):
        ada = person(tmp_path, "ada", postgresql_url, sandbox, origin, **pace)
        grace = person(tmp_path, "grace", postgresql_url, sandbox, origin, **pace)
        container, members = plain_members(sandbox, SESSION, "Harbour Runners", 20)
        first = ada.start("remove", "wa", container, *members, "--yes")
        removed_lines(first, 3)
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=30)
        journal = Journal(postgresql_url)
        (job,) = journal.unfinished()
        assert job.state is JobState.INTERRUPTED

        code, out, err = grace.run("resume", job.id, "--yes")
        assert code == 0, (out, err)

    assert recorder.sent("participants") == dict.fromkeys(members, 1)
    assert journal.job(job.id).counts == {Outcome.REMOVED.value: 20}


def test_the_journal_gone_mid_job_pauses_it_and_a_resume_sends_nothing_twice(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    server = Server()
    server.start()
    try:
        url = create_database(server.url, "team")
        pace = {"seconds_between_writes": 0.2, "write_jitter": 0.0, "timeout": 3}
        with recorded(sandbox) as (origin, recorder):
            ada = person(tmp_path, "ada", url, sandbox, origin, **pace)
            container, members = plain_members(sandbox, SESSION, "Harbour Runners", 20)
            first = ada.start("remove", "wa", container, *members, "--yes")
            removed_lines(first, 3)
            server.stop()
            at_stop = len(recorder.writes)
            out, err = first.communicate(timeout=60)
            assert first.returncode == 1, (out, err)
            assert f"The journal {url} cannot be reached" in err
            assert "nothing more was sent; resume it once the journal is back" in err
            assert len(recorder.writes) <= at_stop + 1  # only the one already under way

            server.start()
            (job,) = Journal(url).unfinished()
            code, out, err = ada.run("resume", job.id, "--yes")
            assert code == 0, (out, err)
        assert recorder.sent("participants") == dict.fromkeys(members, 1)
        assert Journal(url).job(job.id).counts == {Outcome.REMOVED.value: 20}
        assert Journal(url).verify().whole
    finally:
        server.stop()
        server.remove()
