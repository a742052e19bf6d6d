"""The paste dialog reads a spreadsheet row as one person: matched by any of its addresses
(on an email list, the phone column matches nobody and that is no matter), and a row that
matched nobody is listed once, whole."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from providers.sandbox import people
from tests.app.test_partly_loaded import LAST, big_list_app, open_newsletter
from tests.conftest import text_of
from tests.scenes import open_members, quick_app, until
from tui.screens.members import MembersScreen

SIZE = (80, 24)
NOBODY = "nobody@example.org / +1 555 0199"


def sheet(folder: Path, *emails: str) -> str:
    path = folder / "unsubscribes.csv"
    rows = [f"Person {i},{email},+1 555 01{i:02d}" for i, email in enumerate(emails)]
    path.write_text("\n".join(["name,email,phone", *rows, "Nobody,nobody@example.org,+1 555 0199"]))
    return str(path)


async def test_rows_of_a_csv_mark_people_and_list_the_unmatched_rows(tmp_path: Path) -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 2, "beta")
        screen = app.screen
        assert isinstance(screen, MembersScreen)
        chosen = screen.roster.members[:2]
        await pilot.press("p")
        app.screen.query_one("#csv", Input).value = sheet(tmp_path, *(m.address for m in chosen))
        app.screen.query_one("#csv", Input).focus()
        await pilot.press("enter")
        report = text_of(pilot, "#report")
        assert "2 matched, 2 newly marked" in report
        assert f"Matched nobody (1): {NOBODY}" in report
        await pilot.press("escape")
        assert screen.roster.marked == {m.id for m in chosen}


async def test_rows_the_loaded_members_lack_are_asked_of_the_provider(tmp_path: Path) -> None:
    app = big_list_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_newsletter(pilot)
        far = people.email_of(LAST)
        await pilot.press("p")
        app.screen.query_one("#csv", Input).value = sheet(tmp_path, far)
        app.screen.query_one("#csv", Input).focus()
        await pilot.press("enter")
        await until(pilot, lambda: "provider's search" in text_of(pilot, "#report"))
        report = text_of(pilot, "#report")
        assert "1 matched, 1 newly marked" in report
        assert f"Matched nobody (1): {NOBODY}" in report
        await pilot.press("escape")
        assert {m.address for m in screen.roster.marked_members()} == {far}
