"""Past jobs: who ran them, when, on which account and container, with their counts."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from providers.jobs.plans import VERBS
from providers.journal.records import EverywhereJob, Job
from providers.models import STATE_WORDS
from providers.text import shown
from tui.screens.base import DeckScreen
from tui.widgets.row_table import RowTable

#: the most of a container's name a row shows, so that its state stays in view
NAME_CHARS = 36


def outcomes(counts: Mapping[str, int]) -> str:
    """`52 ✓ removed · 1 ✗ failed`: the number, then the state's glyph and word."""
    return " · ".join(f"{n:,} {STATE_WORDS.get(s, s)}" for s, n in sorted(counts.items()) if n)


class HistoryScreen(DeckScreen):
    BINDINGS = [Binding("enter", "open", "Open job", id="open-job")]

    def heading(self) -> str:
        return "History — every removal job, newest first"

    def body(self) -> ComposeResult:
        yield RowTable(id="jobs")
        yield Static("", id="status", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("When (UTC), who", "Account, what", "State, outcomes")
        self.on_screen_resume()
        table.focus()

    def on_screen_resume(self) -> None:
        """Two lines a job (three with a reason), so that every word fits in 80 columns:
        nothing is a bare glyph."""
        table = self.query_one(DataTable)
        table.clear()
        journal = self.deck.desk.journal
        rows: list[tuple[Job | EverywhereJob, str]] = []
        for job in journal.jobs():
            if job.part_of:
                continue  # shown once, as its everywhere job
            what = f"{VERBS[job.operation]} {shown(job.container.name, NAME_CHARS)}"
            rows.append((job, f"{job.account}\n{what}"))
        for e in journal.everywhere_jobs():
            more = f" +{len(e.addresses) - 1}" if len(e.addresses) > 1 else ""
            rows.append((e, f"everywhere, {len(e.parts)} places\n{shown(e.addresses[0])}{more}"))
        rows.sort(key=lambda row: row[0].created_at, reverse=True)
        for told, what in rows:
            why = f"\nwhy: {shown(told.reason, NAME_CHARS)}" if told.reason else ""
            dry = " · dry run" if told.dry_run else ""
            table.add_row(
                f"{told.created_at[5:16].replace('T', ' ')}\n{told.user}",
                Text(what + why),
                f"{told.state.value}{dry}\n{outcomes(told.counts)}",
                key=told.id,
                height=3 if why else 2,
            )
        self.query_one("#status", Static).update(
            f"{len(rows):,} job{'s' * (len(rows) != 1)} · enter opens one (export, retry, undo)"
            if rows
            else "No jobs yet."
        )

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            from tui.screens.progress import ProgressScreen

            job_id = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
            if self.deck.desk.journal.is_everywhere(job_id):
                from tui.screens.everywhere_progress import EverywhereProgressScreen

                self.app.push_screen(EverywhereProgressScreen(job_id))
            else:
                self.app.push_screen(ProgressScreen(job_id))

    def on_data_table_row_selected(self) -> None:
        self.action_open()
