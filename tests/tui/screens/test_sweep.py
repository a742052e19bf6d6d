"""`s` on the register: every account searched for everyone on it; who is back is shown where
and since when; `d` takes them off again as one confirmed job; `r` sweeps again."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from tests.helpers import jade, off_everywhere, text_of
from tests.helpers.staying import put_back
from tests.scenes import quick_app, until
from tui.dialogs.confirm_removal import ConfirmRemovalScreen
from tui.screens.everywhere_progress import EverywhereProgressScreen
from tui.screens.sweep import SweepScreen

SIZE = (100, 30)


async def test_a_sweep_shows_where_they_are_back_and_d_takes_them_off_again() -> None:
    app = quick_app()
    sandbox = app.workspace.sandbox
    async with app.run_test(size=SIZE) as pilot:
        await off_everywhere(app.desk, jade(sandbox))
        put_back(sandbox, app.desk)
        await until(pilot, lambda: app.screen.query_one(DataTable).row_count == 3)
        await pilot.press("s", "s")
        assert isinstance(app.screen, SweepScreen)
        await until(pilot, lambda: "back," in text_of(pilot, "#status"))
        assert text_of(pilot, "#status").startswith("1 back, 0 still off")
        table = app.screen.query_one(DataTable)
        where = {str(table.get_row_at(r)[1]) for r in range(table.row_count)}
        assert where == {
            "Lapsed Members (sandbox-rasl)",
            "Events team / Choir (sandbox-wasend)",
            "? not searched: Sales line (sandbox-wasend)",
        }
        await pilot.press("d")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        app.screen.query_one("#typed", Input).value = "2"
        await pilot.press("tab", *"T-4821 back again", "enter")
        await until(pilot, lambda: isinstance(app.screen, EverywhereProgressScreen))
        await until(
            pilot, lambda: not app.desk.runs.busy and "finished" in text_of(pilot, "#status")
        )
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, SweepScreen))
        assert "r sweeps again" in text_of(pilot, "#status")
        await pilot.press("r")
        await until(pilot, lambda: text_of(pilot, "#status").startswith("0 back, 1 still off"))
