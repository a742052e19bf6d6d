"""Every key of the screen below, with what it does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static


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
        seen: set[str] = set()
        for key, active in self.below.active_bindings.items():
            binding = active.binding
            if (
                not binding.description
                or binding.description in seen
                or binding.action.startswith(("scroll_", "page_"))
            ):
                continue
            seen.add(binding.description)
            table.add_row(self.app.get_key_display(binding) or key, binding.description)
        table.add_row(
            self.app.get_key_display(Binding("ctrl+p", "")), "Command palette: every action by name"
        )
