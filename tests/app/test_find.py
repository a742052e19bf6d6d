"""`f` on the accounts screen: one person found in every account, places shown as each
account answers, read-only places said so."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.conftest import text_of
from tests.scenes import quick_app, until
from tui.screens.find import FindScreen

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
