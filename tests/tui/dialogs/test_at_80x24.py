"""Dialogs at 80x24: the sandbox banner and the footer stay in view, a dialog's buttons and
fields are always on screen, and what is too long for it scrolls."""

from __future__ import annotations

from typing import Any

from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Footer
from textual.widgets._footer import FooterKey

from providers.journal.records import JobState
from providers.models import MemberOutcome, Outcome
from tests.helpers.journal import PEOPLE, planned
from tests.scenes import find, members, quick_app, until
from tui.dialogs.confirm_removal import ConfirmRemovalScreen
from tui.dialogs.help import HelpScreen
from tui.screens.progress import ProgressScreen

SIZE = (80, 24)


def in_view(screen: Any, widget: Widget) -> bool:
    """Nothing covers the widget's middle, and the frame around it leaves the top and bottom
    lines (the banner and the footer) to the screen below."""
    frame = screen.children[0]
    over, _ = screen.get_widget_at(*widget.region.center)
    return bool(over is widget or widget in over.ancestors) and (
        frame.region.y >= 1 and frame.region.bottom <= SIZE[1] - 1
    )


async def test_the_everywhere_confirm_keeps_its_fields_and_buttons_in_view() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot)
        await pilot.press("d")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        dialog = app.screen
        words = dialog.query_one("#words", VerticalScroll)
        assert words.max_scroll_y > 0, "the words are longer than the room: they scroll"
        for _ in range(2):  # on the count, then on "Why"
            for name in ("#typed", "#reason", "#dry-run", "#cancel", "#confirm"):
                assert in_view(dialog, dialog.query_one(name)), name
            assert words.scroll_y == 0, "the words' first line stays"
            await pilot.press("tab")
        assert dialog.focused is dialog.query_one("#dry-run")


async def test_the_members_help_scrolls_to_its_last_line() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await members(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_screen = app.screen
        table = help_screen.query_one(DataTable)
        assert in_view(help_screen, help_screen.query_one(".hint"))
        assert table.max_scroll_y > 0
        await pilot.press("pagedown", "pagedown", "pagedown")
        assert table.scroll_y == table.max_scroll_y
        last = table.get_row_at(table.row_count - 1)
        assert "Command palette" in str(last[1]) and table.cursor_row == table.row_count - 1


async def test_the_accounts_help_fits_its_width() -> None:
    """Every row is read whole: nothing runs past the dialog's edge (a sideways scroll)."""
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        table = app.screen.query_one(DataTable)
        assert table.row_count > 8 and table.max_scroll_x == 0


async def test_a_cancelled_jobs_footer_shows_every_key() -> None:
    """Removed, failed and not sent yet: resume, retry, undo and the rest all fit."""
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        journal = app.desk.journal
        job_id = planned(journal, PEOPLE, account="sandbox-rasl")
        journal.mark_sending(job_id, ["1", "2"], 0)
        failed = MemberOutcome(member_id="2", outcome=Outcome.FAILED, message="no")
        journal.record(job_id, [MemberOutcome(member_id="1", outcome=Outcome.REMOVED), failed])
        journal.set_state(job_id, JobState.CANCELLED, "1 not sent.")
        await app.push_screen(ProgressScreen(job_id))
        footer = app.screen.query_one(Footer)
        shown = lambda: {key.description for key in footer.query(FooterKey)}  # noqa: E731
        await until(pilot, lambda: {"Resume", "Retry failed", "Undo", "Receipt"} <= shown())
        assert footer.max_scroll_x == 0, "the last key is not cut"


async def test_the_footer_under_a_dialog_shows_the_dialogs_keys() -> None:
    """The keys of the screen beneath do nothing while a dialog is open: the line at the
    bottom shows the dialog's own."""
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await members(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.pause()
        bottom = app.screen._compositor.render_strips()[-1].text
        assert "Close" in bottom and "Filter" not in bottom, bottom
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, HelpScreen))
        await pilot.pause()
        assert "Filter" in app.screen._compositor.render_strips()[-1].text
