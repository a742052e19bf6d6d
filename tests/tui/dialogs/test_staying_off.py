"""The confirm dialog's part about staying off: a WhatsApp removal offers to keep them off
and to revoke the group's invite link (both off unless ticked, the link's cost to everyone
else said); an undo of someone on the register needs why it is overridden before Confirm
can be pressed."""

from __future__ import annotations

from textual.widgets import Button, Checkbox, Input, Static

from tests.helpers import jade, off_everywhere, text_of
from tests.scenes import open_members, quick_app, until
from tui.dialogs.confirm_removal import ConfirmRemovalScreen
from tui.screens.progress import ProgressScreen

SIZE = (100, 40)


async def test_a_whatsapp_removal_offers_to_keep_them_off_and_to_revoke_the_link() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        await pilot.press("down", "space", "d")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        suppress = app.screen.query_one("#suppress", Checkbox)
        revoke = app.screen.query_one("#revoke", Checkbox)
        assert not suppress.value and not revoke.value
        assert "do-not-re-add register" in str(suppress.label)
        assert "invite link" in str(revoke.label)
        said = " ".join(str(s.render()) for s in app.screen.query(".hint").results(Static))
        assert "refused unless overridden" in said
        assert "everyone else's link to Events team / Choir stops working" in said
        suppress.value = revoke.value = True
        await pilot.pause()
        assert str(app.screen.query_one("#dry-run", Checkbox).label).startswith("Dry run: off")
        await pilot.press("y")
        await until(
            pilot, lambda: isinstance(app.screen, ProgressScreen) and not app.desk.runs.busy
        )
        job = app.screen.job_id
        (entry,) = app.desk.journal.register.entries()
        assert entry.job_id == job
        assert [i.state for i in app.desk.journal.invites.of([job])] == ["revoked"]


async def test_an_undo_of_someone_on_the_register_needs_why_it_is_overridden() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        sandbox = app.workspace.sandbox
        everywhere = await off_everywhere(app.desk, jade(sandbox))
        part = next(
            p for p in app.desk.journal.everywhere(everywhere).parts if p.container.name == "Choir"
        )
        await pilot.pause()
        app.push_screen(ProgressScreen(part.id))
        await pilot.pause()
        await pilot.press("u")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        assert "asked to stay off" in text_of(pilot, "#explain")
        confirm = app.screen.query_one("#confirm", Button)
        assert confirm.disabled
        await pilot.press("y")
        assert isinstance(app.screen, ConfirmRemovalScreen), "y does nothing yet"
        assert app.screen.focused is app.screen.query_one("#override", Input)
        await pilot.press(*"T-4900 asked back in")
        assert not confirm.disabled
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, ConfirmRemovalScreen))
        await until(pilot, lambda: not app.desk.runs.busy)
        undo = app.desk.journal.jobs()[0]
        assert undo.undo_of == part.id
        override = app.desk.journal.register.overridden(undo.id)
        assert override is not None and override["reason"] == "T-4900 asked back in"
