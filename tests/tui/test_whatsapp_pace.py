"""WaSend in the app: the pace and the day's budget said before a job, sessions' states on
the groups list, and a job that pauses and resumes."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from providers.journal import Journal
from providers.journal.records import JobState
from providers.models import Outcome
from providers.sandbox.apis import Sandbox
from tests.helpers import text_of
from tests.scenes import open_members, quick_app, until
from tui.dialogs.confirm_removal import ConfirmRemovalScreen
from tui.screens.containers import ContainersScreen
from tui.screens.progress import ProgressScreen

SIZE = (80, 24)
SAFE_PACE = {"seconds_between_writes": 3, "write_jitter": 3}


async def test_the_confirm_dialog_says_the_pace_and_what_runs_today() -> None:
    app = quick_app(daily_budget=20, **SAFE_PACE)
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("a", "d")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        said = text_of(pilot, "#explain")
        assert (
            "About 104 calls (two for each person: one to remove, one to check they left), 4"
            in said
        )
        assert "20 run today; the rest waits for tomorrow's budget." in said
        assert "Pace: one person a call, 3–6\u00a0s apart at random, at most 20 a day" in said
        assert "⚠" not in said


async def test_a_faster_pace_is_said_with_its_risk() -> None:
    app = quick_app(batch_size=5, seconds_between_writes=1)
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "d")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        said = text_of(pilot, "#explain")
        assert "⚠ This account is set faster than the safe pace" in said
        assert "5 people a call, 1 s between calls" in said and "may ban its number" in said


async def test_the_groups_list_shows_each_sessions_state_and_will_not_open_a_dropped_one() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: pilot.app.screen.query_one("DataTable").row_count == 3)
        await pilot.press("down", "enter")
        await until(
            pilot, lambda: isinstance(app.screen, ContainersScreen) and bool(app.screen.containers)
        )
        await pilot.press(*"sales", "enter", "enter")
        shown = text_of(pilot, "#status")
        assert "⊘ Sales line is unlinked: link its phone again" in shown
        assert isinstance(app.screen, ContainersScreen)


async def test_a_dropped_session_pauses_the_job_and_r_resumes_it() -> None:
    sandbox = Sandbox().unlimited()
    sandbox.wasend.misbehaviour.disconnect_after = 2
    app = quick_app(sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "space", "space", "space", "d", "y")
        await until(pilot, lambda: isinstance(app.screen, ProgressScreen))
        await until(pilot, lambda: "paused" in text_of(pilot, "#status"))
        status = text_of(pilot, "#status")
        assert "session is not working" in status and "Reconnect its phone" in status
        (job,) = app.desk.journal.jobs()
        assert job.state is JobState.PAUSED and job.counts["pending"] == 2

        sandbox.wasend.misbehaviour.disconnect_after = None
        sandbox.wasend.set_status("sess_events", "WORKING")
        await pilot.press("r")  # the rest, confirmed first
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        await pilot.press("y")
        await until(pilot, lambda: app.desk.journal.job(job.id).state is JobState.FINISHED)
        assert app.desk.journal.job(job.id).counts == {Outcome.REMOVED.value: 4}
        assert len(sandbox.wasend.removals) == 4


async def test_the_confirm_dialog_says_the_pace_in_force_today_and_why(tmp_path: Path) -> None:
    """The Events team's number was told to slow down today (another process kept it in the
    journal), and the account's numbers are new: the gap doubles and the budget is 20."""
    journal = Journal(tmp_path / "journal.sqlite3")
    said = "WhatsApp answered rate-overlimit at 14:02"
    journal.slowdowns("sandbox-wasend").note("447700900002", date.today().isoformat(), said)
    since = (date.today() - timedelta(days=2)).isoformat()
    app = quick_app(journal=journal, new_number_since=since, **SAFE_PACE)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "space", "d")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        lines = text_of(pilot, "#explain").splitlines()
        assert (
            "About 4 calls (two for each person: one to remove, one to check they left), "
            "18\u00a0s at this account's pace." in lines
        )
        pace = lines.index(
            "Pace: one person a call, 6–12\u00a0s apart at random, "
            "at most 20 a day for this session."
        )
        assert lines[pace + 1] == f"Slower today: {said}; removals 6–12 s apart until tomorrow."
        assert lines[pace + 2].startswith(f"A new number (since {since}): at most 20 removals")
