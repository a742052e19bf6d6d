"""`f` on the accounts screen: one person found in every account, places shown as each
account answers, read-only places said so; then `d` takes them off everywhere as one job."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from providers.accounts.workspace import OpenedOnce, SandboxWorkspace
from providers.errors import ConfigurationError
from providers.jobs.everywhere import plan_everywhere, record_everywhere
from providers.jobs.find import find_everywhere
from providers.journal import Journal
from providers.journal.records import EverywhereJob
from providers.models import Provider
from providers.sandbox.apis import Sandbox
from tests.helpers import FAST, in_whatsapp_group, text_of
from tests.scenes import quick_app, until
from tui.dialogs.confirm_removal import ConfirmRemovalScreen
from tui.screens.everywhere_progress import EverywhereProgressScreen
from tui.screens.find import FindScreen
from tui.screens.history import HistoryScreen
from tui.screens.receipt import ReceiptScreen

SIZE = (80, 24)


async def test_f_finds_one_person_in_every_account() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.screen.query_one(DataTable).row_count == 3)
        await pilot.press("f")
        assert isinstance(app.screen, FindScreen)
        person = app.workspace.sandbox.everywhere[0]
        await pilot.press(*person["phone"], "space", *person["email"], "enter")
        await until(pilot, lambda: "3 of 3 accounts searched" in text_of(pilot, "#status"))
        table = app.screen.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(r)] for r in range(table.row_count)]
        accounts = {row[0] for row in rows}
        assert accounts == {"sandbox-rasl", "sandbox-wasend", "sandbox-autosend"}
        assert any("Choir" in row[1] and row[3] == "✓ yes" for row in rows)
        assert any(row[1] == "All contacts" and row[3].startswith("⊘") for row in rows)
        # looked in, but could not tell: members with no phone, a list cut short
        assert ["Events team / Plot Holders", "2 no phone", "? unknown"] in [r[1:] for r in rows]
        assert ["Events team / Seed Swap", "incomplete", "? unknown"] in [r[1:] for r in rows]
        # a cell can only hint why: the row under the cursor says it whole below the list
        blind = next(r for r, row in enumerate(rows) if row[3] == "? not searched")
        await pilot.press(*["down"] * blind)
        await until(pilot, lambda: "not searched: " in text_of(pilot, "#status"))
        said = text_of(pilot, "#status")
        await pilot.press("home")
        await until(pilot, lambda: "3 of 3 accounts searched" in text_of(pilot, "#status"))
    assert said == "? not searched: Sales line is unlinked: link its phone again in WaSend"


async def test_an_account_that_found_nobody_says_so_and_a_number_is_shown_whole() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.screen.query_one(DataTable).row_count == 3)
        await pilot.press("f", *"+447700900366", "enter")
        await until(pilot, lambda: "3 of 3 accounts searched" in text_of(pilot, "#status"))
        table = app.screen.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(r)] for r in range(table.row_count)]
        assert ["sandbox-rasl", "— not found", "", ""] in rows
        assert not any(row[:2] == ["sandbox-autosend", "— not found"] for row in rows), (
            "AutoSend searched nothing (no email given): not found would be untrue"
        )
        assert any(row[2] == "+447700900366" for row in rows)
        drawn = app.export_screenshot()
        assert drawn.count("+447700900366") == 2, "in the search field, and whole in the list"


async def test_d_takes_them_off_every_place_as_one_job_with_a_receipt() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot)
        await pilot.press("d")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        said = text_of(pilot, "#explain")
        assert (
            "from 5 places in 3 accounts" in said
            and "? not searched: sandbox-wasend: Sales line" in said
        )
        assert "⊘ All contacts (sandbox-autosend)" in said
        await pilot.press("4", "enter")  # the wrong count: refused, nothing journaled
        assert isinstance(app.screen, ConfirmRemovalScreen) and not journal_of(app)
        app.screen.query_one("#typed", Input).value = "5"
        await pilot.press("tab", *"T-77", "enter")
        await until(pilot, lambda: isinstance(app.screen, EverywhereProgressScreen))
        await until(
            pilot, lambda: not app.desk.runs.busy and "finished" in text_of(pilot, "#status")
        )
        assert "6/6 done · 6/6 places  ✓ removed 5 · ⊘ protected 1" in text_of(pilot, "#counts")
        [job] = journal_of(app)
        assert job.reason == "T-77" and len(job.parts) == 6
        table = app.screen.query_one(DataTable)
        states = [
            str(table.get_row_at(r)[1]) for r in range(table.row_count)
        ]  # no Who column for one person
        assert states.count("✓ removed") == 5 and states.count("⊘ protected") == 1

        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        assert "Receipt saved in" in text_of(pilot, "#status")
        await pilot.press("escape", "escape", "escape", "h")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        history = app.screen.query_one(DataTable)
        assert history.row_count == 1  # one job, not one a place
        assert "everywhere, 6 places" in str(history.get_row_at(0)[1])
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, EverywhereProgressScreen))
        await pilot.press("u")  # the place under the cursor, undone as its own job
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        assert text_of(pilot, "#explain").startswith("Add back to Newsletter (WhatsApp): 1")


async def test_a_place_that_fails_is_told_and_r_sends_only_it_again() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot)
        sandbox = app.workspace.sandbox
        phone = sandbox.everywhere[0]["phone"]
        in_whatsapp_group(sandbox, "Choir", phone)["isSuperAdmin"] = True  # after the search
        whatsapp = sandbox.wasend.misbehaviour
        whatsapp.hold_after = 0  # the first WhatsApp removal waits, so the job is caught running
        await pilot.press("d")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        await pilot.press("5", "enter")
        await until(pilot, lambda: whatsapp.holding.is_set())
        [job] = journal_of(app)
        with pytest.raises(ConfigurationError, match="A job is running"):
            await app.desk.propose_resume(job.parts[0].id)  # one job at a time
        whatsapp.hold_after = None
        whatsapp.release.set()
        await until(
            pilot, lambda: not app.desk.runs.busy and "finished" in text_of(pilot, "#status")
        )
        table = app.screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(r)] for r in range(table.row_count)]
        choir = next(row for row in rows if row[0].startswith("Events team / Choir"))
        assert choir[1] == "✗ failed" and "group owner" in choir[2]  # no Who column for one
        calls = sandbox.calls(Provider.WASEND)
        await pilot.press("R")  # only the failed, confirmed in the dialog first
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        assert "Send again the 1 that failed" in text_of(pilot, "#explain")
        assert sandbox.calls(Provider.WASEND) == calls, "nothing leaves before the yes"
        await pilot.press("y")
        await until(
            pilot, lambda: not app.desk.runs.busy and "finished" in text_of(pilot, "#status")
        )
        assert sandbox.calls(Provider.WASEND) - calls == 1  # Choir alone, sent once more
        assert len(sandbox.wasend.removals) == 1  # Harbour Runners, once


async def find(pilot: Pilot[Any]) -> None:
    app: Any = pilot.app
    await until(pilot, lambda: app.screen.query_one(DataTable).row_count == 3)
    person = app.workspace.sandbox.everywhere[0]
    await pilot.press("f", *person["phone"], "space", *person["email"], "enter")
    await until(pilot, lambda: "d removes them" in text_of(pilot, "#status"))


def journal_of(app: Any) -> list[EverywhereJob]:
    return app.desk.journal.everywhere_jobs()  # type: ignore[no-any-return]


async def test_keys_typed_together_in_the_dialog_reach_the_field_tab_moved_to() -> None:
    """Fast, or over SSH: "5<tab>T-1" puts the count in its field and T-1 in "Why"."""
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot)
        await pilot.press("d")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        dialog = app.screen
        for key, character in [("5", "5"), ("tab", "\t"), ("T", "T"), ("minus", "-"), ("1", "1")]:
            app.post_message(events.Key(key, character))
        await until(pilot, lambda: dialog.query_one("#reason", Input).value == "T-1")
        assert dialog.query_one("#typed", Input).value == "5"


async def test_an_everywhere_job_left_unfinished_is_offered_on_the_next_start(
    tmp_path: Path,
) -> None:
    """A crash after the plan was journaled: the next start offers to finish it, as one."""
    sandbox = Sandbox().unlimited()
    journal = Journal(tmp_path / "journal.sqlite3")
    workspace = SandboxWorkspace(sandbox, options=FAST)
    person = sandbox.everywhere[0]
    addresses = [person["phone"], person["email"]]
    found = await find_everywhere(workspace, addresses, opened=OpenedOnce(workspace))
    job_id = record_everywhere(journal, plan_everywhere(found, addresses, reason="T-5"))
    app = quick_app(sandbox, journal=journal)
    async with app.run_test(size=SIZE) as pilot:
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        said = text_of(pilot, "#explain")
        assert said.startswith(f"Resume job {job_id}: +") and "everywhere, 6 places" in said
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, EverywhereProgressScreen))
        await until(
            pilot, lambda: not app.desk.runs.busy and "finished" in text_of(pilot, "#status")
        )
        assert journal.everywhere(job_id).counts == {"removed": 5, "protected": 1}
