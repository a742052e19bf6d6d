"""The app driven by keys at 80x24 on the sandbox: what it holds and what it shows."""

from __future__ import annotations

import threading
from functools import partial
from pathlib import Path

from textual.widgets import DataTable, TextArea

from providers.accounts.store import AccountStore
from providers.accounts.workspace import LocalWorkspace
from providers.jobs.desk import Desk
from providers.journal import Journal
from providers.models import Provider, Role
from providers.sandbox.apis import Sandbox
from providers.sandbox.autosend import AutoSendState
from tests.helpers import text_of
from tests.scenes import open_members, quick_app, until
from tui.app import RosterDeckApp
from tui.screens.accounts import AccountsScreen
from tui.screens.containers import ContainersScreen
from tui.screens.members import MembersScreen
from tui.screens.welcome import WelcomeScreen

SIZE = (80, 24)


async def test_demo_opens_on_three_sandbox_accounts_behind_a_banner() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(DataTable)
        await until(
            pilot,
            lambda: (
                all("accepted" in str(table.get_row_at(r)[3]) for r in range(table.row_count))
                and table.row_count == 3
            ),
        )
        assert "SANDBOX" in str(app.screen.query_one("SandboxBanner").render())
        assert [str(table.get_row_at(r)[1]) for r in range(3)] == ["RASL", "WaSend", "AutoSend"]


async def test_mark_range_filter_mark_all_invert_and_clear() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        screen = app.screen
        assert isinstance(screen, MembersScreen)
        roster = screen.roster
        assert roster.loaded == 54
        await pilot.press("down", "space")
        assert len(roster.marked) == 1
        await pilot.press("v", "down", "down", "v")
        assert len(roster.marked) == 4
        assert text_of(pilot, "#counts").startswith("4 marked · 54 shown · 54 total")
        await pilot.press("A")
        assert not roster.marked
        await pilot.press("slash", *"ra", "enter")
        shown = roster.shown
        assert 0 < shown < 54
        await pilot.press("a")
        locked_shown = sum(1 for i in roster.view if roster.members[i].locked)
        assert len(roster.marked) == shown - locked_shown
        await pilot.press("escape")  # clears the filter; the marks stay
        assert roster.shown == 54 and len(roster.marked) == shown - locked_shown
        assert f"{shown - locked_shown} marked · 54 shown" in text_of(pilot, "#counts")
        await pilot.press("i")
        assert len(roster.marked) == 54 - 2 - (shown - locked_shown)
        await pilot.press("ctrl+backslash")
        assert not roster.marked


async def test_the_owner_is_locked_and_cannot_be_marked() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        screen = app.screen
        assert isinstance(screen, MembersScreen)
        owner_row = next(
            r for r in range(screen.roster.shown) if screen.roster.member_at(r).role is Role.OWNER
        )
        await pilot.press(*["down"] * owner_row, "space")
        assert not screen.roster.marked
        assert "locked: group owner" in text_of(pilot, "#status")


async def test_marks_survive_sorting() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 0, "board")
        screen = app.screen
        assert isinstance(screen, MembersScreen)
        await pilot.press("space")
        marked = set(screen.roster.marked)
        await pilot.press("s")
        names = [screen.roster.member_at(r).name.lower() for r in range(screen.roster.shown)]
        assert names == sorted(names) and screen.roster.marked == marked
        assert "sorted by name" in text_of(pilot, "#counts")


async def test_paste_marks_every_spelling_and_lists_the_rest() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        screen = app.screen
        assert isinstance(screen, MembersScreen)
        plain = [
            m for m in screen.roster.members if m.id.endswith("@s.whatsapp.net") and not m.locked
        ]
        digits = [m.id.split("@")[0] for m in plain[:3]]
        pasted = (
            f"+44 {digits[0][2:6]} {digits[0][6:]}, {digits[1]}@s.whatsapp.net\n"
            f"0{digits[2][2:]}\nnobody@example.com"
        )
        await pilot.press("p")
        app.screen.query_one(TextArea).insert(pasted)
        await pilot.click("#mark")
        report = text_of(pilot, "#report")
        assert "3 matched, 3 newly marked" in report
        assert "Matched nobody (1): nobody@example.com" in report
        await pilot.press("escape")
        assert screen.roster.marked == {m.id for m in plain[:3]}


