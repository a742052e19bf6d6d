"""Past jobs: who ran them, when, on which account and container, with their counts."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from providers.models import STATE_WORDS
from providers.removal import VERBS
from tui.screens.base import DeckScreen


def outcomes(counts: Mapping[str, int]) -> str:
    """`52 ✓ removed · 1 ✗ failed`: the number, then the state's glyph and word."""
    return " · ".join(f"{n} {STATE_WORDS.get(s, s)}" for s, n in sorted(counts.items()) if n)


class HistoryScreen(DeckScreen):
    BINDINGS = [Binding("enter", "open", "Open job", id="open-job")]

    def heading(self) -> str:
        return "History — every removal job, newest first"

    def body(self) -> ComposeResult:
        yield DataTable(id="jobs", cursor_type="row", zebra_stripes=True)
        yield Static("", id="status", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("When (UTC), who", "Account, what", "State, outcomes")
        self.on_screen_resume()
        table.focus()

    def on_screen_resume(self) -> None:
        """Two lines a job, so that every word fits in 80 columns: nothing is a bare glyph."""
        table = self.query_one(DataTable)
        table.clear()
        jobs = self.deck.jobs.journal.jobs()
        for job in jobs:
            what = f"{VERBS[job.operation]} {job.container.name}" + (
                " (dry run)" if job.dry_run else ""
            )
            table.add_row(
                f"{job.created_at[5:16].replace('T', ' ')}\n{job.user}",
                f"{job.account}\n{what}",
                f"{job.state.value}\n{outcomes(job.counts)}",
                key=job.id,
                height=2,
            )
        self.query_one("#status", Static).update(
            f"{len(jobs)} job{'s' * (len(jobs) != 1)} · enter opens one (export, retry, undo)"
            if jobs
            else "No jobs yet."
        )

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            from tui.screens.progress import ProgressScreen

            job_id = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
            self.app.push_screen(ProgressScreen(job_id))

    def on_data_table_row_selected(self) -> None:
        self.action_open()
