"""A job's receipt, written beside the other exports (Markdown, JSON, CSV) and shown as the
person will attach it to the ticket."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from providers.accounts.workspace import verify_command
from providers.jobs.receipts import export
from tui.screens.base import DeckScreen
from tui.screens.progress import homely


class ReceiptScreen(DeckScreen):
    def __init__(self, job_id: str) -> None:
        super().__init__()
        self.job_id = job_id

    def heading(self) -> str:
        return f"Receipt of job {self.job_id}"

    def body(self) -> ComposeResult:
        workspace = self.deck.workspace
        journal = self.deck.desk.journal
        written = export(journal, self.job_id, workspace.exports_path(), verify_command(workspace))
        with VerticalScroll(id="receipt"):
            yield Markdown(written.read_text(encoding="utf-8"))
        yield Static(
            f"Receipt saved in {homely(written.parent)}:\n{written.name} (.json and .csv beside)",
            id="status",
            markup=False,
        )

    def on_mount(self) -> None:
        self.query_one("#receipt", VerticalScroll).focus()
