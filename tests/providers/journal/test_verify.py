"""What `jobs verify` proves, on SQLite and on PostgreSQL: every edit, deletion, insertion or
reorder of a table a receipt or a resume reads is named; a journal cut short, emptied or
rewritten whole is caught by the head file beside it, or by a receipt."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from providers.jobs.receipts import export, receipt
from providers.journal import Journal
from providers.journal.hashing import GENESIS, mac, member_text, step_hash
from providers.journal.records import NewJob
from providers.models import Operation, Provider
from tests.helpers import run
from tests.helpers.journal import (
    GROUP,
    PEOPLE,
    engine_for,
    finished_job,
    planned,
    tamper,
    tampered,
)

NOTE = "2 removed, 1 failed"


@pytest.mark.parametrize(
    ("statements", "said"),
    [
        (["DELETE FROM items WHERE member_id = '2'"], "member #2's row was deleted"),
        (["UPDATE items SET code = '200' WHERE member_id = '3'"], "member 3's code reads '200'"),
        (["UPDATE items SET message = 'ok' WHERE member_id = '3'"], "member 3's message reads"),
        (
            ["UPDATE items SET member = replace(member, 'Person 1', 'Pat') WHERE member_id = '1'"],
            "member 1's id, name or address was changed",
        ),
        (["UPDATE steps SET message = 'x' WHERE seq = 2"], "step 2 was changed"),
        (["UPDATE steps SET state = 'removed' WHERE seq = 6"], "step 6 was changed"),
        (["DELETE FROM steps WHERE seq = 2"], "step 2 was deleted"),
        (["DELETE FROM steps WHERE seq = 6"], "step 6 was deleted"),
        (
            [
                "UPDATE steps SET seq = 100 WHERE seq = 4",
                "UPDATE steps SET seq = 4 WHERE seq = 5",
                "UPDATE steps SET seq = 5 WHERE seq = 100",
            ],
            "step 4 was changed",
        ),
        (
            ["UPDATE jobs SET note = 'all fine'"],
            f"its note reads 'all fine', its history says '{NOTE}'",
        ),
        (["DELETE FROM people WHERE seq = 0"], "member 1's key is gone"),
    ],
    ids=[
        "row deleted",
        "code",
        "message",
        "name",
        "step edited",
        "last step edited",
        "step deleted",
        "last step deleted",
        "steps swapped",
        "note",
        "key deleted",
    ],
)
def test_each_change_is_named(journal_at: Path | str, statements: list[str], said: str) -> None:
    job_id = tampered(journal_at, *statements)
    breaks = Journal(journal_at).verify().breaks
    assert any(b.startswith(f"job {job_id}: ") and said in b for b in breaks), breaks


def _rehash(where: Path | str, *statements: str, start: int = 1) -> None:
    """A careful hand: the statements, then every step hash from step `start` recomputed."""
    from sqlalchemy import text

    engine = engine_for(where)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
        rows = conn.execute(text("SELECT seq, hash FROM steps ORDER BY seq")).all()
        previous = next((h for seq, h in reversed(rows) if seq < start), GENESIS)
        query = "SELECT seq, item, at, state, code, message, batch FROM steps ORDER BY seq"
        for seq, *fields in conn.execute(text(query)).all():
            if seq >= start:
                previous = step_hash(previous, seq, *fields)
                conn.execute(
                    text("UPDATE steps SET hash = :h WHERE seq = :s"), {"h": previous, "s": seq}
                )
    engine.dispose()


def test_steps_rewritten_with_their_hashes_recomputed_are_named(journal_at: Path | str) -> None:
    """A careful hand edits a step and recomputes every step hash after it: the event that
    wrote those steps still names the old last hash."""
    journal = Journal(journal_at)
    job_id = finished_job(journal)
    journal.close()
    _rehash(
        journal_at,
        "UPDATE steps SET code = '', state = 'removed' WHERE seq = 6",
        "UPDATE items SET state = 'removed', code = '' WHERE member_id = '3'",
    )
    breaks = Journal(journal_at).verify().breaks
    assert breaks == [
        f"job {job_id}: steps 4 to 6 were rewritten (event 3 no longer matches them)"
    ], breaks


def test_a_first_run_rewritten_with_its_hashes_recomputed_is_named(
    journal_at: Path | str,
) -> None:
    """The first run's steps too: a rewrite from step 1 breaks both runs' last hashes."""
    journal = Journal(journal_at)
    job_id = finished_job(journal)
    journal.close()
    _rehash(journal_at, "UPDATE steps SET message = 'x' WHERE seq = 2")
    assert Journal(journal_at).verify().breaks == [
        f"job {job_id}: steps 1 to 3 were rewritten (event 2 no longer matches them)",
        f"job {job_id}: steps 4 to 6 were rewritten (event 3 no longer matches them)",
    ]


def test_a_member_inserted_before_the_others_is_named_and_the_others_still_checked(
    journal_at: Path | str,
) -> None:
    journal = Journal(journal_at)
    job_id = finished_job(journal)
    columns = "job_id, member, state, code, message, batch, updated_at, mac"
    tamper(
        journal_at,
        f"INSERT INTO items (seq, member_id, {columns}) SELECT -1, 'x', {columns} FROM items "
        f"WHERE job_id = '{job_id}' AND seq = 0",
    )
    assert journal.verify().breaks == [f"job {job_id}: member x has no history (inserted)"]


def test_an_event_moved_to_a_job_never_planned_is_named(journal_at: Path | str) -> None:
    journal = Journal(journal_at)
    finished_job(journal)
    journal.close()
    tamper(journal_at, "UPDATE chain SET job_id = 'ghost' WHERE seq = 4")
    breaks = Journal(journal_at).verify().breaks
    assert "event 4 changes job ghost, which was never planned" in breaks, breaks


@pytest.mark.parametrize(
    ("statements", "start", "said"),
    [
        (["DELETE FROM steps WHERE seq = 5"], 6, "step 5 was deleted"),
        (
            [
                "UPDATE steps SET message = 'x' WHERE seq = 4",
                "UPDATE steps SET message = 'y' WHERE seq = 6",
            ],
            6,
            "step 4 was changed",
        ),
    ],
    ids=["deleted", "changed"],
)
def test_a_run_already_broken_is_not_said_rewritten_too(
    journal_at: Path | str, statements: list[str], start: int, said: str
) -> None:
    journal = Journal(journal_at)
    job_id = finished_job(journal)
    journal.close()
    _rehash(journal_at, *statements, start=start)
    breaks = Journal(journal_at).verify().breaks
    assert [b for b in breaks if ": step" in b or "rewritten" in b] == [f"job {job_id}: {said}"]


def _two_jobs(where: Path | str) -> tuple[Journal, str]:
    journal = Journal(where)
    finished_job(journal)
    return journal, finished_job(journal)


def _delete_newest(where: Path | str, job_id: str) -> None:
    """The newest job gone with every row and event it had, the head row set back."""
    tamper(
        where,
        *(f"DELETE FROM {table} WHERE job_id = '{job_id}'" for table in ("items", "steps")),
        f"DELETE FROM people WHERE job_id = '{job_id}'",
        f"DELETE FROM jobs WHERE id = '{job_id}'",
        f"DELETE FROM chain WHERE job_id = '{job_id}'",
        "UPDATE head SET seq = 4, hash = (SELECT hash FROM chain WHERE seq = 4)",
    )


def _empty(where: Path | str) -> None:
    tables = ("runners", "steps", "items", "people", "jobs", "everywhere", "chain", "head")
    tamper(where, *(f"DELETE FROM {table}" for table in tables))


def _rewrite(where: Path | str) -> None:
    """A whole other history, written by RosterDeck itself, in place of the real one."""
    _empty(where)
    tamper(where, "INSERT INTO head VALUES (1, 0, '" + GENESIS + "')")
    head = Path(f"{where}.head") if isinstance(where, Path) else None
    kept = head.read_text() if head else ""
    forged = Journal(where)
    finished_job(forged)
    finished_job(forged)
    forged.close()
    if head:
        head.write_text(kept)


CUT = {"newest job deleted": "deleted", "emptied": "emptied", "rewritten": "rewritten"}


def _cut(where: Path | str, cut: str, newest: str) -> None:
    if cut == "newest job deleted":
        _delete_newest(where, newest)
    elif cut == "emptied":
        _empty(where)
    else:
        _rewrite(where)


def _head_files(where: Path | str) -> list[Path]:
    """The head file beside a SQLite journal; a PostgreSQL one's are in RosterDeck's home."""
    if isinstance(where, Path):
        return [Path(f"{where}.head")]
    return list(Path(os.environ["ROSTERDECK_HOME"]).glob("*.head"))


@pytest.mark.parametrize("cut", CUT)
def test_a_cut_or_rewritten_journal_is_caught_by_its_head_file(
    journal_at: Path | str, cut: str
) -> None:
    journal, newest = _two_jobs(journal_at)
    journal.close()
    _cut(journal_at, cut, newest)
    breaks = Journal(journal_at).verify().breaks
    assert any("head file" in b for b in breaks), breaks


@pytest.mark.parametrize("garbled", [b"12", b"twelve abc", "12 \u00e9t\u00e9".encode()])
def test_a_garbled_head_file_is_said_and_kept_not_a_crash(
    journal_at: Path | str, garbled: bytes
) -> None:
    """A head file that is not a number and a hash (cut short, or bytes that are not
    ASCII) is reported by verify as unreadable, not read as a claim about the chain, and
    left as it is, by later jobs too, for a person to look at."""
    journal, _ = _two_jobs(journal_at)
    journal.close()
    (head,) = _head_files(journal_at)
    head.write_bytes(garbled)
    again = Journal(journal_at)
    finished_job(again)  # a later job must not write over it: that would hide it
    breaks = again.verify().breaks
    assert "the head file beside the journal cannot be read" in breaks, breaks
    assert head.read_bytes() == garbled


@pytest.mark.parametrize("cut", ["newest job deleted", "rewritten"])
def test_a_cut_journal_written_to_again_is_still_caught(journal_at: Path | str, cut: str) -> None:
    """Once the chain no longer holds what the head file says, later jobs leave it as it is:
    overwriting it would hide the cut. (An emptied one takes no more writes.)"""
    journal, newest = _two_jobs(journal_at)
    journal.close()
    _cut(journal_at, cut, newest)
    later = Journal(journal_at)
    finished_job(later)
    breaks = later.verify().breaks
    assert any("head file" in b for b in breaks), breaks


def test_a_lost_head_file_is_written_again_at_the_next_start(journal_at: Path | str) -> None:
    """Without one, a cut made after would go unseen: the next start writes the head anew."""
    journal, newest = _two_jobs(journal_at)
    journal.close()
    (lost,) = _head_files(journal_at)
    said = lost.read_text()
    lost.unlink()
    Journal(journal_at).close()
    assert lost.read_text() == said
    _delete_newest(journal_at, newest)
    breaks = Journal(journal_at).verify().breaks
    assert any("head file" in b for b in breaks), breaks


def test_a_receipt_made_once_the_head_row_is_lost_names_the_chains_start(
    journal_at: Path | str,
) -> None:
    """It claims no event the journal cannot show; `jobs verify` names the lost row."""
    journal, newest = _two_jobs(journal_at)
    tamper(journal_at, "DELETE FROM head")
    said = json.loads(receipt(journal, newest, "json"))["journal"]
    assert said == {"event": 0, "hash": GENESIS}
    assert any("head" in b for b in journal.verify().breaks)


@pytest.mark.parametrize("cut", CUT)
@pytest.mark.parametrize("form", ["md", "json", "csv"])
def test_a_receipt_catches_what_the_head_file_cannot(
    journal_at: Path | str,
    cut: str,
    form: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Whoever holds both the journal and its head file can cut or rewrite both: a receipt
    given away earlier still names the head the journal had."""
    monkeypatch.setenv("ROSTERDECK_JOURNAL", str(journal_at))
    journal, newest = _two_jobs(journal_at)
    paper = export(journal, newest, tmp_path / "exports").with_suffix(f".{form}")
    journal.close()
    code, out, _ = run(capsys, "jobs", "verify", "--receipt", str(paper))
    assert code == 0 and "holds the head of 1 receipt" in out
    _cut(journal_at, cut, newest)
    for anchor in _head_files(journal_at):
        anchor.unlink()
    code, out, _ = run(capsys, "jobs", "verify", "--receipt", str(paper))
    assert code == 1 and f"{paper}: the journal no longer holds event 8" in out, out


