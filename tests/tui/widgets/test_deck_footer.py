"""The footer: rebuilt only when what it shows changes; compact, without the palette's key,
under 100 columns."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from tui.widgets.deck_footer import DeckFooter


class Marks(Static, can_focus=True):
    BINDINGS = [Binding("space", "mark", "Mark")]

    def action_mark(self) -> None:
        """Only its key in the footer matters here."""


class Keys(App[None]):
    BINDINGS = [Binding("f2", "bell", "Bell")]

    def compose(self) -> ComposeResult:
        yield Input(id="first")
        yield Input(id="second")
        yield Marks("marks")
        yield DeckFooter()


def _keys(app: App[None]) -> list[FooterKey]:
    return list(app.query(FooterKey))


async def test_keys_are_rebuilt_only_when_what_they_show_changes() -> None:
    app = Keys()
    async with app.run_test(size=(120, 24)) as pilot:
        await pilot.pause()
        built = _keys(app)
        assert [k.description for k in built if k.description] == ["Bell", "palette"]
        await pilot.press("tab")  # the second field: the same keys
        await pilot.pause()
        assert app.focused is app.query_one("#second") and _keys(app) == built
        await pilot.press("tab")  # the marks: their key joins
        await pilot.pause()
        assert "Mark" in [k.description for k in _keys(app)]
        await pilot.press("shift+tab")
        await pilot.pause()
        assert "Mark" not in [k.description for k in _keys(app)]


async def test_under_100_columns_it_is_compact_without_the_palettes_key() -> None:
    app = Keys()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = app.query_one(DeckFooter)
        assert footer.compact and "palette" not in [k.description for k in _keys(app)]
        await pilot.resize_terminal(100, 24)
        await pilot.pause()
        assert not footer.compact and "palette" in [k.description for k in _keys(app)]
        await pilot.resize_terminal(99, 24)
        await pilot.pause()
        assert footer.compact and "palette" not in [k.description for k in _keys(app)]
