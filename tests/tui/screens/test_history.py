"""History says what each job was: a dry run as one, and why it was run."""

from __future__ import annotations

from textual.widgets import Checkbox, DataTable, Input

from tests.helpers import text_of
from tests.scenes import open_members, quick_app, until
from tui.dialogs.confirm_removal import ConfirmRemovalScreen
from tui.screens.accounts import AccountsScreen
from tui.screens.history import HistoryScreen
from tui.screens.progress import ProgressScreen
from tui.widgets.outcome_table import OutcomeTable


async def test_a_dry_run_reads_as_one_with_its_reason() -> None:
    app = quick_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "space", "d")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        app.screen.query_one("#reason", Input).value = "T-77 unsubscribe"
        app.screen.query_one(Checkbox).value = True
        await pilot.click("#confirm")
        await until(
            pilot, lambda: isinstance(app.screen, ProgressScreen) and not app.desk.runs.busy
        )
        await until(pilot, lambda: "finished" in text_of(pilot, "#status"))
        assert text_of(pilot, "#counts") == "2/2 done  ○ would remove 2 · dry run"
        table = app.screen.query_one(OutcomeTable)
        assert table.row_count == 2 and "would remove" in " ".join(table.cells(1))
        (job,) = app.desk.journal.jobs()
        assert app.desk.journal.items(job.id) == [], "a dry run journals counts, not members"
        await pilot.press("escape", "escape", "escape")
        await until(pilot, lambda: isinstance(app.screen, AccountsScreen))
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        _, what, state = (str(cell) for cell in app.screen.query_one(DataTable).get_row_at(0))
        assert what.endswith("\nwhy: T-77 unsubscribe")
        assert state == "finished · dry run\n2 ○ would remove"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ProgressScreen))
        await until(pilot, lambda: "only its counts are kept" in text_of(pilot, "#status"))
        assert text_of(pilot, "#counts") == "2/2 done  ○ would remove 2 · dry run"
