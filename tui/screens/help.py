"""Every key of the screen below, with what it does."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

#: bindings every list has, said once as "Move", and the palette, said on its own row
MOVING = ("scroll_", "page", "cursor", "jump", "select_cursor", "command_palette")


def keys_of(screen: Screen[object], display: Callable[[Binding], str]) -> list[tuple[str, str]]:
    """Each thing this screen's keys do, once, with every key that does it ("A / ^\\"). The
    binding's tooltip is the longer way to say it, where the footer's word is short."""
    keys: dict[str, list[str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.action.startswith(MOVING):
            continue
        shown = display(Binding(key, binding.action)) or key
        said = keys.setdefault(binding.tooltip or binding.description, [])
        if shown not in said:
            said.append(shown)
    return [(" / ".join(shown), description) for description, shown in keys.items()]


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 72; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    HelpScreen DataTable { height: auto; max-height: 20; }
    """
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="close-help")]

    def __init__(self, below: Screen[object]) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        with Vertical():
            name = type(self.below).__name__.removesuffix("Screen").lower()
            yield Static(f"Keys on this screen ({name})", markup=False)
            yield DataTable(cursor_type="row", zebra_stripes=True)
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