@pytest.mark.parametrize(
    ("statement", "said"),
    [
        (
            "UPDATE jobs SET state = 'running'",
            "its state reads 'running', its history says 'finished'",
        ),
        ("UPDATE jobs SET state = 'planned', note = ''", "its state reads 'planned'"),
    ],
    ids=["finished made running", "made to look never run"],
)
def test_a_jobs_state_changed_behind_its_back_is_named(
    journal_at: Path | str, statement: str, said: str
) -> None:
    """A finished job set back to running (or to planned) would be resumed and sent again:
    `jobs verify` names the state its history does not hold."""
    journal = Journal(journal_at)
    job_id = finished_job(journal)
    assert journal.verify().whole
    journal.close()
    tamper(journal_at, statement)
    breaks = Journal(journal_at).verify().breaks
    assert any(b.startswith(f"job {job_id}: ") and said in b for b in breaks), breaks


def _two_copies(table: str, job_id: str) -> list[str]:
    """Statements that insert two copies of a job's row of `table`: inserted-1 and -2."""
    statements = [f"CREATE TEMP TABLE copied AS SELECT * FROM {table} WHERE id = '{job_id}'"]
    for copy in ("inserted-1", "inserted-2"):
        statements += [
            f"UPDATE copied SET id = '{copy}'",
            f"INSERT INTO {table} SELECT * FROM copied",
        ]
    return statements


