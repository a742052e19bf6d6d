"""`s` on the accounts screen (or the palette): the do-not-re-add register, who is on it since
when and why; `x` takes one off it with why; `F` forgets someone through the confirm dialog,
after which they show as erased and stay on the register."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.helpers import jade, off_everywhere, text_of
from tests.scenes import quick_app, until
from tui.dialogs.ask import AskScreen
from tui.dialogs.confirm_removal import ConfirmRemovalScreen
from tui.screens.register import ERASED, RegisterScreen

SIZE = (100, 30)


def rows(app: object) -> list[list[str]]:
    table = app.screen.query_one(DataTable)  # type: ignore[attr-defined]
    return [[str(c) for c in table.get_row_at(r)] for r in range(table.row_count)]


async def test_s_shows_the_register_and_x_takes_someone_off_it_with_why() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await off_everywhere(app.desk, jade(app.workspace.sandbox))
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Do-not-re-add register" in commands and "Sweep: is everyone still off?" in commands
        await until(pilot, lambda: app.screen.query_one(DataTable).row_count == 3)
        await pilot.press("s")
        assert isinstance(app.screen, RegisterScreen)
        ((since, who, why),) = rows(app)
        assert since.startswith(app.desk.journal.register.entries()[0].since)
        assert "+12025550105" in who and "jade.chen5@example.net" in who and why == "T-4821"
        await pilot.press("x")
        assert isinstance(app.screen, AskScreen)
        await pilot.press(*"T-12 asked back", "enter")
        await until(pilot, lambda: rows(app) == [])
        assert "Nobody is on the register" in text_of(pilot, "#status")
        await until(pilot, lambda: "s" not in app.screen.active_bindings)
        keys = app.screen.active_bindings
        assert "x" not in keys and "e" not in keys, "nobody to sweep, take off or export"
        assert keys["F"].enabled, "the journal may still hold someone to forget"
        (lifted,) = app.desk.journal.register.entries(active=False)
        assert lifted.lifted_reason == "T-12 asked back"


async def test_F_forgets_someone_after_the_confirm_dialog_says_what_it_found() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await off_everywhere(app.desk, jade(app.workspace.sandbox))
        await until(pilot, lambda: app.screen.query_one(DataTable).row_count == 3)
        await pilot.press("s", "F")
        assert isinstance(app.screen, AskScreen)
        await pilot.press(*"jade.chen5@example.net", "enter")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        said = text_of(pilot, "#explain")
        assert "Forget jade.chen5@example.net" in said and "They stay suppressed" in said
        word = app.screen.asked.word
        await pilot.press(*word, "tab", *"GDPR T-9", "enter")
        await until(pilot, lambda: isinstance(app.screen, RegisterScreen))
        await until(pilot, lambda: ERASED in rows(app)[0][1])
        assert app.desk.journal.verify().whole
