"""A list too big to load at once: filter, paste and `a` say so and ask the provider.

The sandbox keeps AutoSend's documented pace (2 calls a second, 100 contacts a page), so a
20,000-contact list takes 100 s to load: every test here acts long before it ends.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import Button, Input, TextArea

from providers.sandbox import Sandbox, people
from providers.sandbox.autosend import AutoSendState
from tests.helpers import text_of
from tests.scenes import open_members, quick_app, until
from tui.dialogs.choice import ChoiceScreen
from tui.screens.members import MembersScreen

SIZE = (80, 24)
BIG = 20_000
LAST = BIG - 1  # on the list's last page, far from loaded while a test runs


def big_list_app() -> Any:
    sandbox = Sandbox(autosend=AutoSendState.seeded(big_list=BIG))
    return quick_app(sandbox, requests_per_second=2)


async def open_newsletter(pilot: Pilot[Any]) -> MembersScreen:
    await open_members(pilot, 2, "monthly", whole=False)
    screen = pilot.app.screen
    assert isinstance(screen, MembersScreen)
    return screen


async def test_loading_shows_progress_and_time_left() -> None:
    app = big_list_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_newsletter(pilot)
        counts = text_of(pilot, "#counts")
        # 19,900 to go at about 200 a second (the pace seen so far) is over a minute
        assert f"loading {screen.roster.loaded:,} of {BIG:,} ·" in counts
        left = re.search(r"· (\d+) (s|min) left$", counts)
        assert left is not None and (left.group(2) == "min" or int(left.group(1)) >= 60), counts
        assert not screen.roster.complete


async def test_filter_on_enter_asks_the_provider_for_rows_not_loaded() -> None:
    app = big_list_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_newsletter(pilot)
        wanted = people.email_of(LAST)
        await pilot.press("slash", *f"{LAST}@")
        assert screen.roster.shown == 0  # not loaded yet
        await pilot.press("enter")
        await until(pilot, lambda: screen.roster.shown == 1)
        assert screen.roster.member_at(0).address == wanted
        assert "found 1 more" in text_of(pilot, "#status")
        assert not screen.roster.complete
        assert screen.table.has_focus


async def test_paste_asks_the_provider_about_what_the_loaded_rows_lack() -> None:
    app = big_list_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_newsletter(pilot)
        loaded = screen.roster.members[0].address
        far = people.email_of(LAST)
        await pilot.press("p")
        app.screen.query_one(TextArea).insert(f"{loaded}\n{far.upper()}\nnobody@example.com")
        app.screen.query_one("#csv", Input).focus()
        await pilot.press("enter")
        await until(pilot, lambda: "provider's search" in text_of(pilot, "#report"))
        report = text_of(pilot, "#report")
        assert "2 matched, 2 newly marked" in report
        assert "Matched nobody (1): nobody@example.com" in report
        await pilot.press("escape")
        marked = {m.address for m in screen.roster.marked_members()}
        assert marked == {loaded, far}


async def test_a_on_a_partly_loaded_list_asks_all_or_only_the_shown() -> None:
    app = big_list_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_newsletter(pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        # what the dialog offers, however many rows load while it is open
        offered = str(app.screen.query_one("#answer-shown", Button).label)
        shown = int(offered.split()[2].replace(",", ""))
        await pilot.press("o")
        assert isinstance(app.screen, MembersScreen)
        assert len(screen.roster.marked) == shown and not screen.roster.marking_all

        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        assert f"All {BIG:,}" in str(app.screen.query_one("#answer-all").label)
        await pilot.press("l")
        roster = screen.roster
        assert roster.marking_all
        before = roster.loaded
        await until(pilot, lambda: roster.loaded > before)
        assert len(roster.marked) == roster.loaded  # the newsletter has no locked members
        assert "marking all as they load" in text_of(pilot, "#counts")

        await pilot.press("d")  # not before every member is here
        assert isinstance(app.screen, MembersScreen)
        assert "once all are here" in text_of(pilot, "#status")


async def test_a_on_a_whole_list_marks_the_shown_without_asking() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 2, "beta")
        screen = app.screen
        assert isinstance(screen, MembersScreen)
        await pilot.press("a")
        assert isinstance(app.screen, MembersScreen)
        assert len(screen.roster.marked) == screen.roster.loaded == 75


async def test_keys_typed_right_after_slash_land_in_the_filter() -> None:
    """Over SSH (or from tmux) keys arrive together: none is lost while the field opens."""
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        screen = app.screen
        assert isinstance(screen, MembersScreen)
        for key, character in [("slash", "/"), ("r", "r"), ("a", "a"), ("enter", None)]:
            app.post_message(events.Key(key, character))
        await until(pilot, lambda: screen.table.has_focus and screen.roster.filter_text == "ra")
        assert screen.query_one("#filter", Input).value == "ra"
        assert not screen.roster.marked  # the `a` went into the field, not to "mark all"


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