def test_every_inserted_job_and_every_deleted_step_is_named(journal_at: Path | str) -> None:
    """Two jobs inserted with no history, and a job's steps deleted to the last: each is
    named, not only the first found."""
    journal = Journal(journal_at)
    job_id = finished_job(journal)
    journal.close()
    tamper(
        journal_at,
        *_two_copies("jobs", job_id),
        f"DELETE FROM steps WHERE job_id = '{job_id}'",
    )
    breaks = Journal(journal_at).verify().breaks
    assert "job inserted-1 has no history (inserted)" in breaks, breaks
    assert "job inserted-2 has no history (inserted)" in breaks, breaks
    assert f"job {job_id}: steps 1 to 6 were deleted" in breaks, breaks


@pytest.mark.parametrize(
    ("deleted", "said"),
    [("2", "event 2 is missing (deleted)"), ("2, 3", "events 2 to 3 are missing (deleted)")],
)
def test_events_deleted_from_the_chain_are_counted(
    journal_at: Path | str, deleted: str, said: str
) -> None:
    tampered(journal_at, f"DELETE FROM chain WHERE seq IN ({deleted})")
    assert said in Journal(journal_at).verify().breaks


@pytest.mark.parametrize(
    ("head", "said"),
    [
        (f"0 {GENESIS}\n", None),
        ("seven hashes\n", "the head file beside the journal cannot be read"),
        ("12\n", "the head file beside the journal cannot be read"),
    ],
    ids=["at the start", "garbled", "cut short"],
)
def test_a_head_file_at_the_start_is_whole_and_a_garbled_one_is_named(
    tmp_path: Path, head: str, said: str | None
) -> None:
    path = tmp_path / "journal.sqlite3"
    Journal(path).close()
    Path(f"{path}.head").write_text(head)
    verdict = Journal(path).verify()
    assert verdict.breaks == ([said] if said else []), verdict.breaks


