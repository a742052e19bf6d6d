"""The confirm dialog's guards, key by key: `y` and enter send nothing until the count (or a
source's name) is typed where one is asked, and a reason given where the account asks why."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Button, Input

from providers.jobs.proposal import Kind, Proposal
from tui.dialogs.confirm_removal import ConfirmRemovalScreen, Decision


class Host(App[None]):
    """The dialog alone over an empty app; what it decides is kept."""

    def __init__(self, proposal: Proposal) -> None:
        super().__init__()
        self.proposal = proposal
        self.decisions: list[Decision | None] = []

    def on_mount(self) -> None:
        self.push_screen(ConfirmRemovalScreen(self.proposal), self.decisions.append)


def proposal(word: str = "", *, why: bool = False) -> Proposal:
    return Proposal(
        kind=Kind.NEW,
        lines=("Remove from Choir: 25 members.",),
        word=word,
        label="Remove",
        reason_required=why,
    )


async def test_y_sends_nothing_until_the_count_is_typed() -> None:
    app = Host(proposal("25"))
    async with app.run_test() as pilot:
        dialog = app.screen
        assert isinstance(dialog, ConfirmRemovalScreen)
        typed = dialog.query_one("#typed", Input)
        assert app.focused is typed  # the cursor is where the count goes
        confirm = dialog.query_one("#confirm", Button)
        for attempt in ("", "24", "2 5 0"):
            typed.value = attempt
            dialog.query_one("#cancel", Button).focus()
            await pilot.press("y")
            assert app.screen is dialog and not app.decisions, attempt
            assert app.focused is typed  # sent back to the count
            assert confirm.disabled
        typed.value = "25"
        await pilot.pause()
        assert not confirm.disabled
        dialog.query_one("#cancel", Button).focus()
        await pilot.press("y")
        await pilot.pause()
        assert app.decisions == [Decision(go=True, dry_run=False, reason="", typed="25")]


async def test_enter_in_the_count_confirms_once_it_matches_however_grouped() -> None:
    app = Host(proposal("1200"))
    async with app.run_test() as pilot:
        await pilot.press(*"1,19", "enter")
        assert not app.decisions
        typed = app.screen.query_one("#typed", Input)
        typed.value = ""
        await pilot.press(*"1 200", "enter")
        await pilot.pause()
        assert app.decisions == [Decision(go=True, dry_run=False, reason="", typed="1 200")]


async def test_a_required_reason_holds_y_and_the_count_alone_is_not_enough() -> None:
    app = Host(proposal("25", why=True))
    async with app.run_test() as pilot:
        dialog = app.screen
        dialog.query_one("#typed", Input).value = "25"
        dialog.query_one("#cancel", Button).focus()
        await pilot.press("y")
        assert not app.decisions
        reason = dialog.query_one("#reason", Input)
        reason.value = "  T-4821   erasure "
        dialog.query_one("#cancel", Button).focus()
        await pilot.press("y")
        await pilot.pause()
        assert app.decisions == [
            Decision(go=True, dry_run=False, reason="T-4821 erasure", typed="25")
        ]


async def test_without_a_word_y_confirms_and_n_cancels() -> None:
    app = Host(proposal())
    async with app.run_test() as pilot:
        assert app.focused is app.screen.query_one("#cancel", Button)
        await pilot.press("n")
        await pilot.pause()
        assert app.decisions == [Decision(go=False)]
    app = Host(proposal())
    async with app.run_test() as pilot:
        await pilot.press("y")
        await pilot.pause()
        assert app.decisions == [Decision(go=True)]


async def test_a_letter_typed_on_a_button_is_said_to_go_nowhere_and_sends_nothing() -> None:
    """Focus starts on Cancel: a reason typed there is not silently lost (the Why field says
    where it goes, in place, hiding no button), and a stray letter never makes enter on
    Cancel confirm."""
    app = Host(proposal())
    async with app.run_test() as pilot:
        await pilot.press(*"T-1", "d")
        await pilot.pause()
        reason = app.screen.query_one("#reason", Input)
        assert reason.value == "" and reason.has_class("-nudged")
        said, way, rest = reason.placeholder.split(" · ", 2)
        assert said == "'d' went nowhere" and rest == "y: Remove · n: Cancel"
        assert not app._notifications
        assert app.focused is app.screen.query_one("#cancel", Button)
        await pilot.press("enter")
        await pilot.pause()
        assert app.decisions == [Decision(go=False)]
    assert way == "shift+tab: Why", "the shorter way round"


async def test_the_way_to_the_why_field_is_the_way_there() -> None:
    """The keys the nudge names, pressed, put the cursor in the Why field, from any button."""
    for start in ("#cancel", "#confirm", "#dry-run", "#words"):
        app = Host(proposal())
        async with app.run_test() as pilot:
            dialog = app.screen
            assert isinstance(dialog, ConfirmRemovalScreen)
            reason = dialog.query_one("#reason", Input)
            dialog.query_one(start).focus()
            await pilot.pause()
            await pilot.press("q")
            way = reason.placeholder.split(" · ")[1].removesuffix(": Why")
            key, _, times = way.partition(" ")
            count = {"": 1, "twice": 2}.get(times) or int(times.split()[0])
            await pilot.press(*[key] * count)
            assert app.focused is reason, (start, way)


async def test_a_letter_on_a_resume_which_has_no_why_field_is_said_in_a_notice() -> None:
    asked = Proposal(kind=Kind.RESUME, lines=("Resume job X: 3 members.",), word="", label="Resume")
    app = Host(asked)
    async with app.run_test() as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert [n.message for n in app._notifications] == [
            "'q' went nowhere · y: Resume · n: Cancel"
        ]
        assert not app.decisions
