"""The demo's jobs, exports and sandbox data live apart from real ones, are shared by every
process of the demo, and reset together."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from providers.accounts.workspace import LocalWorkspace
from providers.journal.records import JobState
from tests.helpers import run, text_of
from tests.scenes import open_members, quick_app, until
from tui.app import RosterDeckApp
from tui.demo import demo_workspace
from tui.screens.accounts import AccountsScreen
from tui.screens.progress import ProgressScreen

SIZE = (80, 24)


async def test_the_demo_keeps_its_history_and_exports_apart_and_resets_them() -> None:
    home = Path(os.environ["ROSTERDECK_HOME"])
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "d", "y")
        await until(
            pilot, lambda: isinstance(app.screen, ProgressScreen) and not app.desk.runs.busy
        )
        (job,) = app.desk.journal.jobs()
        assert job.state is JobState.FINISHED
        await pilot.press("e")
        await until(pilot, lambda: "Receipt saved in" in text_of(pilot, "#status"))
        exports = list((home / "demo" / "exports").glob("*.md"))
        assert len(exports) == 1 and exports[0].name in text_of(pilot, "#status")
        assert app.workspace.journal_path() == home / "demo" / "journal.sqlite3"
        mine = LocalWorkspace()
        assert mine.journal_path().parent == home and mine.exports_path() == home / "exports"
        assert not (home / "exports").exists() and not (home / "journal.sqlite3").exists()

        reset = next(c for c in app.get_system_commands(app.screen) if c.title == "Reset the demo")
        await reset.callback()
        await until(pilot, lambda: isinstance(app.screen, AccountsScreen))
        assert app.desk.journal.jobs() == []
        assert not (home / "demo" / "exports").exists()


JADE = "+12025550105"  # in two RASL groups of the demo, one of them Newsletter (WhatsApp)


async def in_the_app_then_reset() -> tuple[bool, bool]:
    """Is Jade among Newsletter (WhatsApp)'s members in the app, before and after a reset?"""
    app = RosterDeckApp(demo_workspace())
    listed: list[bool] = []
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(2):
            await open_members(pilot, 0, "newsletter")
            members = app.screen.roster.members  # type: ignore[attr-defined]
            listed.append(any(m.address == JADE for m in members))
            if len(listed) == 1:
                palette = app.get_system_commands(app.screen)
                reset = next(c for c in palette if c.title == "Reset the demo")
                await reset.callback()
                await until(pilot, lambda: bool(app.screen.query("#accounts")))
    return listed[0], listed[1]


def test_the_demo_remembers_who_was_removed_in_every_process_until_reset(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "--demo", "remove", "sandbox-rasl", "group:3", JADE, "--yes")
    assert code == 0 and "✓ removed" in out
    _, out, _ = run(capsys, "--demo", "find", JADE)
    assert "Newsletter (WhatsApp)" not in out and "Lapsed Members" in out
    before, after = asyncio.run(in_the_app_then_reset())
    assert not before, "the app shows what the shell did"
    assert after, "a reset brings back the seeded people"
    _, out, _ = run(capsys, "--demo", "find", JADE)
    assert "Newsletter (WhatsApp)" in out
    code, out, _ = run(capsys, "--demo", "jobs")
    assert code == 0 and "sandbox-rasl" not in out


def test_the_demo_receipt_names_the_verify_command_that_holds_for_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A receipt tells how to check it; for the demo's, that command reaches the demo's
    journal, and run as printed it finds the journal whole."""
    run(capsys, "--demo", "remove", "sandbox-rasl", "group:3", JADE, "--yes")
    (job,) = json.loads(run(capsys, "--demo", "jobs", "--json")[1])
    _, written, _ = run(capsys, "--demo", "jobs", "receipt", job["id"])
    receipt = tmp_path / "receipt.md"
    receipt.write_text(written)
    printed = written.split("`rosterdeck ")[-1].split(" FILE`")[0].split()
    assert printed == ["--demo", "jobs", "verify", "--receipt"]
    code, out, _ = run(capsys, *printed, str(receipt))
    assert code == 0 and "✓ The journal is whole" in out


def test_every_command_the_demo_prints_names_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    """What the demo's shell says to run (in its output, its receipts, its refusals) reaches
    the demo's journal as printed; a sentence that cannot know (deep in the journal) names the
    command without the program, never the program without `--demo`."""
    said = run(capsys, "--demo", "remove", "sandbox-rasl", "group:3", JADE, "--yes", "--suppress")
    (job,) = json.loads(run(capsys, "--demo", "jobs", "--json")[1])
    said += run(capsys, "--demo", "jobs", "receipt", job["id"])
    said += run(capsys, "--demo", "jobs", "receipt", "20990101-000000-000000")
    said += run(capsys, "--demo", "suppressed", "remove", "nobody", "--reason", "test")
    said += run(capsys, "--demo", "containers", "sandbox-rasl", "--json")
    said += run(capsys, "--demo", "members", "sandbox-rasl", "group:999")
    text = "\n".join(str(part) for part in said)
    assert "Not swept yet: a sweep checks it." in text
    assert "No job '20990101-000000-000000' in the journal (the `jobs` command" in text
    assert "rosterdeck " in text
    for printed in text.split("rosterdeck ")[1:]:
        assert printed.startswith("--demo "), printed[:60]
