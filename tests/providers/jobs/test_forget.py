"""Forgetting a person in RosterDeck's own records: the journal, the register's copy of their
addresses and the exports that name them are erased, `verify` still holds, no byte of the
data directory names them, and they stay suppressed. Found nowhere is said; a forget cut
short is never half done without saying so, and the next start finishes it."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from providers.accounts.workspace import SandboxWorkspace
from providers.errors import NothingToDo, Refused
from providers.jobs import forget
from providers.jobs.desk import Desk
from providers.jobs.plans import make_plan
from providers.jobs.receipts import export
from providers.journal import Journal, database
from providers.models import Member, Operation, Provider
from providers.sandbox.apis import Sandbox
from tests.helpers import FAST, jade, off_everywhere

DIGITS, EMAIL = "12025550105", "jade.chen5@example.net"


@pytest.fixture
def desk(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Desk:
    """The journal's SQLite keeps the bytes of what it deletes, as most builds of it do
    (Debian's overwrites them): only compacting it leaves nothing of her."""
    connected = database._sqlite_connected

    def keeping_freed_bytes(connection: Any, record: object) -> None:
        connected(connection, record)
        connection.execute("PRAGMA secure_delete = OFF")

    monkeypatch.setattr(database, "_sqlite_connected", keeping_freed_bytes)
    workspace = SandboxWorkspace(sandbox, options=FAST)
    return Desk(workspace, Journal(workspace.journal_path()))


def naming(home: Path) -> list[str]:
    """Every file under the data directory whose bytes hold her phone's digits or email."""
    return [
        str(path.relative_to(home))
        for path in home.rglob("*")
        if path.is_file() and any(n.encode() in path.read_bytes().lower() for n in (DIGITS, EMAIL))
    ]


async def kept_off_with_receipts(desk: Desk, sandbox: Sandbox) -> Path:
    """Jade off everywhere, her receipt and a note of someone's written in the exports."""
    job_id = await off_everywhere(desk, jade(sandbox))
    exports = desk.workspace.exports_path()
    export(desk.journal, job_id, exports)
    (exports / "ticket-notes.txt").write_text(f"call back {EMAIL.upper()}\n")
    (exports / "unrelated.txt").write_text("nothing about her\n")
    with sqlite3.connect(desk.workspace.journal_path()) as db:  # a journal long in use:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # its pages are in the file itself
    return exports


async def test_forget_erases_every_trace_and_verify_holds_and_she_stays_suppressed(
    desk: Desk, sandbox: Sandbox
) -> None:
    home = Path(os.environ["ROSTERDECK_HOME"])
    exports = await kept_off_with_receipts(desk, sandbox)
    assert len(naming(home)) >= 4, "the journal, her receipt's three forms and the note"

    proposal = await desk.propose_forget(["+1 202 555 0105", EMAIL])
    found = proposal.forgetting
    assert found is not None and found.receipts and len(found.others) == 1
    assert proposal.word == str(found.count) and proposal.reason_required
    with pytest.raises(Refused, match="journaled with why"):
        desk.forget(proposal, typed=proposal.word)
    with pytest.raises(Refused, match="must not name the person"):
        desk.forget(proposal, typed=proposal.word, reason=f"GDPR erasure of {EMAIL}")
    done = desk.forget(proposal, typed=proposal.word, reason="GDPR T-4830")

    assert done.left == () and done.counts["members"] == 6 and done.counts["files"] == 2
    assert naming(home) == []
    assert desk.journal.verify().whole
    said = (exports / f"rosterdeck-job-{desk.journal.everywhere_jobs()[0].id}.md").read_text()
    assert said.count("erased on ") >= 6 and "(GDPR T-4830)" in said
    assert not (exports / "ticket-notes.txt").exists() and (exports / "unrelated.txt").exists()
    (entry,) = desk.journal.register.entries()
    assert entry.addresses == () and desk.journal.erasure.unfinished() == []

    # still suppressed: an add-back by her phone is refused though nothing names her any more
    choir = next(
        p.container for p in desk.journal.everywhere_jobs()[0].parts if p.container.name == "Choir"
    )
    back = Member(id=f"{DIGITS}@s.whatsapp.net", address=f"+{DIGITS}")
    plan = make_plan("sandbox-wasend", Provider.WASEND, choir, [back], Operation.ADD_BACK)
    with pytest.raises(Refused, match="asked to stay off"):
        desk.confirm(await desk.propose(plan))
    with pytest.raises(NothingToDo, match=r"none of RosterDeck.s records.*stay suppressed"):
        await desk.propose_forget([EMAIL])


async def test_someone_in_nobodys_records_is_said_and_nothing_is_erased(desk: Desk) -> None:
    with pytest.raises(NothingToDo, match=r"nobody@example\.org is in none"):
        await desk.propose_forget(["nobody@example.org"])
    assert desk.journal.verify().events == 0


async def test_a_forget_cut_short_after_its_commit_is_finished_at_the_next_start(
    desk: Desk, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = Path(os.environ["ROSTERDECK_HOME"])
    exports = await kept_off_with_receipts(desk, sandbox)
    proposal = await desk.propose_forget([EMAIL])

    def killed(*_: object, **__: object) -> list[str]:
        raise KeyboardInterrupt  # the process dies between the journal's commit and the files

    with monkeypatch.context() as patched, pytest.raises(KeyboardInterrupt):
        patched.setattr(forget, "finish", killed)
        desk.forget(proposal, typed=proposal.word, reason="GDPR T-4831")
    assert naming(home), "the receipts still name her"
    assert len(desk.journal.erasure.unfinished()) == 1

    journal = Journal(desk.workspace.journal_path())  # the next start
    said = forget.finish_unfinished(journal, exports)
    assert len(said) == 1 and "cut short; it is finished now" in said[0]
    assert naming(home) == [] and journal.verify().whole
    assert journal.erasure.unfinished() == []


async def test_a_forget_that_fails_inside_its_transaction_erases_nothing(
    desk: Desk, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    await kept_off_with_receipts(desk, sandbox)
    proposal = await desk.propose_forget([EMAIL])

    def broken(*_: object) -> None:
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(type(desk.journal.erasure), "_erase_sealed", broken)
    with pytest.raises(RuntimeError):
        desk.forget(proposal, typed=proposal.word, reason="GDPR T-4832")
    assert desk.journal.erasure.unfinished() == []
    assert desk.journal.erasure.traces([EMAIL]).records == proposal.forgetting.traces.records
    assert desk.journal.verify().whole


async def test_an_everywhere_jobs_person_once_erased_is_held_by_the_chain(
    desk: Desk, sandbox: Sandbox
) -> None:
    """What the erasure wrote in her place, in any script, is what verify expects there."""
    await off_everywhere(desk, jade(sandbox))
    proposal = await desk.propose_forget(["+1 202 555 0105", EMAIL])
    desk.forget(proposal, typed=proposal.word, reason="GDPR – T-4830, Zoë’s request")
    assert desk.journal.verify().breaks == []
    job_id = desk.journal.everywhere_jobs()[0].id
    with sqlite3.connect(desk.workspace.journal_path()) as db:
        db.execute("UPDATE everywhere SET addresses = '[\"+12025550105\"]' WHERE id = ?", (job_id,))
    assert desk.journal.verify().breaks == [f"job {job_id}: its person was changed after erasure"]
