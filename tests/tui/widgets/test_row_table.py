"""Home and End on a list go to its first and last row, as the help says of every list."""

from __future__ import annotations

from tests.scenes import accounts, quick_app, until
from tui.widgets.row_table import RowTable


async def test_home_and_end_go_to_the_first_and_last_account() -> None:
    app = quick_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await accounts(pilot)
        table = app.screen.query_one(RowTable)
        assert table.row_count > 2 and table.cursor_row == 0
        await pilot.press("end")
        await until(pilot, lambda: table.cursor_row == table.row_count - 1)
        await pilot.press("home")
        await until(pilot, lambda: table.cursor_row == 0)
