"""Helpers for driving the app: a demo app, and waiting until a condition holds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Static

from providers.sandbox import Sandbox
from providers.sandbox.autosend import AutoSendState
from providers.workspace import SandboxWorkspace
from tui.app import RosterDeckApp

FAST = {"requests_per_second": 0, "seconds_between_writes": 0}


def demo_app(sandbox: Sandbox | None = None, **options: float) -> RosterDeckApp:
    sandbox = sandbox or Sandbox(autosend=AutoSendState.seeded(big_list=2_000)).unlimited()
    return RosterDeckApp(SandboxWorkspace(sandbox, options={**FAST, **options}))


async def until(pilot: Pilot[object], condition: Callable[[], bool], seconds: float = 10) -> None:
    """Let the app run until `condition` holds (workers load in the background)."""
    async with asyncio.timeout(seconds):
        while not condition():
            await pilot.pause(0.02)


def text_of(pilot: Pilot[object], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).render())


async def open_members(pilot: Pilot[object], account_row: int, container: str) -> None:
    """From the accounts screen, open an account (by row) and a container (by name)."""
    from textual.widgets import DataTable

    from tui.screens.containers import ContainersScreen
    from tui.screens.members import MembersScreen

    await until(pilot, lambda: pilot.app.screen.query_one(DataTable).row_count == 3)
    await pilot.press(*["down"] * account_row, "enter")
    await until(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, ContainersScreen) and bool(pilot.app.screen.containers)
        ),
    )
    for character in container:
        await pilot.press(character if character != " " else "space")
    await pilot.press("enter", "enter")
    await until(
        pilot,
        lambda: isinstance(pilot.app.screen, MembersScreen) and not pilot.app.screen.streaming,
    )
