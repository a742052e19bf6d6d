"""Pictures of every screen at 80x24 and 120x40, compared with the approved ones.

Regenerate after an intended change with `pytest tests/test_snapshots.py --snapshot-update`
and look at the report before committing.
"""

from __future__ import annotations

import getpass
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, TextArea

from providers import credentials, journal
from providers.workspace import LocalWorkspace
from tests.tui_helpers import demo_app, open_members, until
from tui.app import RosterDeckApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
Steps = Callable[[Pilot[Any]], Awaitable[None]]


@pytest.fixture(autouse=True)
def steady_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """What the diagnostics screen reads must not depend on the machine (a relative home
    inside the test's own folder shows the same path everywhere)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ROSTERDECK_HOME", "rosterdeck-home")
    ids = iter(range(1, 100))
    monkeypatch.setattr(journal, "_now", lambda: "2026-11-23T09:30:00.000+00:00")
    monkeypatch.setattr(journal, "_new_id", lambda: f"20261123-093000-{next(ids):06x}")
    monkeypatch.setattr(getpass, "getuser", lambda: "support")
    monkeypatch.setenv("TERM", "xterm-256color")
    for name in ("SSH_CONNECTION", "TMUX", "STY", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    # Which other keyrings exist, and why they are unusable, differs between machines.
    others = [("keyring.backends.SecretService.Keyring", "not available: no D-Bus session")]
    monkeypatch.setattr(credentials, "_others", lambda chosen: others)


async def accounts(pilot: Pilot[Any]) -> None:
    table = pilot.app.screen.query_one(DataTable)
    await until(
        pilot,
        lambda: table.row_count == 3 and all("✓" in str(table.get_row_at(r)[3]) for r in range(3)),
    )


async def containers(pilot: Pilot[Any]) -> None:
    await accounts(pilot)
    await pilot.press("down", "enter")
    await until(
        pilot,
        lambda: (
            getattr(pilot.app.screen, "containers", None) is not None
            and bool(pilot.app.screen.containers)
        ),
    )


async def members(pilot: Pilot[Any]) -> None:
    await open_members(pilot, 1, "harbour")
    await pilot.press("down", "space", "space", "v", "down", "down", "v", "down")


async def filtered(pilot: Pilot[Any]) -> None:
    await members(pilot)
    await pilot.press("slash", "b", "e", "enter")


async def paste(pilot: Pilot[Any]) -> None:
    await members(pilot)
    await pilot.press("p")
    pilot.app.screen.query_one(TextArea).insert("+44 7700 900022\nnobody@example.com, 447700900014")
    pilot.app.screen.query_one("#csv").focus()
    await pilot.press("enter")  # a click would leave the button hovered and lit


async def help_screen(pilot: Pilot[Any]) -> None:
    await members(pilot)
    await pilot.press("question_mark")


async def diagnostics(pilot: Pilot[Any]) -> None:
    await accounts(pilot)
    await pilot.press("D")


async def confirm(pilot: Pilot[Any]) -> None:
    await open_members(pilot, 1, "choir")
    await pilot.press("a", "d")


async def finished(pilot: Pilot[Any]) -> None:
    await open_members(pilot, 1, "choir")
    await pilot.press("down", "space", "space", "space", "d", "y")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "ProgressScreen")
    await until(pilot, lambda: not pilot.app.jobs.running)  # type: ignore[attr-defined]
    await pilot.pause(0.2)


async def midway(pilot: Pilot[Any]) -> None:
    """A job stopped partway (as after a dropped link): settled, failed and pending rows."""
    from providers.journal import JobState
    from providers.models import MemberOutcome, Outcome
    from providers.removal import make_plan, record_plan

    await accounts(pilot)
    app: Any = pilot.app
    account, _ = app.workspace.sandbox.accounts()[1]
    adapter = await app.adapter(account.name)
    choir = next(c for c in await adapter.containers() if c.name == "Choir")
    members = [m async for p in adapter.members(choir) for m in p.members][:12]
    job_id = record_plan(
        app.jobs.journal, make_plan(account.name, account.provider, choir, members)
    )
    settled = [MemberOutcome(member_id=m.id, outcome=Outcome.REMOVED) for m in members[1:6]]
    failure = MemberOutcome(
        member_id=members[6].id, outcome=Outcome.FAILED, code="500", message="Upstream failure."
    )
    log = app.jobs.journal
    log.record(job_id, [*settled, failure])
    log.set_state(job_id, JobState.INTERRUPTED, "Interrupted; resume continues from here.")
    from tui.screens.progress import ProgressScreen

    await pilot.app.push_screen(ProgressScreen(job_id))
    await pilot.pause(0.2)


async def history(pilot: Pilot[Any]) -> None:
    await finished(pilot)
    await pilot.press("escape", "escape", "escape", "h")


SCREENS: dict[str, Steps] = {
    "accounts": accounts,
    "containers": containers,
    "members": members,
    "filtered": filtered,
    "paste": paste,
    "help": help_screen,
    "diagnostics": diagnostics,
    "confirm": confirm,
    "progress-midway": midway,
    "progress-finished": finished,
    "history": history,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(snap_compare: Any, screen: str, size: tuple[int, int]) -> None:
    assert snap_compare(demo_app(), terminal_size=size, run_before=SCREENS[screen])


@pytest.mark.parametrize("size", SIZES)
def test_welcome(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(RosterDeckApp(LocalWorkspace()), terminal_size=size)
