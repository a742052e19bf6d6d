"""The journal's hash chain: a real job verifies whole, on SQLite and on PostgreSQL; an edit,
a deletion or an inserted row is found and said where (more in test_journal_proof)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from providers.accounts.store import AccountStore
from providers.jobs.receipts import receipt, receipt_head
from providers.journal import Journal
from providers.journal.chain import Head
from providers.journal.hashing import GENESIS
from providers.journal.records import JobState
from providers.models import (
    Member,
    MemberOutcome,
    Operation,
    Outcome,
    Provider,
)
from tests.helpers import run
from tests.helpers.journal import GROUP, PEOPLE, finished_job, tampered


def test_a_job_records_why_and_who_and_verifies_whole(journal_at: Path | str) -> None:
    journal = Journal(journal_at)
    job = journal.job(finished_job(journal))
    assert job.reason == "TICKET-42 unsubscribe" and job.operator and job.host and job.version
    verdict = journal.verify()
    assert (
        verdict.whole and verdict.jobs == 1 and verdict.events == 4
    )  # planned, sending, recorded, finished


@pytest.mark.parametrize(
    ("statement", "said"),
    [
        ("UPDATE items SET state = 'removed' WHERE member_id = '3'", "reads 'removed'"),
        ("UPDATE chain SET body = replace(body, 'TICKET-42', 'TICKET-9')", "was changed"),
        ("DELETE FROM chain WHERE seq = 2", "event 2 is missing (deleted)"),
        ("UPDATE jobs SET reason = 'nothing to see'", "its reason reads 'nothing to see'"),
        (
            "INSERT INTO items (job_id, seq, member_id, member, state, updated_at) "
            "SELECT id, 9, '9', '{\"id\": \"9\"}', 'removed', '2026-01-01' FROM jobs",
            "member 9 has no history (inserted)",
        ),
    ],
)
def test_a_change_outside_rosterdeck_is_found(
    journal_at: Path | str, statement: str, said: str
) -> None:
    tampered(journal_at, statement)
    verdict = Journal(journal_at).verify()
    assert not verdict.whole
    assert any(said in place for place in verdict.breaks), verdict.breaks


def test_jobs_verify_in_the_shell(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--demo", "jobs", "verify")
    assert code == 0 and "The journal is whole" in out


def test_the_shell_keeps_the_reason_and_an_account_can_require_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ("--demo", "remove", "sandbox-wasend", "Choir", "+447700900062", "--yes")
    code, _, err = run(capsys, *args, "--reason", "TICKET-7   unsubscribe")
    assert code == 0, err
    code, out, _ = run(capsys, "--demo", "jobs", "--json")
    (job,) = json.loads(out)
    assert job["reason"] == "TICKET-7 unsubscribe" and job["operator"] and job["version"]

    run(capsys, "accounts", "add", "strict", "--provider", "rasl", "--no-verify", stdin="t\n")
    AccountStore().set_options("strict", {"require_reason": True})
    code, _, err = run(capsys, "remove", "strict", "group:1", "42", "--yes")
    assert code != 0 and "strict asks why for every job" in err and "--reason" in err
    assert "Nothing was sent" in err


def test_a_receipt_says_what_was_done_what_was_not_and_what_is_still_held(
    journal_at: Path | str,
) -> None:
    journal = Journal(journal_at)
    job_id = journal.create(
        account="acme",
        provider=Provider.RASL,
        container=GROUP,
        operation=Operation.REMOVE_FROM_CONTAINER,
        members=PEOPLE[:2],
        protected=[(Member(id="9", name="The Owner"), "group owner")],
        reason="TICKET-42 unsubscribe",
    )
    journal.record(
        job_id,
        [
            MemberOutcome(member_id="1", outcome=Outcome.REMOVED),
            MemberOutcome(member_id="2", outcome=Outcome.FAILED, code="403", message="no access"),
        ],
    )
    journal.set_state(job_id, JobState.FINISHED)
    text = receipt(journal, job_id)
    assert "**why**: TICKET-42 unsubscribe" in text and "**by**: " in text
    assert "## Done (1)" in text and "Person 1: ✓ removed" in text
    assert "Person 2: ✗ failed: 403: no access" in text
    assert "The Owner: ⊘ protected: group owner" in text
    assert "stay in the RASL contact book" in text
    rows = receipt(journal, job_id, "csv").splitlines()
    assert rows[0].startswith("job,member_id,name,address,outcome") and len(rows) == 4
    assert json.loads(receipt(journal, job_id, "json"))["facts"]["why"] == "TICKET-42 unsubscribe"
    head = journal.head()
    for form in ("md", "json", "csv"):
        assert receipt_head(receipt(journal, job_id, form)) == head


def test_a_head_is_held_while_the_chain_still_has_that_event(tmp_path: Path) -> None:
    """What a receipt's head is checked against: the start is held by any journal, an event
    only with its own hash."""
    journal = Journal(tmp_path / "journal.sqlite3")
    assert journal.holds(Head(0, GENESIS)) and not journal.holds(Head(0, "f" * 64))
    finished_job(journal)
    head = journal.head()
    assert head.seq > 0 and journal.holds(head)
    assert not journal.holds(Head(head.seq, GENESIS))
    assert not journal.holds(Head(head.seq + 1, head.hash))


def test_an_event_of_no_steps_names_no_range(journal_at: Path | str) -> None:
    """`jobs verify` replays each event's range of steps: none written, none named."""
    journal = Journal(journal_at)
    job_id = finished_job(journal)
    with journal._chain.writing("2026-12-03T07:00:00Z") as writing:
        assert writing.steps(job_id, [])["steps"] == []
    assert journal.verify().whole
