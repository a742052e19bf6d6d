"""Sweeps: someone on the register put back behind RosterDeck's back (a colleague in the
provider's own screen, an invite link) is found exactly where, at `find`'s cost; one
confirmed job takes them off again; an account that cannot be searched is said, and the
sweep is incomplete; the receipt of the job that kept them off says whether they still are."""

from __future__ import annotations

from pathlib import Path

import pytest

from providers.accounts.workspace import SandboxWorkspace
from providers.jobs.desk import Desk
from providers.jobs.find import find_everywhere
from providers.jobs.receipts import export
from providers.jobs.sweep import BACK, CLEAN, INCOMPLETE, plan_again, refresh_receipts, sweep
from providers.journal import Journal
from providers.models import Provider
from providers.sandbox.apis import Sandbox
from tests.helpers import FAST, jade, off_everywhere
from tests.helpers.staying import minutes_later, put_back


@pytest.fixture
def desk(sandbox: Sandbox, tmp_path: Path) -> Desk:
    sandbox.wasend.set_status("sess_sales", "WORKING")  # every session can be searched
    return Desk(SandboxWorkspace(sandbox, options=FAST), Journal(tmp_path / "journal.sqlite3"))


def calls(sandbox: Sandbox) -> int:
    return sum(sandbox.calls(p) for p in Provider)


async def test_a_sweep_finds_exactly_where_they_are_back_and_one_job_takes_them_off(
    desk: Desk, sandbox: Sandbox, tmp_path: Path
) -> None:
    job_id = await off_everywhere(desk, jade(sandbox))
    exports = tmp_path / "exports"
    export(desk.journal, job_id, exports)
    (entry,) = desk.journal.register.entries()
    put_back(sandbox, desk)

    before = calls(sandbox)
    found = await find_everywhere(desk.workspace, list(entry.addresses), opened=desk.adapter)
    find_cost = calls(sandbox) - before
    minutes_later(desk)  # the sweep reads every list again, as find did
    before = calls(sandbox)
    swept = await sweep(desk.workspace, desk.journal, desk.adapter)
    assert swept.calls == calls(sandbox) - before == find_cost == sum(f.calls for f in found)
    # each account at find's own cost for her: a few calls (RASL a search an address,
    # AutoSend one an email a list, WaSend one read a group), whoever else is on the register
    assert {f.account.name: f.calls for f in swept.found} == {
        f.account.name: f.calls for f in found
    }
    assert max(f.calls for f in swept.found) <= 13  # WaSend: sessions, 3 group lists, 9 reads

    assert swept.status == BACK and not swept.incomplete
    back = swept.sweep.back[entry.id]
    assert sorted((b.account, b.where) for b in back) == [
        ("sandbox-rasl", "Lapsed Members"),
        ("sandbox-wasend", "Events team / Choir"),
    ]
    assert all(b.first_seen == swept.sweep.created_at for b in back)

    proposal = await desk.propose_everywhere(plan_again(swept))
    assert proposal.word == "2" and f"register {entry.id}" in proposal.lines[0]
    ticket = desk.confirm(proposal, typed="2", reason="T-4821: back again")
    again = await desk.runs.run(ticket)
    assert again.counts == {"removed": 2}
    assert [e.id for e in desk.journal.register.entries()] == [entry.id], "no new entry"

    clean = await sweep(desk.workspace, desk.journal, desk.adapter)
    assert clean.status == CLEAN and clean.sweep.back == {}
    assert refresh_receipts(desk.journal, exports, clean) == [
        exports / f"rosterdeck-job-{job_id}.md"
    ]
    said = (exports / f"rosterdeck-job-{job_id}.md").read_text()
    assert "Still off everywhere as of" in said and clean.sweep.id in said
    assert desk.journal.verify().whole


async def test_a_place_first_seen_back_keeps_its_time_until_they_are_gone_from_it(
    desk: Desk, sandbox: Sandbox
) -> None:
    await off_everywhere(desk, jade(sandbox))
    put_back(sandbox, desk)
    first = await sweep(desk.workspace, desk.journal, desk.adapter)
    second = await sweep(desk.workspace, desk.journal, desk.adapter)
    (entry,) = second.sweep.back
    assert {b.first_seen for b in second.sweep.back[entry]} == {first.sweep.created_at}
    assert second.sweep.created_at > first.sweep.created_at


async def test_an_account_that_cannot_be_reached_is_said_and_the_sweep_is_incomplete(
    desk: Desk, sandbox: Sandbox
) -> None:
    await off_everywhere(desk, jade(sandbox))
    autosend = sandbox.faults[Provider.AUTOSEND]
    autosend.error_rate, autosend.error_status = 1.0, 500
    swept = await sweep(desk.workspace, desk.journal, desk.adapter)
    assert swept.status == INCOMPLETE and not swept.back
    assert [(u["account"], u["where"]) for u in swept.sweep.unsearched] == [
        ("sandbox-autosend", "every place")
    ]
    assert "Upstream failure" in swept.sweep.unsearched[0]["why"]
    entry = next(iter(swept.sweep.found))
    status = desk.journal.sweeps.latest(entry)
    assert status is not None and status.id == swept.sweep.id
