"""Paste phone numbers, emails or ids from a ticket (or name a CSV file) to mark them."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static, TextArea

from providers.errors import ConfigurationError
from providers.matching import PasteResult, entries_from_file, match, tokens
from tui.roster import Roster

SHOWN_UNMATCHED = 8


def report(result: PasteResult, marked: int) -> str:
    found = len(result.members)
    lines = [f"✓ {found} matched, {marked} newly marked."]
    if result.locked:
        names = ", ".join(m.name or m.address for m in result.locked[:3])
        lines.append(f"⊘ Locked, not marked ({len(result.locked)}): {names}")
    if result.unmatched:
        listed = ", ".join(result.unmatched[:SHOWN_UNMATCHED])
        more = (
            f" and {len(result.unmatched) - SHOWN_UNMATCHED} more"
            if len(result.unmatched) > SHOWN_UNMATCHED
            else ""
        )
        lines.append(f"✗ Matched nobody ({len(result.unmatched)}): {listed}{more}")
    return "\n".join(lines)


class PasteScreen(ModalScreen[int | None]):
    DEFAULT_CSS = """
    PasteScreen { align: center middle; }
    PasteScreen > Vertical {
        width: 76; max-width: 98%; height: auto; max-height: 98%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    PasteScreen TextArea { height: 8; }
    PasteScreen #report { margin-top: 1; }
    PasteScreen Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    PasteScreen Button { margin-left: 1; }
    """
    BINDINGS = [Binding("escape", "close", "Close", id="close-paste")]

    def __init__(self, roster: Roster) -> None:
        super().__init__()
        self.roster = roster
        self.marked: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                "Paste phone numbers, emails or ids (one per line, or commas)", markup=False
            )
            yield TextArea(id="paste")
            yield Input(placeholder="…or the path of a CSV file", id="csv")
            yield Static("", id="report", markup=False)
            with Horizontal():
                yield Button("Close", id="close")
                yield Button("Mark matches", id="mark", variant="primary")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "mark":
            self.mark()
        else:
            self.action_close()

    def on_input_submitted(self) -> None:
        self.mark()

    def mark(self) -> None:
        entries = tokens(self.query_one(TextArea).text)
        path = self.query_one("#csv", Input).value.strip()
        out = self.query_one("#report", Static)
        if path:
            try:
                entries += entries_from_file(Path(path).expanduser())
            except ConfigurationError as error:
                out.update(f"✗ {error}")
                return
            except OSError as error:
                out.update(f"✗ Could not read {path}: {error.strerror or error}")
                return
        if not entries:
            out.update("Nothing to match: paste some numbers, emails or ids first.")
            return
        result = match(entries, self.roster.members)
        before = len(self.roster.marked)
        self.roster.mark_ids(m.id for m in result.members)
        marked = len(self.roster.marked) - before
        self.marked = (self.marked or 0) + marked
        out.update(report(result, marked))

    def action_close(self) -> None:
        self.dismiss(self.marked)
