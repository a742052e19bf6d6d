"""The progress screen's views of a job: its plan at once, while the journal writes it; only
the failed, one member's story, following failures as they happen."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets._footer import FooterKey

from providers.jobs.events import Settled
from providers.jobs.plans import make_plan
from providers.jobs.progress import Progress
from providers.journal import Journal
from providers.journal.runners import Runner, busy_place
from providers.models import Container, ContainerKind, Member, MemberOutcome, Outcome, Provider
from providers.sandbox.apis import Sandbox
from tests.helpers import text_of, toasts
from tests.scenes import open_members, quick_app, until
from tui.dialogs.story import StoryScreen
from tui.messages import JobEnded
from tui.screens.members import MembersScreen
from tui.screens.progress import ProgressScreen, summary
from tui.widgets.outcome_table import OutcomeTable

GROUP = Container(id="s/g@g.us", name="Choir", kind=ContainerKind.GROUP)
PEOPLE = [Member(id="1"), Member(id="2")]

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
    await until(pilot, lambda: not app.desk.runs.busy)
    # and the screen has said so: its repaint tells the end after the job has ended
    await until(pilot, lambda: text_of(pilot, "#status").startswith("Job "))
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
        screen.post_message(JobEnded(app.desk.journal.job(screen.job_id)))  # news come late
        await pilot.pause()
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


async def test_only_the_failed_is_not_offered_when_none_failed() -> None:
    app = quick_app(Sandbox().unlimited())
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "space")
        screen = await run_to_the_end(pilot, "d", "y")
        assert screen.counts()["removed"] == 2
        offered = lambda: {key.description for key in screen.query(FooterKey)}  # noqa: E731
        await until(pilot, lambda: "Undo" in offered())
        assert "Failed" not in offered()
        await pilot.press("f", "F")
        assert screen.query_one(OutcomeTable).row_count == 2
        assert "Only the failed" not in text_of(pilot, "#status")
        assert "Following" not in text_of(pilot, "#status") and not screen.following


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
        await until(pilot, lambda: not app.desk.runs.busy)
        await until(
            pilot, lambda: table.current is not None and table.current.member.id == refused[1]
        )


async def test_the_column_holds_the_providers_words_and_the_line_below_says_all() -> None:
    sandbox = Sandbox().unlimited()
    whatsapp = sandbox.faults[Provider.WASEND]
    whatsapp.error_rate, whatsapp.error_status, whatsapp.methods = 1.0, 500, frozenset({"DELETE"})
    app = quick_app(sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space")
        screen = await run_to_the_end(pilot, "d", "y")
        table = screen.query_one(OutcomeTable)
        assert table.cells(0)[2:] == ["✗ failed", "Upstream failure."]
        said = text_of(pilot, "#said")
        member = table.items[0].member
        assert said.startswith(f"{member.name} · {member.address}: SERVER_ERROR: WaSend")
        assert "(HTTP 500) (Upstream failure.)" in said and said.endswith("when checked.")


async def test_the_line_below_names_the_member_whose_email_the_column_cuts() -> None:
    """At 80 columns an email is cut in its row; the line below the table names the member
    under the cursor whole, so whom a job removed can be read off the screen."""
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 2, "beta")
        await pilot.press("space")
        screen = await run_to_the_end(pilot, "d", "y")
        table = screen.query_one(OutcomeTable)
        member = table.items[0].member
        assert member.address is not None
        row = table.render_line(1).text
        assert member.address not in row and member.address[:10] in row  # cut, with an ellipsis
        assert text_of(pilot, "#said") == f"{member.name} · {member.address}"


class HeldJournal(Journal):
    """A journal whose plans wait, in the thread that writes them, until they are let go."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.writing, self.let_go = threading.Event(), threading.Event()

    def create(self, **plan: Any) -> str:
        self.writing.set()
        self.let_go.wait(timeout=60)
        return super().create(**plan)


