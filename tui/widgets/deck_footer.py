"""Textual's footer, rebuilt only when what it shows changes, and compact when narrow.

Textual's footer rebuilds every key at each change of focus and each refresh of the
bindings, even when the keys it shows are the same, and each key it builds costs a restyle:
on a screen that moves focus or refreshes its bindings as a job runs, that was a tenth of the
app's drawing. This one rebuilds when a key it shows, its words or whether it is enabled
change, or the width crosses `NARROW`.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

#: under this many columns the footer's keys go without the gaps between them and the
#: palette's key is left to the help (`?`), or the last would be cut: a cancelled job's
#: keys take 84 columns even without the gaps
NARROW = 100


def _showing(screen: Screen[object]) -> tuple[Hashable, ...]:
    """What a footer on `screen` would show: each shown key, its words, whether enabled."""
    return tuple(
        (binding.key, binding.action, binding.description, binding.group, enabled, tooltip)
        for _, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show
    )


class DeckFooter(Footer):
    def __init__(self) -> None:
        super().__init__()
        #: what the keys built show
        self._built_for: tuple[Hashable, ...] | None = None

    def _wanted(self, screen: Screen[object]) -> tuple[Hashable, ...]:
        return (self.compact, self.show_command_palette, _showing(screen))

    def compose(self) -> ComposeResult:
        self._fit(self.app.size.width)
        keys = list(super().compose())
        if keys:  # none: the bindings were not ready yet
            self._built_for = self._wanted(self.screen)
        yield from keys

    async def recompose(self) -> None:
        """Asked after every change of focus or bindings; done when the keys would differ."""
        if not self.is_attached or self._pruning:  # its screen is going: nothing to build
            return
        built = self._built_for  # None: nothing built yet, the screen may still be mounting
        if built is None or built != self._wanted(self.screen):
            await super().recompose()

    def on_resize(self, event: events.Resize) -> None:
        if self._fit(event.size.width):
            self.refresh(recompose=True)

    def _fit(self, width: int) -> bool:
        """Compact under `NARROW` columns; whether that changed."""
        narrow = width < NARROW
        if self.compact == narrow:
            return False
        self.compact = narrow
        self.show_command_palette = not narrow
        return True
