"""The app on the sandbox, driven to each of its main screens: for the screenshots in
`screenshots/` and for the snapshot tests, which compare the same scenes.

    python -m tests.scenes [--out screenshots] [--size 80x24]

writes one SVG per scene (and a PNG beside it when `rsvg-convert` is installed). Ids, times
and the user are fixed, so a second run changes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, TextArea

from providers.accounts.workspace import SandboxWorkspace
from providers.journal import Journal
from providers.sandbox.apis import Sandbox
from providers.sandbox.autosend import AutoSendState
from tui.app import RosterDeckApp

FAST = {
    "requests_per_second": 0,
    "seconds_between_writes": 0,
    "write_jitter": 0,
    "seconds_between_reads": 0,
    "read_jitter": 0,
}
Scene = Callable[[Pilot[Any]], Awaitable[None]]


def steady_journal(path: Path) -> Journal:
    """A journal whose job ids, times and user are the same on every run."""
    journal = Journal(path)
    ids = iter(range(1, 10_000))
    journal.now = lambda: "2026-11-23T09:30:00.000+00:00"
    journal.new_id = lambda: f"20261123-093000-{next(ids):06x}"
    journal.user = lambda: "support"
    journal.operator = lambda: "support from 192.0.2.10"
    journal.host = lambda: "desk-1"
    return journal


def steady_clock(step: float) -> Callable[[], float]:
    """A clock that moves `step` seconds each time it is read: a run's pace in a picture is
    then the same on every machine (here, WaSend's safe pace)."""
    ticks = iter(range(1_000_000))
    return lambda: next(ticks) * step


def quick_app(
    sandbox: Sandbox | None = None, /, *, journal: Journal | None = None, **options: float
) -> RosterDeckApp:
    """The app on a sandbox with no waiting: small lists, no pacing, no faults."""
    sandbox = sandbox or Sandbox(autosend=AutoSendState.seeded(big_list=2_000)).unlimited()
    return RosterDeckApp(SandboxWorkspace(sandbox, options={**FAST, **options}), journal)


async def until(pilot: Pilot[Any], condition: Callable[[], bool], seconds: float = 120) -> None:
    """Let the app run until `condition` holds (workers load in the background). The deadline
    only ends a test that would otherwise hang: a busy machine must never reach it."""
    async with asyncio.timeout(seconds):
        while not condition():
            await pilot.pause()  # until the app is idle again, then look


async def open_members(
    pilot: Pilot[Any], account_row: int, container: str, *, whole: bool = True
) -> None:
    """From the accounts screen, open an account (by row) and a container (by typed name),
    and wait for its members: all of them, or (`whole=False`) the first page."""
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
    await pilot.press(*("space" if c == " " else c for c in container), "enter", "enter")
    await until(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, MembersScreen)
            and (not pilot.app.screen.streaming if whole else pilot.app.screen.roster.loaded > 0)
        ),
    )


async def accounts(pilot: Pilot[Any]) -> None:
    table = pilot.app.screen.query_one(DataTable)
    await until(
        pilot,
        lambda: table.row_count == 3 and all("✓" in str(table.get_row_at(r)[3]) for r in range(3)),
    )


async def containers(pilot: Pilot[Any]) -> None:
    await accounts(pilot)
    await pilot.press("down", "enter")
    await until(pilot, lambda: bool(getattr(pilot.app.screen, "containers", None)))


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


async def confirm(pilot: Pilot[Any]) -> None:
    await open_members(pilot, 1, "choir")
    await pilot.press("a", "d")


async def community(pilot: Pilot[Any]) -> None:
    """A WhatsApp community's members, two marked, `d`: one job over each of its groups they
    are in, listed in the confirm dialog."""
    await open_members(pilot, 1, "riverside")
    await pilot.press("down", "space", "space", "d")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "ConfirmRemovalScreen")


async def in_progress(pilot: Pilot[Any]) -> None:
    """A removal caught mid-flight: six sent, one of them refused by WhatsApp (that member
    became the group's owner after the list was read), the seventh held unanswered."""
    app: Any = pilot.app
    app.desk.runs.clock = steady_clock(4.5)
    whatsapp = app.workspace.sandbox.wasend
    whatsapp.misbehaviour.hold_after = 5
    await open_members(pilot, 1, "harbour")
    promoted = [m for m in app.screen.roster.members if not m.locked][3]
    session, group = app.screen.container.id.split("/")
    whatsapp.groups[session][group]["participants"][promoted.id]["isSuperAdmin"] = True
    await pilot.press("a", "d")
    app.screen.query_one("#typed").value = "246"
    await pilot.click("#confirm")
    await until(pilot, lambda: bool(app.desk.runs.running) and _settled(app) >= 6)
    await until(pilot, lambda: _shown(pilot).startswith("6/"))


