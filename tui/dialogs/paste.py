"""Paste phone numbers, emails or ids from a ticket (or name a CSV file) to mark them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static, TextArea

from providers.errors import ConfigurationError, ProviderError
from providers.matching import Given, PasteResult, entries_from_file, match, tokens
from providers.text import shown
from tui.dialogs.modal import DeckModal
from tui.roster import Roster

SHOWN_UNMATCHED = 8

#: asks the provider about the pasted rows the loaded members do not hold
LookUp = Callable[[Sequence[Given]], Awaitable[PasteResult]]


def report(result: PasteResult, marked: int, asked: str = "") -> str:
    found = len(result.members)
    lines = [f"✓ {found:,} matched, {marked:,} newly marked{asked}."]
    if result.locked:
        names = ", ".join(shown(m.name or m.address, 30) for m in result.locked[:3])
        lines.append(f"⊘ Locked, not marked ({len(result.locked):,}): {names}")
    for name, several in result.ambiguous.items():
        lines.append(
            f"? {len(several):,} people are called {shown(str(name), 30)}: not marked "
            "(paste a number or email)"
        )
    if result.unmatched:  # a spreadsheet row is one person: listed once, all its addresses
        listed = ", ".join(shown(str(row), 60) for row in result.unmatched[:SHOWN_UNMATCHED])
        more = (
            f" and {len(result.unmatched) - SHOWN_UNMATCHED:,} more"
            if len(result.unmatched) > SHOWN_UNMATCHED
            else ""
        )
        lines.append(f"✗ Matched nobody ({len(result.unmatched):,}): {listed}{more}")
    return "\n".join(lines)


class PasteScreen(DeckModal[int | None]):
    BINDINGS = [
        Binding("escape", "close", "Close", id="close-paste"),
        Binding("ctrl+s", "mark", "Mark matches", id="mark-matches"),
    ]

    def __init__(self, roster: Roster, look_up: LookUp | None = None) -> None:
        """`look_up` is given while the list is not fully loaded: what the loaded rows do
        not match is then asked of the provider, at a few calls an entry."""
        super().__init__()
        self.roster = roster
        self.look_up = look_up
        self.marked: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                "Paste phones, emails or ids (a line each, or commas) · ctrl+s marks",
                markup=False,
            )
            yield TextArea(id="paste")
            yield Input(placeholder="…or the path of a CSV file", id="csv", classes="line")
            yield Static("", id="report", markup=False)
            with Horizontal(classes="buttons"):
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

    def action_mark(self) -> None:
        self.mark()

    def mark(self) -> None:
        entries: list[Given] = [*tokens(self.query_one(TextArea).text)]
        path = self.query_one("#csv", Input).value.strip()
        out = self.query_one("#report", Static)
        if path:
            try:
                entries += entries_from_file(Path(path).expanduser())
            except ConfigurationError as error:
                out.update(f"✗ {shown(str(error))}")
                return
            except OSError as error:
                out.update(f"✗ Could not read {path}: {error.strerror or error}")
                return
        if not entries:
            out.update("Nothing to match: paste some numbers, emails or ids first.")
            return
        result = match(entries, self.roster.members)
        marked = self.keep(result)
        if self.look_up is None or not result.unmatched:
            out.update(report(result, marked))
            return
        found = (
            f"✓ {len(result.members):,} matched in the rows loaded so far. "
            if result.members
            else ""
        )
        out.update(f"{found}Asking the provider about {len(result.unmatched):,} not loaded yet…")
        self.ask_provider(result, marked)

    def keep(self, result: PasteResult) -> int:
        """Add what was found to the roster and mark it; returns how many were newly marked."""
        self.roster.extend(result.members)
        before = len(self.roster.marked)
        self.roster.mark_ids(m.id for m in result.members)
        marked = len(self.roster.marked) - before
        self.marked = (self.marked or 0) + marked
        return marked

    @work(exclusive=True, group="paste-lookup")
    async def ask_provider(self, local: PasteResult, marked: int) -> None:
        assert self.look_up is not None
        out = self.query_one("#report", Static)
        try:
            asked = await self.look_up(local.unmatched)
        except ProviderError as error:
            failed = shown(str(error))
            out.update(f"{report(local, marked)}\n✗ The provider's search failed: {failed}")
            return
        marked += self.keep(asked)
        combined = PasteResult(
            matched={**local.matched, **asked.matched},
            unmatched=asked.unmatched,
            locked=local.locked + asked.locked,
            ambiguous={**local.ambiguous, **asked.ambiguous},
        )
        out.update(report(combined, marked, " (found by the provider's search)"))

    def action_close(self) -> None:
        self.dismiss(self.marked)