def test_steps_added_a_member_not_planned_and_a_lost_head_row_are_named(
    journal_at: Path | str,
) -> None:
    journal = Journal(journal_at)
    job_id = finished_job(journal)
    never_sent = planned(journal, PEOPLE)
    journal.close()
    tamper(
        journal_at,
        f"CREATE TEMP TABLE copied AS SELECT * FROM steps WHERE job_id = '{job_id}' AND seq = 6",
        "UPDATE copied SET seq = 7",
        "INSERT INTO steps SELECT * FROM copied",
        "UPDATE copied SET seq = 8",
        "INSERT INTO steps SELECT * FROM copied",
        "UPDATE copied SET job_id = '" + never_sent + "', seq = 1",
        "INSERT INTO steps SELECT * FROM copied",
        f"UPDATE steps SET item = 99 WHERE job_id = '{job_id}' AND seq = 2",
        "DELETE FROM head",
    )
    breaks = Journal(journal_at).verify().breaks
    for said in (
        f"job {job_id}: step 7 has no history (inserted)",
        f"job {job_id}: step 8 has no history (inserted)",
        f"job {never_sent}: step 1 has no history (inserted)",
        f"job {job_id}: step 2 names a member not in its plan",
    ):
        assert said in breaks, breaks
    assert any(
        b.startswith("the chain's head row says nothing, its last event is ") for b in breaks
    )


