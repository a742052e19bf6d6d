"""A plan as the journal writes it: a dry run keeps its counts and its plan's digest, never
its members, so a dry run of a million costs the journal a few hundred bytes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from providers.journal import Journal
from providers.journal.records import JobState
from providers.journal.writes import details
from providers.models import Member, Outcome
from tests.helpers.journal import engine_for, planned, tamper

PEOPLE = [Member(id=str(n), name=f"Person {n}", address=f"+4477009{n:05}") for n in range(2_000)]
OWNER = Member(id="owner", name="The Owner", address="+447700800000")


def _dry_run(journal: Journal, members: list[Member]) -> str:
    protected = [(OWNER, "the group's owner")]
    return planned(journal, members, protected=protected, dry_run=True)


def _planned(journal_at: Path | str, job_id: str) -> dict[str, object]:
    from sqlalchemy import text

    engine = engine_for(journal_at)
    with engine.connect() as conn:
        body = conn.execute(
            text("SELECT body FROM chain WHERE job_id = :job AND kind = 'planned'"), {"job": job_id}
        ).scalar_one()
        kept = conn.execute(text("SELECT count(*) FROM items")).scalar_one()
        keys = conn.execute(text("SELECT count(*) FROM people")).scalar_one()
    engine.dispose()
    return {"body": body, "items": kept, "keys": keys}


def test_a_dry_run_keeps_its_counts_and_digest_not_its_members(journal_at: Path | str) -> None:
    journal = Journal(journal_at)
    job_id = _dry_run(journal, PEOPLE)
    job = journal.job(job_id)
    assert job.state is JobState.FINISHED and job.dry_run
    assert job.counts == {Outcome.WOULD_REMOVE.value: 2_000, Outcome.PROTECTED.value: 1}
    assert journal.items(job_id) == []
    kept = _planned(journal_at, job_id)
    assert kept["items"] == 0 and kept["keys"] == 0, "no member, no person's key"
    body = str(kept["body"])
    assert len(body) < 1_000 and "Person" not in body and "+44770" not in body
    lines = [details(m) for m in PEOPLE] + [f"{details(OWNER)} the group's owner"]
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    assert json.loads(body)["dry"]["plan"] == digest, "the same list in order makes it again"
    assert digest[:12] in job.note and "nothing was sent" in job.note
    assert journal.verify().whole


def test_another_order_is_another_plan(journal: Journal) -> None:
    first, turned = _dry_run(journal, PEOPLE), _dry_run(journal, PEOPLE[::-1])
    assert journal.job(first).note != journal.job(turned).note


def test_a_dry_runs_counts_changed_behind_its_back_are_named(journal_at: Path | str) -> None:
    journal = Journal(journal_at)
    job_id = _dry_run(journal, PEOPLE[:3])
    counted = r"""replace(body, '"would-remove"\:3', '"would-remove"\:1')"""
    tamper(journal_at, f"UPDATE chain SET body = {counted} WHERE job_id = '{job_id}'")
    assert journal.job(job_id).counts[Outcome.WOULD_REMOVE.value] == 1
    assert not journal.verify().whole
