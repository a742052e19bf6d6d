"""Confirm, progress, cancel, retry, history and undo, driven by keys on the sandbox."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, DataTable, Input

from providers.accounts.workspace import sandbox_accounts
from providers.jobs.plans import make_plan, record_plan
from providers.journal.records import Job, JobState
from providers.models import Outcome, Provider
from providers.sandbox.apis import Sandbox
from providers.sandbox.autosend import AutoSendState
from tests.helpers import text_of
from tests.scenes import open_members, quick_app, until
from tui.dialogs.confirm import ConfirmScreen
from tui.dialogs.confirm_removal import ConfirmRemovalScreen
from tui.screens.accounts import AccountsScreen
from tui.screens.members import MembersScreen
from tui.screens.progress import ProgressScreen
from tui.widgets.outcome_table import OutcomeTable

SIZE = (80, 24)


def _sandbox() -> Sandbox:
    return Sandbox(autosend=AutoSendState.seeded(big_list=500)).unlimited()


def _participants(sandbox: Sandbox, group: str) -> set[str]:
    for groups in sandbox.wasend.groups.values():
        for g in groups.values():
            if g["subject"] == group:
                return set(g["participants"])
    raise KeyError(group)


async def test_a_large_removal_asks_for_the_count_then_runs_live() -> None:
    sandbox = _sandbox()
    app = quick_app(sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        members_screen = app.screen
        assert isinstance(members_screen, MembersScreen)
        await pilot.press("a", "d")
        modal = app.screen
        assert isinstance(modal, ConfirmRemovalScreen)
        typed = modal.query_one("#typed", Input)
        assert modal.focused is typed, "the count is typed where the cursor already is"
        explained = text_of(pilot, "#explain")
        assert "Remove from Events team / Choir: 52 members." in explained
        assert "Can be undone" in explained and "at this account's pace" in explained
        confirm = modal.query_one("#confirm", Button)
        assert confirm.disabled
        await pilot.press("5", "1", "enter")  # not yet: 51 is not the count
        assert app.screen is modal and typed.value == "51" and confirm.disabled
        await pilot.press("backspace", "2")
        assert not confirm.disabled
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ProgressScreen))
        progress = app.screen
        assert isinstance(progress, ProgressScreen)
        await until(pilot, lambda: not app.desk.runs.busy)
        await until(
            pilot,
            lambda: (
                "52/52 done" in text_of(pilot, "#counts")
                and "✓ removed 52" in text_of(pilot, "#counts")
                and "finished" in text_of(pilot, "#status")  # said when the job's end is handled
            ),
        )
        assert len(_participants(sandbox, "Choir")) == 2
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is members_screen and not members_screen.streaming)
        assert members_screen.roster.loaded == 2 and not members_screen.roster.marked


async def test_n_cancels_and_a_dry_run_sends_nothing() -> None:
    sandbox = _sandbox()
    app = quick_app(sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "d", "n")
        assert isinstance(app.screen, MembersScreen) and not app.desk.journal.jobs()
        await until(pilot, lambda: bool(app._notifications))
        assert [n.message for n in app._notifications] == ["Cancelled: nothing was sent."]
        await pilot.press("d")
        app.screen.query_one(Checkbox).value = True
        await pilot.click("#confirm")
        await until(
            pilot, lambda: isinstance(app.screen, ProgressScreen) and not app.desk.runs.busy
        )
        (job,) = app.desk.journal.jobs()
        assert job.dry_run and job.counts == {Outcome.WOULD_REMOVE.value: 1}
        assert not sandbox.wasend.removals


async def _remove_all_of_book_club(pilot: Pilot[None], sandbox: Sandbox) -> int:
    """Mark every member of a WaSend group, type the count asked for, and watch it start;
    how many are to be removed."""
    await open_members(pilot, 1, "book club")
    await pilot.press("a", "d")
    await until(
        pilot,
        lambda: isinstance(pilot.app.screen, ConfirmRemovalScreen) and pilot.app.screen.is_mounted,
    )
    count = cast(ConfirmRemovalScreen, pilot.app.screen).asked.word
    await pilot.press(*count, "enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, ProgressScreen))
    await until(pilot, lambda: len(sandbox.wasend.removals) >= 3)
    return int(count)


async def _cancelled_half_way(pilot: Pilot[None], sandbox: Sandbox) -> tuple[int, Job]:
    """Remove all of a WaSend group, cancel while its fourth removal is in flight, and wait
    for the job's end; how many were to be removed, and the cancelled job. (The removal is
    held, so that however busy the machine, more than 20 are left: a resume asks their count.)"""
    app: Any = pilot.app
    odd = sandbox.wasend.misbehaviour
    odd.hold_after = 3
    total = await _remove_all_of_book_club(pilot, sandbox)
    await until(pilot, odd.holding.is_set)
    await pilot.press("c")
    odd.hold_after = None
    odd.let_go()
    await until(pilot, lambda: not app.desk.runs.busy)
    (job,) = app.desk.journal.jobs()
    await until(pilot, lambda: "cancelled" in text_of(pilot, "#status"))
    return total, job


@pytest.mark.slow
async def test_cancel_lets_calls_in_flight_finish() -> None:
    sandbox = _sandbox()
    app = quick_app(sandbox, seconds_between_writes=0.1)
    async with app.run_test(size=SIZE) as pilot:
        total, job = await _cancelled_half_way(pilot, sandbox)
        assert job.state is JobState.CANCELLED
        removed, cancelled = job.counts[Outcome.REMOVED.value], job.counts[Outcome.CANCELLED.value]
        assert removed == len(sandbox.wasend.removals) and removed + cancelled == total
        assert job.note == f"{cancelled} not sent."  # not "before it was sent"
        assert text_of(pilot, "#counts").startswith(f"{removed}/{total} done"), "not 100 %"

        await pilot.press("r")  # a cancelled job resumes: the rest is sent, nothing twice
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        said = text_of(pilot, "#explain")
        assert f"To send: {cancelled} ({cancelled} cancelled before" in said
        assert len(sandbox.wasend.removals) == removed, "nothing leaves before it is agreed"
        await pilot.press(*str(cancelled), "enter")
        await until(pilot, lambda: app.desk.journal.job(job.id).state is JobState.FINISHED)
        assert app.desk.journal.job(job.id).counts == {Outcome.REMOVED.value: total}
        assert len(sandbox.wasend.removals) == total


async def test_quit_while_a_job_runs_asks_and_leaves_it_resumable() -> None:
    sandbox = _sandbox()
    sandbox.wasend.misbehaviour.hold_after = 3  # the fourth removal waits for an answer
    app = quick_app(sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await _remove_all_of_book_club(pilot, sandbox)
        await pilot.press("q")
        assert "Quit while a job runs?" in text_of(pilot, ".title")
        assert isinstance(app.screen, ConfirmScreen) and "resume" in app.screen.detail
        await pilot.press("n")
        assert app.desk.runs.running, "saying no keeps the job running"
        await pilot.press("q", "y")
        sandbox.wasend.misbehaviour.release.set()  # the call in flight is answered
        await until(pilot, lambda: not app.desk.runs.busy)
        (job,) = app.desk.journal.unfinished()
        assert job.state is JobState.INTERRUPTED and job.counts["pending"] > 0


async def test_retry_failed_sends_only_those() -> None:
    sandbox = _sandbox()
    faults = sandbox.faults[Provider.WASEND]
    app = quick_app(sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "space", "space", "d")
        faults.error_rate, faults.error_status, faults.methods = 1.0, 500, frozenset({"DELETE"})
        await pilot.click("#confirm")
        await until(
            pilot, lambda: isinstance(app.screen, ProgressScreen) and not app.desk.runs.busy
        )
        await until(pilot, lambda: "✗ failed 3" in text_of(pilot, "#counts"))
        faults.error_rate = 0
        await pilot.press("f", "R")  # only the failed shown, then sent again
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        assert "Send again the 3 that failed" in text_of(pilot, "#explain")
        await pilot.press("y")
        await until(pilot, lambda: not app.desk.runs.busy and len(sandbox.wasend.removals) == 3)
        await until(pilot, lambda: "✓ removed 3" in text_of(pilot, "#counts"))
        await until(pilot, lambda: "none failed now: f shows all" in text_of(pilot, "#status"))


async def test_history_opens_a_job_and_undo_puts_members_back() -> None:
    """Undo says what WhatsApp answered: one back in the group, one whose WhatsApp account
    was deleted meanwhile failed, in its words; History counts each."""
    sandbox = _sandbox()
    app = quick_app(sandbox)
    before = _participants(sandbox, "Choir")
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "space", "d", "y")
        await until(
            pilot, lambda: isinstance(app.screen, ProgressScreen) and not app.desk.runs.busy
        )
        assert len(_participants(sandbox, "Choir")) == len(before) - 2
        (removal,) = app.desk.journal.jobs()
        deleted = app.desk.journal.items(removal.id)[1]
        sandbox.wasend.off_whatsapp.add(deleted.member.id)
        await pilot.press("escape", "escape", "escape")
        assert isinstance(app.screen, AccountsScreen)
        await pilot.press("h")
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1 and "remove from Choir" in str(table.get_row_at(0)[1])
        assert "2 ✓ removed" in str(table.get_row_at(0)[2])  # words, not a bare glyph
        await pilot.press("enter")
        assert isinstance(app.screen, ProgressScreen)
        await pilot.press("u")
        assert "Add back to Events team / Choir: 2 members." in text_of(pilot, "#explain")
        await pilot.press("y")
        await until(pilot, lambda: len(app.desk.journal.jobs()) == 2 and not app.desk.runs.busy)
        assert _participants(sandbox, "Choir") == before - {deleted.member.id}
        undo = app.desk.journal.jobs()[0]
        assert undo.undo_of is not None
        assert undo.counts == {Outcome.RESTORED.value: 1, Outcome.FAILED.value: 1}
        await until(pilot, lambda: isinstance(app.screen, ProgressScreen))
        said = app.screen.query_one(OutcomeTable)
        assert {said.cells(row)[2] for row in range(said.row_count)} == {"↺ restored", "✗ failed"}
        assert any("not on WhatsApp" in said.cells(row)[3] for row in range(said.row_count))
        while not isinstance(app.screen, AccountsScreen):
            await pilot.press("escape")
        await pilot.press("h")
        table = app.screen.query_one(DataTable)
        await until(pilot, lambda: table.row_count == 2)
        assert "1 ✗ failed · 1 ↺ restored" in str(table.get_row_at(0)[2])


async def test_an_unfinished_job_is_offered_for_resume_on_start() -> None:
    sandbox = _sandbox()
    app = quick_app(sandbox)
    account, _ = sandbox_accounts()[1]
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, app.journal_opened.is_set)  # what it offers by itself, offered
        adapter = await app.desk.adapter(account.name)
        choir = next(c for c in await adapter.containers() if c.name == "Choir")
        members = [m async for p in adapter.members(choir) for m in p.members if not m.locked][:4]
        job_id = record_plan(
            app.desk.journal, make_plan(account.name, Provider.WASEND, choir, members)
        )
        app.desk.journal.set_state(job_id, JobState.INTERRUPTED)
        app.offer_resume()
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        assert text_of(pilot, "#explain").startswith(f"Resume job {job_id}: remove from")
        await pilot.press("y")
        await until(
            pilot, lambda: isinstance(app.screen, ProgressScreen) and not app.desk.runs.busy
        )
        assert app.desk.journal.job(job_id).counts == {Outcome.REMOVED.value: 4}


async def test_deleting_a_source_asks_for_its_name_and_says_when_refused(tmp_path: object) -> None:
    sandbox = _sandbox()
    app = quick_app(sandbox)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(DataTable)
        await until(pilot, lambda: table.row_count == 3)
        await pilot.press("enter")
        await until(pilot, lambda: bool(getattr(app.screen, "containers", None)))
        for name, refused in (("Website form", True), ("Old CRM (unused)", False)):
            await pilot.press(*("space" if c == " " else c for c in name.lower()), "enter")
            await pilot.press("ctrl+d")
            assert "Delete the source" in text_of(pilot, "#explain")
            app.screen.query_one("#typed", Input).value = name
            await pilot.click("#confirm")
            await until(
                pilot, lambda: isinstance(app.screen, ProgressScreen) and not app.desk.runs.busy
            )
            await until(pilot, lambda: text_of(pilot, "#status").startswith("Job "))
            status = text_of(pilot, "#status")
            assert ("150 contacts still use" in status) is refused
            await pilot.press("escape")
            filter_box = app.screen.query_one(Input)
            filter_box.value = ""
            app.screen.query_one(DataTable).focus()
        assert 1 in sandbox.rasl.sources and 5 not in sandbox.rasl.sources


async def test_export_writes_csv_and_json() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "d", "y")
        await until(
            pilot, lambda: isinstance(app.screen, ProgressScreen) and not app.desk.runs.busy
        )
        await pilot.press("e")
        saved = text_of(pilot, "#status")
        folder, name = saved.removeprefix("Receipt saved in ").split(":\n")
        receipt = Path(folder) / name.split(" ")[0]
        assert receipt.parent == app.workspace.exports_path() and receipt.suffix == ".md"
        assert "## Done (1)" in receipt.read_text()
        assert receipt.with_suffix(".csv").read_text().startswith("job,member_id,name,address")
        assert receipt.with_suffix(".json").exists()


def test_a_count_matches_however_it_is_grouped() -> None:
    from tui.dialogs.confirm_removal import typed_matches

    assert typed_matches("1,200", "1200") and typed_matches(" 1 200 ", "1200")
    assert typed_matches("1200", "1200") and not typed_matches("120", "1200")
    assert typed_matches("Website form", "Website form")
    assert not typed_matches("website form", "Website form")


async def test_a_provider_slow_to_answer_shows_the_wait() -> None:
    sandbox = _sandbox()
    faults = sandbox.faults[Provider.WASEND]
    # Held for longer than the test lasts, and shorter than the client waits: a real wait.
    faults.hang_rate, faults.hang_seconds, faults.methods = 1.0, 300.0, frozenset({"DELETE"})
    app = quick_app(sandbox, timeout=600)
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "harbour")
        await pilot.press("a", "d", *"246", "enter")
        await until(pilot, lambda: isinstance(app.screen, ProgressScreen))
        await until(pilot, lambda: "waiting for WaSend…" in text_of(pilot, "#counts"))


async def test_the_reason_typed_in_the_dialog_is_kept_and_can_be_required() -> None:
    app = quick_app(require_reason=True)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "d")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        confirm = app.screen.query_one("#confirm", Button)
        assert confirm.disabled  # no reason yet
        await pilot.press("y")
        assert isinstance(app.screen, ConfirmRemovalScreen)  # refused: the reason gets focus
        assert app.screen.focused is app.screen.query_one("#reason")
        await pilot.press(*"TICKET-9", "enter")
        await until(
            pilot, lambda: isinstance(app.screen, ProgressScreen) and not app.desk.runs.busy
        )
        (job,) = app.desk.journal.jobs()
        assert job.reason == "TICKET-9" and job.operator


async def test_cancel_stops_the_queue_at_once_and_counts_down_the_calls_out() -> None:
    """The rate and ETA stop with the cancel; what is still out is counted until it is back."""
    sandbox = _sandbox()
    whatsapp = sandbox.wasend.misbehaviour
    whatsapp.hold_after = 2  # the third removal is held unanswered
    app = quick_app(sandbox, seconds_between_writes=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", *["space"] * 8, "d", "y")
        await until(pilot, lambda: isinstance(app.screen, ProgressScreen))
        await until(pilot, lambda: whatsapp.holding.is_set())
        await pilot.press("c")
        await until(pilot, lambda: text_of(pilot, "#counts").startswith("cancelling: 1 call"))
        counts = text_of(pilot, "#counts")
        assert "/s" not in counts and "ETA" not in counts and "starting" not in counts
        assert len(whatsapp_removals(sandbox)) == 2, "nothing new left after c"
        whatsapp.release.set()
        await until(pilot, lambda: not app.desk.runs.running)
        await until(pilot, lambda: "cancelled" in text_of(pilot, "#status"))
        assert not text_of(pilot, "#counts").startswith("cancelling")
        (job,) = app.desk.journal.jobs()
        assert job.counts == {"removed": 3, "cancelled": 5}


def whatsapp_removals(sandbox: Sandbox) -> list[str]:
    return [participant for _, participant in sandbox.wasend.removals]


async def test_an_undo_the_provider_cannot_do_is_refused_in_the_desks_words() -> None:
    sandbox = _sandbox()
    app = quick_app(sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "d", "y")
        await until(
            pilot, lambda: isinstance(app.screen, ProgressScreen) and not app.desk.runs.running
        )
        adapter = app.desk.opened("sandbox-wasend")
        assert adapter is not None
        adapter.capabilities = replace(adapter.capabilities, can_undo=False)
        await pilot.press("u")
        said = "WaSend cannot add members back: this job cannot be undone."
        await until(pilot, lambda: any(said in n.message for n in app._notifications))
        assert isinstance(app.screen, ProgressScreen), "no dialog: nothing to confirm"
        assert len(app.desk.journal.jobs()) == 1, "nothing journaled"


async def test_a_resume_typed_ahead_with_its_count_and_enter_is_sent() -> None:
    """Over SSH the keys after `r` (the count, enter) can come before the dialog has put its
    cursor in the field: they land there, and the rest is sent."""
    sandbox = _sandbox()
    app = quick_app(sandbox, seconds_between_writes=0.1)
    async with app.run_test(size=SIZE) as pilot:
        total, job = await _cancelled_half_way(pilot, sandbox)
        cancelled = str(job.counts[Outcome.CANCELLED.value])
        for key in ["r", *cancelled, "enter"]:
            app.post_message(events.Key(key, None if key == "enter" else key))
        await until(pilot, lambda: app.desk.journal.job(job.id).state is JobState.FINISHED)
        assert app.desk.journal.job(job.id).counts == {Outcome.REMOVED.value: total}
        assert len(sandbox.wasend.removals) == total