async def test_a_confirmed_job_shows_its_plan_while_the_journal_writes_it(tmp_path: Path) -> None:
    journal = HeldJournal(tmp_path / "journal.sqlite3")
    app = quick_app(journal=journal)
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "space", "space", "d", "y")
        await until(pilot, journal.writing.is_set)
        screen = app.screen
        assert isinstance(screen, ProgressScreen) and not screen.job_id
        table = screen.query_one(OutcomeTable)
        assert table.row_count == 3 and text_of(pilot, "#counts").startswith("0/3 done")
        assert "Writing the plan to the journal" in text_of(pilot, "#status")
        await pilot.press("down")  # keys are handled meanwhile
        assert table.cursor == 1 and journal.jobs() == []
        journal.let_go.set()
        await until(pilot, lambda: bool(screen.job_id) and not app.desk.runs.busy)
        await until(pilot, lambda: "finished" in text_of(pilot, "#status"))
        assert text_of(pilot, "#counts").startswith("3/3 done") and app.screen is screen


async def test_leaving_a_plan_being_journaled_and_asking_again_loses_nothing(
    tmp_path: Path,
) -> None:
    journal = HeldJournal(tmp_path / "journal.sqlite3")
    app = quick_app(journal=journal)
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "d", "y")
        await until(pilot, journal.writing.is_set)
        await pilot.press("escape")  # back to the members, while the plan is written
        await until(pilot, lambda: isinstance(app.screen, MembersScreen))
        await pilot.press("d")  # another removal: refused, the first one goes on
        journal.let_go.set()
        await until(pilot, lambda: bool(journal.jobs()) and not app.desk.runs.busy)
        (job,) = journal.jobs()
        assert job.counts == {"removed": 1} and isinstance(app.screen, MembersScreen)


class TakenJournal(Journal):
    """A journal whose place is taken by another operator's job when a plan is written."""

    def create(self, **plan: Any) -> str:
        other = Runner("J-other", "choir", 4242, "far-away", "sam", "2026-12-02T09:00:00", False)
        raise busy_place(other, "Choir")


async def test_a_refused_plan_says_nothing_was_sent_once(tmp_path: Path) -> None:
    app = quick_app(journal=TakenJournal(tmp_path / "journal.sqlite3"))
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "d", "y")
        await until(pilot, lambda: "has a job running" in text_of(pilot, "#status"))
        said = text_of(pilot, "#status")
        assert said.startswith("✗ Choir has a job running: job J-other, run by sam on far-away")
        assert said.lower().count("nothing was sent") == 1


class ClaimedJournal(Journal):
    """A journal whose place is taken by another operator's job after the plan is written,
    as this one starts."""

    def claim(self, job_id: str) -> None:
        other = Runner("J-other", "choir", 4242, "far-away", "sam", "2026-12-02T09:00:00", False)
        raise busy_place(other, "Choir")


async def test_a_job_that_could_not_start_says_why_on_its_screen(tmp_path: Path) -> None:
    """Its plan is kept (r sends it once the place is free); why it did not run stays on the
    screen, not in a toast that is gone when the person looks."""
    app = quick_app(journal=ClaimedJournal(tmp_path / "journal.sqlite3"))
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "d", "y")
        await until(pilot, lambda: "has a job running" in text_of(pilot, "#status"))
        screen = app.screen
        assert isinstance(screen, ProgressScreen)
        said = text_of(pilot, "#status")
        assert said.startswith(f"Job {screen.job_id} planned — Choir has a job running: job J-")
        assert said.lower().count("nothing was sent") == 1
        assert not toasts(pilot)  # said once, where it stays
        assert screen.check_action("resume", ()) is True


def test_the_summary_says_starting_only_until_the_first_answer() -> None:
    progress = Progress.of_plan(make_plan("a", Provider.WASEND, GROUP, PEOPLE))
    assert summary(progress, running=True) == "0/2 done · starting"
    progress.apply(Settled((MemberOutcome(member_id="1", outcome=Outcome.REMOVED),)))
    said = summary(progress, running=True)
    assert said == "1/2 done  ✓ removed 1", "no pace known yet, and no longer starting"
