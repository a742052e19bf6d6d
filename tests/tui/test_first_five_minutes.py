"""What a newcomer meets: the demo, the screenshots, the browser, and life over SSH."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from textual.widgets import DataTable, Input

from providers.journal.records import JobState
from providers.models import Outcome
from providers.sandbox.serve import bind
from tests.helpers import text_of
from tests.scenes import SCENES, open_members, quick_app, until
from tui.app import RosterDeckApp
from tui.demo import demo_workspace
from tui.dialogs.confirm_removal import ConfirmRemovalScreen
from tui.screens.progress import ProgressScreen


async def test_the_demo_command_opens_on_the_sandbox_with_all_three_providers() -> None:
    app = RosterDeckApp(demo_workspace())  # what `rosterdeck --demo` runs
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one(DataTable)
        await until(
            pilot,
            lambda: (
                table.row_count == 3 and all("✓" in str(table.get_row_at(r)[3]) for r in range(3))
            ),
        )
        assert "SANDBOX DEMO" in text_of(pilot, "SandboxBanner")
        assert "nothing real is touched" in text_of(pilot, "SandboxBanner")
        assert {str(table.get_row_at(r)[1]) for r in range(3)} == {"RASL", "WaSend", "AutoSend"}


@pytest.mark.slow
async def test_the_demo_shows_a_rare_failure_that_retry_fixes() -> None:
    app = RosterDeckApp(demo_workspace())
    sandbox = app.workspace.sandbox  # type: ignore[attr-defined]
    async with app.run_test(size=(80, 24)) as pilot:
        await open_members(pilot, 1, "choir")
        # twelve: the demo's one-in-twenty failures are seeded, and one of twelve fails
        await pilot.press("down", *["space"] * 12, "d")
        await pilot.click("#confirm")
        await until(
            pilot, lambda: isinstance(app.screen, ProgressScreen) and not app.desk.runs.busy, 60
        )
        (job,) = app.desk.journal.jobs()
        assert job.counts.get(Outcome.FAILED.value, 0) > 0  # the demo's one-in-twenty failure
        for faults in sandbox.faults.values():
            faults.error_rate = 0
        await pilot.press("R")  # the failed alone, confirmed first
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        await pilot.press("y")
        await until(
            pilot,
            lambda: (
                not app.desk.runs.busy and app.desk.journal.job(job.id).counts.get("removed") == 12
            ),
            60,
        )


async def test_hangup_stops_dispatch_keeps_the_journal_and_exits() -> None:
    app = quick_app(seconds_between_writes=0.2)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_members(pilot, 1, "harbour")
        await pilot.press("a", "d")
        app.screen.query_one("#typed", Input).value = "246"
        await pilot.click("#confirm")
        await until(pilot, lambda: isinstance(app.screen, ProgressScreen))
        # the screen shows at once; the job is in the journal once its plan is written
        await until(
            pilot,
            lambda: any(app.desk.runs.progress(j.id).done >= 10 for j in app.desk.journal.jobs()),
        )
        os.kill(os.getpid(), signal.SIGHUP)
        await until(pilot, lambda: app.return_code is not None)
    (job,) = app.desk.journal.jobs()
    assert job.state is JobState.INTERRUPTED and job.counts["pending"] > 0
    assert app.desk.journal.unfinished() == [job] or [
        j.id for j in app.desk.journal.unfinished()
    ] == [job.id]


def test_the_screenshot_command_writes_the_scenes_it_is_asked_for(tmp_path: Path) -> None:
    """The command the README gives; every scene's picture is checked by the snapshots."""
    out = tmp_path / "shots"
    done = subprocess.run(
        [sys.executable, "-m", "tests.scenes", "--out", str(out), "accounts", "history"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert {p.stem for p in out.glob("*.svg")} == {"accounts", "history"} < set(SCENES)
    assert all("SANDBOX" in p.read_text() for p in out.glob("*.svg"))


def test_serve_answers_a_browser_on_localhost() -> None:
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    sock.close()
    server = subprocess.Popen(
        [sys.executable, "-m", "tui", "--demo", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        said = ""
        for line in server.stdout:  # each line as the server says it; it ends if it dies
            said += line
            if line.startswith("Listening on"):
                break
        assert "Listening on localhost" in said, said
        page = httpx.get(f"http://localhost:{port}/", timeout=10)
        assert page.status_code == 200 and "textual.js" in page.text
        assert "RosterDeck" in page.text
    finally:
        server.terminate()
        server.wait(timeout=10)