def _shown(pilot: Pilot[Any]) -> str:
    """What the progress screen's counts line shows now (it repaints on a timer)."""
    return str(pilot.app.screen.query_one("#counts").render())


def _settled(app: Any) -> int:
    job_id = next(iter(app.desk.runs.running), None)
    return app.desk.runs.progress(job_id).done if job_id else 0


async def finished(pilot: Pilot[Any]) -> None:
    await open_members(pilot, 1, "choir")
    await pilot.press("down", "space", "space", "space", "d", "y")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "ProgressScreen")
    await until(pilot, lambda: not pilot.app.desk.runs.busy)  # type: ignore[attr-defined]
    await until(pilot, lambda: "finished" in str(pilot.app.screen.query_one("#status").render()))


def status(pilot: Pilot[Any]) -> str:
    """What the current screen's status line says now."""
    return str(pilot.app.screen.query_one("#status").render())


async def find(pilot: Pilot[Any]) -> None:
    """`f`, one person's phone and email, enter: every account searched at once."""
    await accounts(pilot)
    app: Any = pilot.app
    person = app.workspace.sandbox.everywhere[0]
    await pilot.press("f", *person["phone"], "space", *person["email"], "enter")
    await until(pilot, lambda: "d removes them" in status(pilot))


async def everywhere(pilot: Pilot[Any]) -> None:
    """Then `d`, the count typed and a ticket, enter: one job over every place."""
    await find(pilot)
    await pilot.press("d")
    await until(pilot, lambda: bool(pilot.app.screen.query("#typed")))
    await pilot.press("5", "tab", *"T-4821 erasure request", "enter")
    app: Any = pilot.app
    await until(pilot, lambda: not app.desk.runs.busy and "finished" in status(pilot))


async def receipt(pilot: Pilot[Any]) -> None:
    """Then `e`: the receipt, written beside the exports and shown."""
    await everywhere(pilot)
    await pilot.press("e")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "ReceiptScreen")


async def history(pilot: Pilot[Any]) -> None:
    await finished(pilot)
    await pilot.press("escape", "escape", "escape", "h")


#: Account options a scene needs beyond `FAST`.
SCENE_OPTIONS: dict[str, dict[str, float]] = {
    "confirm": {"seconds_between_writes": 3, "write_jitter": 3},  # WaSend's safe pace
    "community": {"seconds_between_writes": 3, "write_jitter": 3},
}
SCENES: dict[str, Scene] = {
    "accounts": accounts,
    "containers": containers,
    "members": members,
    "filtered": filtered,
    "paste": paste,
    "help": help_screen,
    "confirm": confirm,
    "community": community,
    "progress-running": in_progress,
    "progress-finished": finished,
    "history": history,
    "find": find,
    "everywhere": everywhere,
    "receipt": receipt,
}


async def shoot(name: str, out: Path, size: tuple[int, int], home: Path) -> Path:
    journal = steady_journal(home / f"{name}.sqlite3")
    app = quick_app(journal=journal, **SCENE_OPTIONS.get(name, {}))
    async with app.run_test(size=size) as pilot:
        await SCENES[name](pilot)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        path = out / f"{name}.svg"
        app.save_screenshot(filename=path.name, path=str(out))
        app.desk.runs.interrupt_all()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a picture of every main screen.")
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--size", default="80x24", help="columns x rows")
    parser.add_argument("scenes", nargs="*", choices=[[], *SCENES], help="only these (all)")
    args = parser.parse_args()
    columns, rows = (int(n) for n in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    converter = shutil.which("rsvg-convert")
    out = args.out.resolve()
    with tempfile.TemporaryDirectory() as home:
        # the receipt's folder then reads the same in every picture, and nothing of yours moves
        os.chdir(home)
        os.environ["ROSTERDECK_HOME"] = "rosterdeck-home"
        for name in args.scenes or SCENES:
            svg = asyncio.run(shoot(name, out, (columns, rows), Path(home)))
            if converter:
                png = svg.with_suffix(".png")
                subprocess.run(
                    [converter, "-w", str(columns * 12), str(svg), "-o", str(png)], check=True
                )
            print(svg)


if __name__ == "__main__":
    main()
