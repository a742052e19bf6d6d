"""`rosterdeck journal status` and `journal migrate`: which journal is in use and who wrote
it; a person's history copied into the team's database once, saying what was copied, then
listed among everyone's jobs with who ran each and from which host."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from providers.journal import Journal
from providers.models import Container, ContainerKind, Member, Operation, Provider
from tests.helpers import run

GROUP = Container(id="sess/choir@g.us", name="Choir", kind=ContainerKind.GROUP)


def own_journal() -> Journal:
    journal = Journal(Path(os.environ["ROSTERDECK_HOME"]) / "journal.sqlite3")
    journal.operator, journal.host = (lambda: "ada from 10.0.0.7"), (lambda: "desk-1")
    for n in range(2):
        journal.create(
            account="phones",
            provider=Provider.WASEND,
            container=GROUP,
            operation=Operation.REMOVE_FROM_CONTAINER,
            members=[Member(id=f"{n}@c.us")],
        )
    return journal


def test_status_of_ones_own_journal(capsys: pytest.CaptureFixture[str]) -> None:
    own_journal()
    code, out, _ = run(capsys, "journal", "status")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"Journal: SQLite file {os.environ['ROSTERDECK_HOME']}/journal.sqlite3"
    assert lines[1].startswith("Size: ") and lines[1].endswith(", 2 jobs")
    assert lines[2].startswith("Chain: ✓ whole, 2 events")
    assert lines[4].startswith("  ada from 10.0.0.7 on desk-1: 2 jobs, last ")


def test_a_history_copied_to_the_team_once(
    capsys: pytest.CaptureFixture[str], postgresql_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    own_journal()
    code, out, err = run(capsys, "journal", "migrate", "--to", postgresql_url)
    assert code == 0, err
    assert out.startswith(
        f"Copied 2 jobs (0 of them everywhere jobs), 2 members and 2 events from "
        f"{os.environ['ROSTERDECK_HOME']}/journal.sqlite3 into {postgresql_url}, as one segment"
    )
    code, _, err = run(capsys, "journal", "migrate", "--to", postgresql_url)
    assert code == 1 and "was copied into" in err and "nothing was copied again" in err

    monkeypatch.setenv("ROSTERDECK_JOURNAL", postgresql_url)
    code, out, _ = run(capsys, "journal", "status")
    assert code == 0
    assert out.startswith(f"Journal: PostgreSQL {postgresql_url}\n")
    assert "Chain: ✓ whole, 3 events" in out
    assert "  ada from 10.0.0.7 on desk-1: 2 jobs" in out
    code, out, _ = run(capsys, "jobs")
    assert code == 0 and out.count("  ada from 10.0.0.7 on desk-1  phones  ") == 2


def test_an_unreachable_team_database_is_one_sentence_naming_its_host(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROSTERDECK_JOURNAL", "postgresql://ada@127.0.0.1:9/team")
    monkeypatch.setenv("ROSTERDECK_JOURNAL_PASSWORD", "s3cret")
    code, out, err = run(capsys, "journal", "status")
    assert code == 1 and not out
    assert err.startswith("rosterdeck: The journal postgresql://ada@127.0.0.1:9/team cannot be")
    assert err.count("\n") == 1 and "s3cret" not in err
