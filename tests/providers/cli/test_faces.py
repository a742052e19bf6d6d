"""The shell and the app are two faces of one desk: the same plan reads the same in both, and
every action that sends is agreed in both (on the terminal, or with --yes)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from providers.accounts.workspace import SPED_UP_DEMO, SandboxWorkspace
from providers.jobs.plans import make_plan, record_plan
from providers.journal import Journal
from providers.journal.records import JobState
from providers.models import Container, ContainerKind, Member, Provider
from providers.sandbox.apis import Sandbox
from tests.helpers import run, text_of, toasts
from tests.scenes import open_members, until
from tui.app import RosterDeckApp
from tui.demo import demo_workspace
from tui.dialogs.confirm_removal import ConfirmRemovalScreen


def choir(capsys: pytest.CaptureFixture[str]) -> tuple[str, list[dict[str, Any]]]:
    _, out, _ = run(capsys, "--demo", "containers", "sandbox-wasend", "--json")
    group = next(g for g in json.loads(out) if g["name"] == "Choir")
    _, out, _ = run(capsys, "--demo", "members", "sandbox-wasend", group["id"], "--json")
    return group["id"], [m for m in json.loads(out)["members"] if not m["locked"]]


async def in_the_app() -> tuple[str, str, list[Member]]:
    """Three members of Choir marked in the demo, `d`: what the confirm dialog says."""
    app = RosterDeckApp(demo_workspace())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "space", "space")
        marked: list[Member] = app.screen.roster.marked_members()  # type: ignore[attr-defined]
        group_id: str = app.screen.container.id  # type: ignore[attr-defined]
        await pilot.press("d")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        said = text_of(pilot, "#explain")
        await pilot.press("escape")
    return said, group_id, marked


def test_the_shell_words_a_plan_as_the_app_dialog_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    said, group_id, marked = asyncio.run(in_the_app())
    code, out, err = run(
        capsys, "--demo", "remove", "sandbox-wasend", group_id, *(m.id for m in marked)
    )
    assert code == 1 and "Refusing to remove without --yes" in err
    assert out == said + "\n", "one desk, one wording"
    assert "Who: " + ", ".join(m.name for m in marked) in out


def interrupted(journal: Journal, members: list[dict[str, Any]], group_id: str) -> str:
    """A job the demo journaled and then lost its process: two members still due."""
    group = Container(id=group_id, name="Choir", kind=ContainerKind.GROUP, parent="Events team")
    chosen = [Member.from_dict({k: str(v) for k, v in m.items()}) for m in members[:2]]
    job_id = record_plan(journal, make_plan("sandbox-wasend", Provider.WASEND, group, chosen))
    journal.set_state(job_id, JobState.INTERRUPTED, "The process ended before it finished.")
    return job_id


def test_resume_and_undo_without_a_terminal_or_yes_refuse_and_say_why(
    capsys: pytest.CaptureFixture[str],
) -> None:
    group_id, members = choir(capsys)
    workspace = SandboxWorkspace(Sandbox().unlimited(), options=SPED_UP_DEMO)
    job_id = interrupted(Journal(workspace.journal_path()), members, group_id)

    code, out, err = run(capsys, "--demo", "resume", job_id)
    assert code == 1 and "Refusing to resume without --yes: there is no terminal" in err
    assert out.startswith(f"Resume job {job_id}: remove from Events team / Choir")
    assert "To send: 2 (2 still due)." in out and "It stopped: The process ended" in out

    code, out, _ = run(capsys, "--demo", "resume", job_id, "--yes")
    assert code == 0 and out.count("✓ removed  ") == 2

    code, out, err = run(capsys, "--demo", "undo", job_id)
    assert code == 1 and "Refusing to add back without --yes" in err
    assert out.startswith("Add back to Events team / Choir: 2 members.")
    code, out, _ = run(capsys, "--demo", "retry", job_id, "--yes")
    assert code == 0 and "Nothing failed" in out


async def refused_in_the_app() -> tuple[list[str], int]:
    """Staff Rota, where the demo's number is no admin: a member marked, `d`. What the app
    says, and how many removals reached WhatsApp."""
    sandbox = Sandbox().unlimited()
    app = RosterDeckApp(SandboxWorkspace(sandbox, options=SPED_UP_DEMO))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_members(pilot, 1, "staff")
        assert "⊘ Not removable: this number is not an admin" in text_of(pilot, "#status")
        await pilot.press("down", "space", "d")
        await until(pilot, lambda: bool(toasts(pilot)))
        said = toasts(pilot)
    return said, len(sandbox.wasend.removals)


def test_both_faces_refuse_a_group_whose_number_is_no_admin_in_one_sentence(
    capsys: pytest.CaptureFixture[str],
) -> None:
    said, removals = asyncio.run(refused_in_the_app())
    _, out, _ = run(capsys, "--demo", "members", "sandbox-wasend", "Staff Rota", "--json")
    phone = next(m["address"] for m in json.loads(out)["members"] if not m["locked"])
    code, out, err = run(capsys, "--demo", "remove", "sandbox-wasend", "Staff Rota", phone, "--yes")
    assert code == 1 and not out
    assert [f"rosterdeck: {s}" for s in said] == [err.strip()] and removals == 0
    assert said[0].startswith("Nothing can be sent to Front desk / Staff Rota: this number is not")
