"""The progress screen's views of a job: only the failed, one member's story, following
failures as they happen."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from providers.sandbox import Sandbox
from tests.helpers import text_of
from tests.scenes import open_members, quick_app, until
from tui.dialogs.story import StoryScreen
from tui.screens.members import MembersScreen
from tui.screens.progress import ProgressScreen
from tui.widgets.outcome_table import OutcomeTable

SIZE = (80, 24)


def promote(app: Any, sandbox: Sandbox, positions: list[int]) -> list[str]:
    """Make these of the marked members the group's owners behind our back: WhatsApp will
    refuse to remove them. Returns their ids, in the order they will be sent."""
    screen = app.screen
    assert isinstance(screen, MembersScreen)
    marked = screen.roster.marked_members()
    session, group = screen.container.id.split("/")
    for position in positions:
        sandbox.wasend.groups[session][group]["participants"][marked[position].id][
            "isSuperAdmin"
        ] = True
    return [marked[p].id for p in positions]


async def run_to_the_end(pilot: Pilot[Any], *keys: str) -> ProgressScreen:
    app: Any = pilot.app
    await pilot.press(*keys)
    await until(pilot, lambda: isinstance(app.screen, ProgressScreen))
    await until(pilot, lambda: not app.desk.running)
    screen = app.screen
    assert isinstance(screen, ProgressScreen)
    return screen


async def test_failed_only_and_a_members_story() -> None:
    sandbox = Sandbox().unlimited()
    app = quick_app(sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "space", "space", "space")
        (refused,) = promote(app, sandbox, [2])
        screen = await run_to_the_end(pilot, "d", "y")
        table = screen.query_one(OutcomeTable)
        assert table.row_count == 4
        await pilot.press("f")
        assert [i.member.id for i in table.items] == [refused]
        assert "Only the failed" in text_of(pilot, "#status")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, StoryScreen))
        story = app.screen
        assert isinstance(story, StoryScreen)
        states = [s.state for s in story.steps]
        assert states == ["pending", "sending", "failed"]
        assert "group owner" in story.steps[-1].message
        await pilot.press("escape")
        await pilot.press("f")
        assert table.row_count == 4


async def test_follow_failures_moves_to_each_as_it_happens() -> None:
    sandbox = Sandbox().unlimited()
    app = quick_app(sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", *["space"] * 8)
        refused = promote(app, sandbox, [1, 6])
        sandbox.wasend.misbehaviour.hold_after = 3  # the fourth removal waits
        await pilot.press("d", "y")
        await until(pilot, lambda: isinstance(app.screen, ProgressScreen))
        screen = app.screen
        assert isinstance(screen, ProgressScreen)
        await pilot.press("F")
        assert "Following failures" in text_of(pilot, "#status")
        table = screen.query_one(OutcomeTable)
        await until(pilot, lambda: screen.progress(screen.job_id).last_failed == refused[0])
        await until(
            pilot, lambda: table.current is not None and table.current.member.id == refused[0]
        )
        sandbox.wasend.misbehaviour.release.set()
        sandbox.wasend.misbehaviour.hold_after = None
        await until(pilot, lambda: not app.desk.running)
        await until(
            pilot, lambda: table.current is not None and table.current.member.id == refused[1]
        )