def test_a_head_row_moved_back_says_where_it_points(journal_at: Path | str) -> None:
    tampered(journal_at, "UPDATE head SET seq = 1")
    breaks = Journal(journal_at).verify().breaks
    assert any(b.startswith("the chain's head row says 1, its last event is ") for b in breaks)


def _everywhere(journal: Journal) -> str:
    """One person's removal from one place, as `find` then `d` journal it."""
    part = NewJob(
        account="acme",
        provider=Provider.RASL,
        container=GROUP,
        operation=Operation.REMOVE_FROM_CONTAINER,
        members=PEOPLE[:1],
    )
    return journal.create_everywhere(
        addresses=["+44 7700 900123"], parts=[part], unsearched=[], reason="T-1", dry_run=False
    )


@pytest.mark.parametrize(
    ("statements", "said"),
    [
        (
            ["UPDATE everywhere SET addresses = '[\"+44 7700 900999\"]'"],
            "the person's addresses were changed",
        ),
        (
            ["UPDATE everywhere SET reason = 'T-2'"],
            "its reason reads 'T-2', its history says 'T-1'",
        ),
        (
            ["DELETE FROM people WHERE job_id IN (SELECT id FROM everywhere)"],
            "the person's addresses were changed",
        ),
    ],
    ids=["addresses", "reason", "key gone"],
)
def test_an_everywhere_job_changed_is_named(
    journal_at: Path | str, statements: list[str], said: str
) -> None:
    journal = Journal(journal_at)
    job_id = _everywhere(journal)
    journal.close()
    tamper(journal_at, *statements)
    assert f"job {job_id}: {said}" in Journal(journal_at).verify().breaks


def test_everywhere_jobs_inserted_are_each_named(journal_at: Path | str) -> None:
    journal = Journal(journal_at)
    job_id = _everywhere(journal)
    journal.close()
    tamper(
        journal_at,
        *_two_copies("everywhere", job_id),
        "DELETE FROM head",
    )
    breaks = Journal(journal_at).verify().breaks
    assert "job inserted-1 has no history (inserted)" in breaks, breaks
    assert "job inserted-2 has no history (inserted)" in breaks, breaks
    assert not [b for b in breaks if b.startswith(f"job {job_id}")], breaks
    assert any(b.startswith("the chain's head row says nothing") for b in breaks), "kept too"


def test_a_member_rewritten_with_its_key_is_named_by_the_plans_digest(
    journal_at: Path | str,
) -> None:
    """Someone holding a member's key rewrites their name and its keyed digest to match: the
    row checks out alone, but the plan's digest of all its members no longer does."""
    from sqlalchemy import text

    journal = Journal(journal_at)
    job_id = finished_job(journal)
    journal.close()
    engine = engine_for(journal_at)
    with engine.begin() as conn:
        where = {"job": job_id}
        (key,) = conn.execute(
            text("SELECT key FROM people WHERE job_id = :job AND seq = 0"), where
        ).one()
        member_id, member = conn.execute(
            text("SELECT member_id, member FROM items WHERE job_id = :job AND seq = 0"), where
        ).one()
        renamed = member.replace("Person 1", "Pat")
        conn.execute(
            text("UPDATE items SET member = :member, mac = :mac WHERE job_id = :job AND seq = 0"),
            where | {"member": renamed, "mac": mac(key, member_text(member_id, renamed))},
        )
    engine.dispose()
    assert Journal(journal_at).verify().breaks == [
        f"job {job_id}: its members' details or digests were changed (they no longer make the "
        "digest its plan holds)"
    ]
