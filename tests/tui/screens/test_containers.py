"""The groups list: every letter typed goes to its filter, so what quits or deletes is on a
key no name is typed with; WhatsApp communities with their groups beneath, and groups this
number may not remove from, at 80x24."""

from __future__ import annotations

from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from tests.helpers import text_of
from tests.scenes import containers, quick_app, until
from tui.dialogs.confirm_removal import ConfirmRemovalScreen
from tui.dialogs.help import HelpScreen
from tui.screens.containers import ContainersScreen

SIZE = (80, 24)


async def rasl_groups(pilot: Pilot[None]) -> ContainersScreen:
    """From the accounts screen, the RASL account's groups and sources, loaded."""
    await pilot.press("enter")
    await until(pilot, lambda: bool(getattr(pilot.app.screen, "containers", None)))
    screen = pilot.app.screen
    assert isinstance(screen, ContainersScreen)
    return screen


async def test_a_name_starting_with_q_or_x_is_typed_and_quits_or_deletes_nothing() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await rasl_groups(pilot)
        field = screen.query_one(Input)
        for name in ("q", "X"):
            await pilot.press(name)
            assert app.screen is screen and field.value == name, "a letter, not a command"
            await pilot.press("escape")  # clears the filter, back on the list
        keys = screen.active_bindings
        assert "q" not in keys and keys["ctrl+q"].binding.description == "Quit"

        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        table = help_screen.query_one(DataTable)
        rows = [table.get_row_at(row) for row in range(table.row_count)]
        said = {str(what): str(keys) for keys, what in rows}
        assert said["Quit"] == "^q" and said["Delete source"] == "^d / del"
        await pilot.press("escape")

        await pilot.press(*"old", "enter")  # the unused source, under the cursor
        await pilot.press("delete")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: app.return_code is not None)


async def test_keys_sent_on_to_the_list_before_the_filter_took_focus_are_kept() -> None:
    """Over SSH "choir" arrives at once: the app sends every key on to the list, which has
    focus, before the first key moves the focus to the filter. Each must reach the filter."""
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await rasl_groups(pilot)
        field, table = screen.query_one(Input), screen.query_one(DataTable)
        await pilot.press("v")
        assert field.has_focus and field.value == "v"
        for letter in "ol":  # as the app forwards a key to the widget it thinks has focus
            table._forward_event(events.Key(letter, letter))
        await until(pilot, lambda: not table._message_queue.qsize())
        await pilot.pause()
        assert field.value == "vol"


async def test_q_still_quits_where_letters_are_commands() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await containers(pilot)  # the WaSend account's groups
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ContainersScreen))
        assert app.screen.active_bindings["q"].enabled
        await pilot.press("q")
        await until(pilot, lambda: app.return_code is not None)


async def test_communities_show_their_groups_beneath_and_no_admin_groups_say_so() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await containers(pilot)
        table = app.screen.query_one(DataTable)
        await until(pilot, lambda: table.row_count == 11)
        rows = [[str(cell) for cell in table.get_row_at(r)] for r in range(table.row_count)]
        named = [row[1:3] for row in rows]
        start = named.index(["Riverside Allotments", "community"])
        assert named[start + 1 : start + 4] == [
            ["└ Announcements", "group"],
            ["└ Plot Holders", "group"],
            ["└ Seed Swap", "group"],
        ]
        assert ["Staff Rota", "⊘ not removable"] in named
        assert table.virtual_size.width <= SIZE[0], "kind and count in view at 80 columns"


async def test_the_row_under_the_cursor_says_why_nothing_can_be_removed_from_it() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await containers(pilot)
        table = app.screen.query_one(DataTable)
        await until(pilot, lambda: table.row_count == 11)
        await pilot.press(*"staff", "enter")
        await until(pilot, lambda: text_of(pilot, "#status").startswith("⊘ Staff Rota: "))
        assert "not removable: " in text_of(pilot, "#status")
        assert "admin" in text_of(pilot, "#status")
        await pilot.press("slash", *["backspace"] * 5, "enter")  # every row; it stays on it
        await until(pilot, lambda: table.row_count == 11 and table.has_focus)
        assert text_of(pilot, "#status").startswith("⊘ Staff Rota: ")
        await pilot.press("up")
        await until(pilot, lambda: text_of(pilot, "#status").startswith("11 of 11 shown"))


async def test_enter_in_the_filter_moves_to_the_list_and_says_so() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await rasl_groups(pilot)
        await pilot.press(*"board", "enter")
        assert screen.focused is screen.query_one(DataTable)
        assert text_of(pilot, "#status").startswith("1 of ")
        assert text_of(pilot, "#status").endswith("on the list: ↑↓, enter opens")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is not screen)
