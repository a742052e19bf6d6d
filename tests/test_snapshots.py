"""Pictures of every screen at 80x24 and 120x40, compared with the approved ones.

Regenerate after an intended change with `pytest tests/test_snapshots.py --snapshot-update`
and look at the report before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, TextArea

from providers import credentials
from providers.workspace import LocalWorkspace
from tests.tui_helpers import demo_app, open_members, until
from tui.app import RosterDeckApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
Steps = Callable[[Pilot[Any]], Awaitable[None]]


@pytest.fixture(autouse=True)
def steady_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the diagnostics screen reads must not depend on the machine."""
    monkeypatch.setenv("ROSTERDECK_HOME", "/home/support/.rosterdeck")
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
    await pilot.click("#mark")


async def help_screen(pilot: Pilot[Any]) -> None:
    await members(pilot)
    await pilot.press("question_mark")


async def diagnostics(pilot: Pilot[Any]) -> None:
    await accounts(pilot)
    await pilot.press("D")


SCREENS: dict[str, Steps] = {
    "accounts": accounts,
    "containers": containers,
    "members": members,
    "filtered": filtered,
    "paste": paste,
    "help": help_screen,
    "diagnostics": diagnostics,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(snap_compare: Any, screen: str, size: tuple[int, int]) -> None:
    assert snap_compare(demo_app(), terminal_size=size, run_before=SCREENS[screen])


@pytest.mark.parametrize("size", SIZES)
def test_welcome(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(RosterDeckApp(LocalWorkspace()), terminal_size=size)
