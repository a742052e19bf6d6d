"""Confirming a big removal: how long from the confirm key to the progress screen drawn, and
how long the slowest key waited from then until the job ran (while its plan was journaled),
at 10,000 and 100,000 members of an AutoSend list. Run:

    python tests/benchmarks/confirm_big.py [--members 10000 100000]

A key is typed every 10 ms (from a thread, as the terminal's reader does) from the confirm key
until the job runs; each one's wait is the time from its typing to the app handling it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from textual import events
from textual.screen import Screen

import tui.app
from providers.accounts.workspace import SandboxWorkspace
from providers.journal import Journal
from providers.sandbox.apis import Sandbox
from providers.sandbox.autosend import AutoSendState
from tests.scenes import FAST, open_members, until
from tui.app import RosterDeckApp
from tui.screens.progress import ProgressScreen

PROBE = "f12"  # bound to nothing: handling it does nothing but say when it was handled


class Timed(RosterDeckApp):
    """The app, noting when each probe key is handled and when a progress screen is first
    laid out with its counts."""

    CSS_PATH = Path(tui.app.__file__).with_name("rosterdeck.tcss")
    handled: list[float]

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and event.key == PROBE and not event.is_forwarded:
            self.handled.append(time.perf_counter())
        await super().on_event(event)

    def watch_for_progress(self) -> asyncio.Future[float]:
        """When the next progress screen is laid out with its counts line: told by Textual's
        screen signals as it happens, not looked for on a clock."""
        drawn: asyncio.Future[float] = asyncio.get_running_loop().create_future()

        def laid_out(screen: Screen[object]) -> None:
            if not drawn.done() and _drawn(screen):
                drawn.set_result(time.perf_counter())

        def changed(screen: Screen[object]) -> None:
            if isinstance(screen, ProgressScreen):
                screen.screen_layout_refresh_signal.subscribe(self, laid_out, immediate=True)

        self.screen_change_signal.subscribe(self, changed, immediate=True)
        return drawn


async def confirm(members: int, home: Path) -> tuple[float, list[float]]:
    """Seconds from the confirm key to the progress screen drawn, and each key's wait."""
    sandbox = Sandbox(autosend=AutoSendState.seeded(big_list=members)).unlimited()
    app = Timed(SandboxWorkspace(sandbox, options=FAST), Journal(home / "journal.sqlite3"))
    app.handled = []
    sent: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await open_members(pilot, 2, "monthly")
        await pilot.press("a", "d")
        await until(pilot, lambda: bool(app.screen.query("#typed")))
        app.screen.query_one("#typed").value = str(members)  # type: ignore[attr-defined]

        loop = asyncio.get_running_loop()
        done, typing_started = threading.Event(), threading.Event()

        def probe() -> None:
            """A key every 10 ms, as a terminal hands them in, from just before the confirm
            key until the job runs."""
            while not (done.is_set() or app.desk.runs.running or app.desk.runs.ended_at):
                sent.append(time.perf_counter())
                loop.call_soon_threadsafe(app.post_message, events.Key(PROBE, None))
                typing_started.set()
                done.wait(0.01)  # the typist's pace; it stops at once when told

        typing = threading.Thread(target=probe)
        typing.start()
        try:
            await asyncio.to_thread(typing_started.wait)
            drawn = app.watch_for_progress()
            started = time.perf_counter()
            app.post_message(events.Key("enter", "\r"))
            shown = await drawn - started
            await until(pilot, lambda: bool(app.desk.runs.running or app.desk.runs.ended_at))
        finally:
            done.set()
            typing.join()
        await until(pilot, lambda: len(app.handled) == len(sent))
        app.desk.runs.interrupt_all()
        await until(pilot, lambda: not app.desk.runs.running)
    return shown, [handled - posted for posted, handled in zip(sent, app.handled, strict=True)]


def _drawn(screen: Any) -> bool:
    """The screen is mounted and has painted its counts line once."""
    return bool(screen.is_mounted and str(screen.query_one("#counts").render()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'members':>8}  {'confirm → progress screen':>26}  {'key: median':>12}  slowest  keys")
    for members in args.members:
        with tempfile.TemporaryDirectory() as home:
            shown, waits = asyncio.run(confirm(members, Path(home)))
        median, slowest = statistics.median(waits) * 1000, max(waits) * 1000
        print(
            f"{members:>8,}  {shown * 1000:>23.0f} ms  {median:>9.0f} ms  {slowest:>4.0f} ms"
            f"  {len(waits):>4}"
        )


if __name__ == "__main__":
    main()
