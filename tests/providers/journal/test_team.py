"""A team on one journal, on SQLite and on PostgreSQL: each `Journal` here stands for another
person's process (its own connections), and a runner row for another process is written as
that process would write it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from providers.errors import ConfigurationError
from providers.journal import Journal
from providers.journal.claims import Budget, OverBudget
from providers.journal.paces import UNDER_WAY_LOOK
from providers.journal.records import ANOTHER_JOB, SENDING
from providers.journal.runners import HEARTBEAT_STALE_SECONDS, JobBusy
from providers.models import (
    Container,
    ContainerKind,
    Member,
    MemberOutcome,
    Outcome,
    Provider,
)
from tests.helpers import journal as journal_helpers
from tests.helpers.journal import another_process, tamper

GROUP = Container(id="sess/choir@g.us", name="Choir", kind=ContainerKind.GROUP)
OTHER = Container(id="sess/runners@g.us", name="Runners", kind=ContainerKind.GROUP)
PEOPLE = [Member(id=f"{n}@c.us", name=f"Person {n}") for n in range(1, 7)]


def planned(journal: Journal, members: list[Member], container: Container = GROUP) -> str:
    return journal_helpers.planned(
        journal, members, account="phones", provider=Provider.WASEND, container=container
    )


def removed(journal: Journal, job_id: str, members: list[Member]) -> None:
    journal.record(
        job_id, [MemberOutcome(member_id=m.id, outcome=Outcome.REMOVED) for m in members]
    )


def a_dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)


def test_a_member_another_job_is_sending_is_not_sent_again(journal_at: Path | str) -> None:
    mine, theirs = Journal(journal_at), Journal(journal_at)
    first = planned(theirs, PEOPLE[:4])
    second = planned(mine, PEOPLE[2:])  # both planned before either ran
    theirs.mark_sending(first, [m.id for m in PEOPLE[:4]], 0)

    marking = mine.mark_sending(second, [m.id for m in PEOPLE[2:]], 0)
    assert marking.sending == [PEOPLE[4].id, PEOPLE[5].id]
    said = {o.member_id: o.message for o in marking.elsewhere}
    assert set(said) == {PEOPLE[2].id, PEOPLE[3].id}
    assert said[PEOPLE[2].id].startswith(f"Already being removed by job {first} (")
    items = {i.member.id: i for i in mine.items(second)}
    assert items[PEOPLE[2].id].state == Outcome.ALREADY_ABSENT.value
    assert items[PEOPLE[2].id].code == ANOTHER_JOB
    assert items[PEOPLE[4].id].state == SENDING
    assert mine.verify().whole


def test_removed_after_this_plan_is_settled_and_before_it_is_read_first(
    journal_at: Path | str,
) -> None:
    journal = Journal(journal_at)
    early = planned(journal, PEOPLE[:2])
    journal.mark_sending(early, [PEOPLE[0].id], 0)
    removed(journal, early, PEOPLE[:1])  # before the next plan: they may have come back
    later = planned(journal, PEOPLE[:3])
    journal.mark_sending(early, [PEOPLE[1].id], 1)
    removed(journal, early, PEOPLE[1:2])  # after it: surely gone

    marking = journal.mark_sending(later, [m.id for m in PEOPLE[:3]], 0)
    assert marking.sending == [PEOPLE[0].id, PEOPLE[2].id]
    assert marking.read_first == {PEOPLE[0].id: marking.read_first[PEOPLE[0].id]}
    assert marking.read_first[PEOPLE[0].id].startswith(f"job {early}")
    (other,) = marking.elsewhere
    assert other.member_id == PEOPLE[1].id
    assert other.message.startswith(f"Already removed by job {early}")


def test_one_budget_a_number_for_everyone(journal_at: Path | str) -> None:
    mine, theirs = Journal(journal_at), Journal(journal_at)
    budget = Budget("sess/", 3)
    first, second = planned(theirs, PEOPLE[:2]), planned(mine, PEOPLE[2:5], OTHER)
    theirs.mark_sending(first, [m.id for m in PEOPLE[:2]], 0, budget)
    mine.mark_sending(second, [PEOPLE[2].id], 0, budget)
    with pytest.raises(OverBudget) as spent:
        mine.mark_sending(second, [PEOPLE[3].id], 1, budget)
    assert spent.value.used == 3
    assert mine.items(second, [SENDING]) == mine.items(second)[:1]  # nothing more marked
    assert mine.sent_today(Provider.WASEND, "sess/") == 3
    assert mine.sent_today(Provider.WASEND, "other/") == 0


def test_a_member_settled_by_another_job_does_not_count_twice(journal_at: Path | str) -> None:
    journal = Journal(journal_at)
    first, second = planned(journal, PEOPLE[:1]), planned(journal, PEOPLE[:1])
    journal.mark_sending(first, [PEOPLE[0].id], 0)
    assert journal.mark_sending(second, [PEOPLE[0].id], 0).elsewhere
    assert journal.sent_today(Provider.WASEND, "sess/") == 1


def test_a_second_job_on_a_place_is_refused_naming_who_runs_the_first(
    journal_at: Path | str,
) -> None:
    journal = Journal(journal_at)
    theirs, mine = planned(journal, PEOPLE[:2]), planned(journal, PEOPLE[2:])
    another_process(journal_at, theirs, os.getppid(), socket.gethostname(), age=1)
    runner = journal.running_on(Provider.WASEND, GROUP.id)
    assert runner is not None and runner.job_id == theirs and runner.pid == os.getppid()
    with pytest.raises(JobBusy) as busy:
        journal.claim(mine)
    assert f"job {theirs}, run by" in busy.value.message
    assert f"on {socket.gethostname()} (process {os.getppid()}) since 2030-01-02" in (
        busy.value.message
    )
    elsewhere = planned(journal, PEOPLE[2:], OTHER)
    journal.claim(elsewhere)  # another place is free
    journal.release(elsewhere)


@pytest.mark.parametrize(
    ("host", "age"),
    [("this", 1.0), ("far-away", HEARTBEAT_STALE_SECONDS + 1)],
    ids=["dead-process-here", "stale-heartbeat-elsewhere"],
)
def test_a_runner_that_is_gone_is_taken_over_and_then_sends_nothing(
    journal_at: Path | str, host: str, age: float
) -> None:
    journal = Journal(journal_at)
    job = planned(journal, PEOPLE[:2])
    here = socket.gethostname() if host == "this" else host
    another_process(journal_at, job, a_dead_pid(), here, age)
    assert journal.running_on(Provider.WASEND, GROUP.id) is None
    journal.claim(job)
    journal.mark_sending(job, [PEOPLE[0].id], 0)
    # Its machine wakes up: the first runner's row is gone, ours stands; the check before
    # each batch stops a runner whose row is not its own.
    tamper(journal_at, "UPDATE runners SET pid = 1, host = 'elsewhere'")
    with pytest.raises(JobBusy, match="was taken over by process 1 on elsewhere"):
        journal.mark_sending(job, [PEOPLE[1].id], 1)
    assert not journal.beat(job)


def test_a_running_job_elsewhere_holds_its_place_while_its_heartbeat_is_fresh(
    journal_at: Path | str,
) -> None:
    journal = Journal(journal_at)
    job = planned(journal, PEOPLE[:2])
    another_process(journal_at, job, 4242, "far-away", age=HEARTBEAT_STALE_SECONDS / 2)
    with pytest.raises(JobBusy, match="is being run by process 4242 on far-away"):
        journal.claim(job)


def test_turns_on_a_number_are_one_at_a_time_across_processes(journal_at: Path | str) -> None:
    mine = Journal(journal_at).turns(Provider.WASEND)
    theirs = Journal(journal_at).turns(Provider.WASEND)
    assert mine.take("sess/", longest=30) == 0
    # under way: asked again soon (it usually ends in a moment), not at its longest
    assert 0 < theirs.take("sess/", longest=30) <= UNDER_WAY_LOOK
    assert theirs.take("other/", longest=30) == 0  # another number is free
    mine.done("sess/", gap=5)
    assert 4 < theirs.take("sess/", longest=30) <= 5
    theirs.done("sess/", gap=99)  # not its turn: changes nothing
    assert 4 < mine.take("sess/", longest=30) <= 5


def test_a_journal_copied_into_another_keeps_its_history_once(
    journal_at: Path | str, tmp_path: Path
) -> None:
    person = Journal(tmp_path / "mine.sqlite3")
    person.operator = lambda: "ada from 10.0.0.7"
    job = planned(person, PEOPLE[:3])
    person.mark_sending(job, [m.id for m in PEOPLE[:3]], 0)
    removed(person, job, PEOPLE[:3])
    source_head = person.head()
    team = Journal(journal_at)
    theirs = planned(team, PEOPLE[3:])

    copied = team.copy_from(person)
    assert (copied.jobs, copied.members, copied.events) == (1, 3, 3)
    assert copied.source_head == tuple(source_head)
    assert team.verify().whole, team.verify().breaks
    mine = team.job(job)
    assert mine.operator == "ada from 10.0.0.7" and mine.created_at == person.job(job).created_at
    assert mine.counts == {Outcome.REMOVED.value: 3}
    assert {j.id for j in team.jobs()} == {job, theirs}
    with pytest.raises(ConfigurationError, match=r"was copied into .* already"):
        team.copy_from(person)
    assert len(team.jobs()) == 2


def test_a_copied_segment_rewritten_whole_is_caught(tmp_path: Path) -> None:
    """Every hash of the team's chain recomputed after a copied event was changed: the walk
    holds, but the segment no longer ends at the head it was copied with."""
    from providers.journal.hashing import GENESIS, event_hash

    person = Journal(tmp_path / "mine.sqlite3")
    job = planned(person, PEOPLE[:1])
    person.set_state(job, person.job(job).state, "first")
    team_at = tmp_path / "team.sqlite3"
    team = Journal(team_at)
    team.copy_from(person)
    import sqlite3

    with sqlite3.connect(team_at) as db:
        rows = db.execute("SELECT seq, job_id, at, kind, body FROM chain ORDER BY seq").fetchall()
        previous = GENESIS
        for seq, job_id, at, kind, body in rows:
            if kind == "state":
                body = body.replace('"first"', '"forged"')
            previous = event_hash(previous, seq, job_id, at, kind, body)
            db.execute("UPDATE chain SET body = ?, hash = ? WHERE seq = ?", (body, previous, seq))
        db.execute("UPDATE head SET hash = ?", (previous,))
        db.execute("UPDATE jobs SET note = 'forged'")
    (team_at.parent / "team.sqlite3.head").unlink()
    breaks = Journal(team_at).verify().breaks
    (said,) = breaks
    assert said.startswith(
        f"the events copied from {tmp_path / 'mine.sqlite3'} after event 1 are not the chain "
        "that journal had (it ended at event 2, "
    ), said


def test_status_names_the_journal_its_people_and_hosts(journal_at: Path | str) -> None:
    journal = Journal(journal_at)
    journal.operator, journal.host = (lambda: "ada"), (lambda: "desk-1")
    planned(journal, PEOPLE[:1])
    journal.operator, journal.host = (lambda: "grace"), (lambda: "desk-2")
    planned(journal, PEOPLE[1:2])
    planned(journal, PEOPLE[2:3])
    facts = journal.status()
    assert facts.kind == ("SQLite file" if isinstance(journal_at, Path) else "PostgreSQL")
    assert facts.size > 0 and facts.jobs == 3
    assert [(p.operator, p.host, p.jobs) for p in facts.people] == [
        ("grace", "desk-2", 2),
        ("ada", "desk-1", 1),
    ]


def test_who_removed_a_member_from_a_place_is_found_for_everyone(
    journal_at: Path | str,
) -> None:
    theirs = Journal(journal_at)
    theirs.operator = lambda: "grace"
    job = planned(theirs, PEOPLE[:2])
    theirs.mark_sending(job, [PEOPLE[0].id], 0)
    removed(theirs, job, PEOPLE[:1])
    asked = [(GROUP.id, PEOPLE[0].id), (GROUP.id, PEOPLE[1].id), (OTHER.id, PEOPLE[0].id)]
    found = Journal(journal_at).removals(Provider.WASEND, asked)
    assert list(found) == [(GROUP.id, PEOPLE[0].id)]
    assert found[(GROUP.id, PEOPLE[0].id)].startswith(f"already removed by job {job} (grace on ")
    # sent, its answer not yet journaled: on its way out, by that job
    theirs.mark_sending(job, [PEOPLE[1].id], 1)
    found = Journal(journal_at).removals(Provider.WASEND, asked)
    assert found[(GROUP.id, PEOPLE[1].id)].startswith(f"being removed by job {job} (grace on ")


def test_writers_on_one_machine_share_the_head_file_without_taking_each_others(
    tmp_path: Path,
) -> None:
    """Two processes of one person on one PostgreSQL journal write one head file."""
    from concurrent.futures import ThreadPoolExecutor

    from providers.journal.chain import Anchor, Head

    anchor = Anchor(tmp_path / "journal-db.head")

    def write(writer: int) -> None:
        for seq in range(300):
            anchor.write(Head(seq, f"{writer:064d}"))

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(write, range(4)))
    assert anchor.read() is not None
    assert [p.name for p in tmp_path.iterdir()] == ["journal-db.head"]


def test_two_writers_marking_at_once_never_both_claim_a_member(journal_at: Path | str) -> None:
    """Two processes' jobs, planned before either ran, mark the same members at the same
    moments: each member is claimed by exactly one of them."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    people = [Member(id=f"{n}@c.us") for n in range(60)]
    journals = [Journal(journal_at), Journal(journal_at)]
    jobs = [planned(journal, people) for journal in journals]
    together = Barrier(2)

    def mark(writer: int) -> None:
        together.wait()
        for number, start in enumerate(range(0, len(people), 5)):
            batch = [m.id for m in people[start : start + 5]]
            journals[writer].mark_sending(jobs[writer], batch, number)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(mark, range(2)))
    claimed = [
        {i.member.id for i in journal.items(job, [SENDING])}
        for journal, job in zip(journals, jobs, strict=True)
    ]
    assert not claimed[0] & claimed[1]
    assert claimed[0] | claimed[1] == {m.id for m in people}