async def test_a_failing_provider_shows_a_message_and_the_screen_stays_usable() -> None:
    sandbox = Sandbox(autosend=AutoSendState.seeded(big_list=500)).unlimited()
    faults = sandbox.faults[Provider.AUTOSEND]
    app = quick_app(sandbox)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(DataTable)
        await until(pilot, lambda: table.row_count == 3)
        faults.error_rate, faults.error_status = 1.0, 500
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: "✗" in text_of(pilot, "#status"))
        assert "failed on its side (HTTP 500)" in text_of(pilot, "#status")
        faults.error_rate = 0
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "shown" in text_of(pilot, "#status"))
        await pilot.press("escape")
        assert isinstance(app.screen, AccountsScreen)


async def test_a_refused_token_is_shown_on_the_accounts_screen() -> None:
    app = quick_app()
    app.workspace._accounts["sandbox-rasl"] = (app.workspace.account("sandbox-rasl"), "revoked")  # type: ignore[attr-defined]
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(DataTable)
        await until(pilot, lambda: table.row_count == 3 and "✗" in str(table.get_row_at(0)[3]))
        assert "refused the token" in str(table.get_row_at(0)[3])


async def test_help_lists_the_screen_keys_and_the_palette_has_its_actions() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 0, "board")
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert {
            "Mark",
            "Mark shown",
            "Clear marks",
            "Invert marks",
            "Filter",
            "Paste",
        } <= set(commands)
        await pilot.press("question_mark")
        table = app.screen.query_one(DataTable)
        rows = [
            (str(table.get_row_at(r)[0]), str(table.get_row_at(r)[1]))
            for r in range(table.row_count)
        ]
        described = [what for _, what in rows]
        assert {"Range", "Invert marks", "Paste a list to mark", "Back"} <= set(described)
        assert len(described) == len(set(described)), "each thing once"
        keys = dict((what, key) for key, what in rows)
        assert keys["Mark or unmark, then move down"] == "space"
        (quit_keys,) = [key for key, what in rows if what.startswith("Quit")]
        assert set(quit_keys.split(" / ")) == {"q", "^q"}
        assert set(keys["Clear marks"].split(" / ")) == {"A", "^\\"}
        assert not {"Cursor left", "Cursor right", "Up", "Down", "palette"} & set(described)
        assert sum("palette" in what.lower() for what in described) == 1
        await pilot.press("escape")
        assert isinstance(app.screen, MembersScreen)


async def test_the_palette_reaches_every_account_history_and_diagnostics_from_anywhere() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 0, "board")
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert {"Open sandbox-rasl", "Open sandbox-wasend", "Open sandbox-autosend"} <= set(
            commands
        )
        assert {"History", "Diagnostics"} <= set(commands)
        assert "Try the demo" not in commands  # it is the demo already
        commands["Open sandbox-autosend"].callback()
        await until(pilot, lambda: isinstance(app.screen, ContainersScreen))
        assert app.screen.account.name == "sandbox-autosend"
        commands["History"].callback()
        await until(pilot, lambda: type(app.screen).__name__ == "HistoryScreen")


async def test_no_accounts_welcomes_and_offers_the_sandbox() -> None:
    app = RosterDeckApp(LocalWorkspace())
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("t")
        assert isinstance(app.screen, AccountsScreen) and app.workspace.is_sandbox


async def test_add_an_account_from_the_app(sandbox: Sandbox, wire_origin: str) -> None:
    from textual.widgets import Input

    from providers.sandbox import TOKENS

    app = RosterDeckApp(LocalWorkspace())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        screen = app.screen
        assert screen.focused is screen.query_one("#name", Input)
        await pilot.press(*"harbour", "tab")  # the provider: RASL is first
        screen.query_one("#base-url", Input).value = sandbox.base_url(Provider.RASL, wire_origin)
        screen.query_one("#token", Input).focus()
        await pilot.press(*"wrong")
        assert text_of(pilot, "#token-length") == "5 characters"
        await pilot.press("enter")
        await until(pilot, lambda: "✗" in text_of(pilot, "#error"))
        assert "refused the token" in text_of(pilot, "#error")
        token = screen.query_one("#token", Input)
        assert screen.focused is token, "a refused token is ready to be corrected"
        save = screen.query_one("#save")
        assert save.region.bottom <= SIZE[1] - 1, "Save stays in view below the error"
        token.value = TOKENS[Provider.RASL]
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, AccountsScreen))
        table = app.screen.query_one(DataTable)
        await until(
            pilot, lambda: table.row_count == 1 and "accepted" in str(table.get_row_at(0)[3])
        )
        assert "keyring" in str(table.get_row_at(0)[2])


async def test_diagnostics_names_the_keyring() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("D")
        report = text_of(pilot, "#report")
        assert "MemoryKeyring" in report and "usable     ✓ yes" in report
        assert "80x24" in report


