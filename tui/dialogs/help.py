"""Every key of the screen below, with what it does."""

from __future__ import annotations

import re
from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tui.dialogs.modal import DeckModal
from tui.widgets.row_table import RowTable

#: bindings every list has (said once, as "Move"), the palette (said on its own row), and
#: Textual's own plumbing (tab between widgets, copy a selection), which needs no telling
UNSAID = (
    "scroll_",
    "page",
    "cursor",
    "jump",
    "select_cursor",
    "command_palette",
    "focus_",
    "copy_text",
)


def keys_of(screen: Screen[object], display: Callable[[Binding], str]) -> list[tuple[str, str]]:
    """Each thing this screen's keys do, once, with every key that does it ("A / ^\\"). Our
    bindings' tooltips are the longer way to say it, where the footer's word is short."""
    keys: dict[str, list[str]] = {}
    told: dict[str, str] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.action.rpartition(".")[2].startswith(UNSAID):
            # a list's own key (enter selects the row) that the screen says in its words
            own = screen._bindings.key_to_bindings.get(key, [])
            binding = next((b for b in own if b.description), binding)
        if not binding.description or binding.action.rpartition(".")[2].startswith(UNSAID):
            continue
        shown = display(Binding(key, binding.action)) or key
        said = keys.setdefault(binding.description, [])
        if shown not in said:
            said.append(shown)
        if binding.id is not None and binding.tooltip:  # Textual's own are longer than a row
            told.setdefault(binding.description, binding.tooltip)
    return [(" / ".join(keys), told.get(said, said)) for said, keys in keys.items()]


class HelpScreen(DeckModal[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="close-help")]

    def __init__(self, below: Screen[object]) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        with Vertical():
            kind = type(self.below).__name__.removesuffix("Screen")
            name = (
                getattr(self.below, "HELP_NAME", "")
                or re.sub(r"(?<!^)(?=[A-Z])", " ", kind).lower()
            )  # EverywhereProgress: 2 words
            yield Static(f"Keys on this screen ({name})", classes="head", markup=False)
            yield RowTable()
            yield Static("escape closes this help", classes="hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "What it does")
        for keys, description in keys_of(self.below, self.app.get_key_display):
            table.add_row(keys, description)
        table.add_row("↑ ↓ PgUp PgDn Home End", "Move")
        table.add_row(
            self.app.get_key_display(Binding("ctrl+p", "")), "Command palette: every action by name"
        )
        table.focus()
