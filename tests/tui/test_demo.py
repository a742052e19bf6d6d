"""The demo's jobs and exports live apart from real ones, and reset with its data."""

from __future__ import annotations

import os
from pathlib import Path

from providers.accounts.workspace import LocalWorkspace
from providers.journal.records import JobState
from tests.helpers import text_of
from tests.scenes import open_members, quick_app, until
from tui.screens.accounts import AccountsScreen
from tui.screens.progress import ProgressScreen

SIZE = (80, 24)


async def test_the_demo_keeps_its_history_and_exports_apart_and_resets_them() -> None:
    home = Path(os.environ["ROSTERDECK_HOME"])
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "d", "y")
        await until(pilot, lambda: isinstance(app.screen, ProgressScreen) and not app.desk.running)
        (job,) = app.desk.journal.jobs()
        assert job.state is JobState.FINISHED
        await pilot.press("e")
        await until(pilot, lambda: "Receipt saved in" in text_of(pilot, "#status"))
        exports = list((home / "demo" / "exports").glob("*.md"))
        assert len(exports) == 1 and exports[0].name in text_of(pilot, "#status")
        assert app.workspace.journal_path() == home / "demo" / "journal.sqlite3"
        mine = LocalWorkspace()
        assert mine.journal_path().parent == home and mine.exports_path() == home / "exports"
        assert not (home / "exports").exists() and not (home / "journal.sqlite3").exists()

        reset = next(c for c in app.get_system_commands(app.screen) if c.title == "Reset the demo")
        await reset.callback()
        await until(pilot, lambda: isinstance(app.screen, AccountsScreen))
        assert app.desk.journal.jobs() == []
        assert not (home / "demo" / "exports").exists()