async def test_any_first_letter_typed_on_the_groups_list_filters() -> None:
    """`r` once reloaded the list, so "Rota" lost its first letter; reload is ctrl+r now."""
    from textual.widgets import Input

    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await until(pilot, lambda: bool(getattr(app.screen, "containers", None)))
        await pilot.press(*"rot")
        assert app.screen.query_one(Input).value == "rot"


async def test_leaving_a_list_with_marks_asks_first() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "space", "escape")
        assert "Leave Choir with 2 marked?" in text_of(pilot, ".title")
        await pilot.press("n")
        screen = app.screen
        assert isinstance(screen, MembersScreen) and len(screen.roster.marked) == 2
        await pilot.press("escape", "y")
        await until(pilot, lambda: isinstance(app.screen, ContainersScreen))


async def test_paste_takes_numbers_and_names_as_tickets_write_them() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 0, "spring")
        screen = app.screen
        assert isinstance(screen, MembersScreen)
        by_address = {m.address: m for m in screen.roster.members}
        kofi, rosa = by_address["+12025550168"], by_address["+12025550171"]
        await pilot.press("p")
        app.screen.query_one(TextArea).insert(f"(202) 555-0168\n{rosa.name}\nSomeone Else\n")
        await pilot.press("ctrl+s")
        report = text_of(pilot, "#report")
        assert "2 matched, 2 newly marked" in report
        assert "Matched nobody (1): Someone Else" in report
        await pilot.press("escape")
        assert screen.roster.marked == {kofi.id, rosa.id}


async def test_footers_fit_80_columns() -> None:
    """No key hint is cut: every key the footer shows ends inside the screen."""
    from textual.widgets._footer import FooterKey

    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "d", "y")
        await until(pilot, lambda: type(app.screen).__name__ == "ProgressScreen")
        await until(pilot, lambda: not app.desk.runs.busy)
        await until(pilot, lambda: bool(app.screen.query(FooterKey)))  # keys of the job's end
        for screen in app.screen_stack[1:]:
            keys = list(screen.query(FooterKey))
            assert keys, type(screen).__name__
            for key in keys:
                assert key.region.right <= SIZE[0], (type(screen).__name__, key.description)


async def test_an_account_list_with_a_bad_option_is_said_on_the_accounts_screen() -> None:
    store = AccountStore()
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text(
        '[accounts.phones]\nprovider = "wasend"\nbase_url = "https://api.wasend.dev"\n'
        "[accounts.phones.options]\ntime_scale = 10\n"
    )
    app = RosterDeckApp(LocalWorkspace())
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, AccountsScreen)
        assert "'phones' sets time_scale, which only the built-in demo" in text_of(pilot, "#note")


async def test_the_first_screen_and_its_keys_do_not_wait_for_the_journal(tmp_path: Path) -> None:
    """Opening the journal (SQLAlchemy, a new journal's tables) takes a third of a second:
    the accounts are shown, and keys answered, while it opens in a thread."""
    opening, released = threading.Event(), threading.Event()

    def slow_journal() -> Journal:
        opening.set()
        if not released.wait(timeout=120):
            raise AssertionError("the journal was never released")
        return Journal(tmp_path / "journal.sqlite3")

    app = quick_app()
    app.desk = Desk(app.workspace, slow_journal)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, opening.is_set)
        table = app.screen.query_one(DataTable)
        assert [str(table.get_row_at(r)[0]) for r in range(table.row_count)] == [
            "sandbox-rasl",
            "sandbox-wasend",
            "sandbox-autosend",
        ]
        await pilot.press("down")
        assert table.cursor_row == 1 and not app.journal_opened.is_set()
        released.set()
        await until(pilot, app.journal_opened.is_set)
        assert app.desk.journal.path == tmp_path / "journal.sqlite3"


async def test_a_journal_that_cannot_be_opened_is_said_and_the_accounts_stay(
    tmp_path: Path,
) -> None:
    (tmp_path / "journal.sqlite3").write_bytes(b"not a database at all" * 100)
    app = quick_app()
    app.desk = Desk(app.workspace, partial(Journal, tmp_path / "journal.sqlite3"))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: any(n.severity == "error" for n in app._notifications))
        (said,) = [n.message for n in app._notifications if n.severity == "error"]
        assert "is damaged (not a database)" in said and not app.journal_opened.is_set()
        assert isinstance(app.screen, AccountsScreen)
        assert app.screen.query_one(DataTable).row_count == 3
