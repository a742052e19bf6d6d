"""The accounts screen offers only what it can do: the sandbox's accounts are built in."""

from __future__ import annotations

from textual.widgets import DataTable

from providers.accounts.workspace import LocalWorkspace
from tests.scenes import accounts, quick_app, until
from tui.app import RosterDeckApp
from tui.dialogs.help import HelpScreen
from tui.screens.accounts import AccountsScreen


async def test_the_demo_offers_no_account_to_add_and_the_help_says_enter() -> None:
    app = quick_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await accounts(pilot)
        keys = app.screen.active_bindings
        assert "n" not in keys and "x" not in keys and keys["h"].enabled
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        table = app.screen.query_one(DataTable)
        said = {
            str(table.get_row_at(row)[0]): str(table.get_row_at(row)[1])
            for row in range(table.row_count)
        }
        assert said["⏎"] == "Open" and "n" not in said


async def test_your_own_workspace_offers_to_add_one() -> None:
    app = RosterDeckApp(LocalWorkspace())
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "WelcomeScreen")
        app.push_screen(AccountsScreen())
        await until(pilot, lambda: isinstance(app.screen, AccountsScreen))
        assert app.screen.active_bindings["n"].enabled
