"""Pictures of every scene at 80x24, and of the main screens at 120x40 too, compared with
the approved ones. 80x24 is where a screen is tight (a terminal over SSH); 120x40 shows how
the lists, a dialog and a job's screen use the room.

The scenes are the same ones `python -m tests.scenes` draws into screenshots/. Regenerate
after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update` and look at
the report before committing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from providers.accounts import credentials
from providers.accounts.workspace import LocalWorkspace
from tests.scenes import SCENE_OPTIONS, SCENES, accounts, quick_app, steady_journal
from tui.app import RosterDeckApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
#: the scenes also pictured at 120x40
WIDE = ("accounts", "members", "confirm", "progress-finished", "history")


@pytest.fixture(autouse=True)
def steady_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """What the diagnostics screen reads must not depend on the machine (a relative home
    inside the test's own folder shows the same path everywhere)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ROSTERDECK_HOME", "rosterdeck-home")
    monkeypatch.setenv("TERM", "xterm-256color")
    for name in ("SSH_CONNECTION", "TMUX", "STY", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    # Which other keyrings exist, and why they are unusable, differs between machines.
    others = [("keyring.backends.SecretService.Keyring", "not available: no D-Bus session")]
    monkeypatch.setattr(credentials, "_others", lambda chosen: others)
    # A field's cursor blinks every half second: a busy machine would take the picture on
    # either side of a blink. It stays shown.
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.mark.parametrize(
    ("scene", "size"),
    [
        pytest.param(scene, *size.values, id=f"{scene}-{size.id}")
        for scene in SCENES
        for size in SIZES
        if size.id == "80x24" or scene in WIDE
    ],
)
def test_scene(snap_compare: Any, scene: str, size: tuple[int, int], tmp_path: Path) -> None:
    app = quick_app(
        journal=steady_journal(tmp_path / "journal.sqlite3"), **SCENE_OPTIONS.get(scene, {})
    )
    assert snap_compare(app, terminal_size=size, run_before=SCENES[scene])


@pytest.mark.parametrize("size", SIZES)
def test_diagnostics(snap_compare: Any, size: tuple[int, int]) -> None:
    async def diagnostics(pilot: Pilot[Any]) -> None:
        await accounts(pilot)
        await pilot.press("D")

    assert snap_compare(quick_app(), terminal_size=size, run_before=diagnostics)


@pytest.mark.parametrize("size", SIZES)
def test_welcome(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(RosterDeckApp(LocalWorkspace()), terminal_size=size)
