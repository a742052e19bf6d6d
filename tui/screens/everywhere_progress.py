"""One person off everything, live: a row a place (and member), each with its state and the
provider's words, over a bar for the whole job.

Like the single job's screen it repaints on a timer from each place's `Progress`, and changes
a row only when its state did.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, ProgressBar, Static

from providers.jobs.progress import Progress
from providers.journal.records import EverywhereJob, Item, Job
from providers.models import STATE_WORDS, Outcome
from providers.text import shown
from tui.screens.job import JobScreen
from tui.screens.progress import COUNTED
from tui.widgets.outcome_table import said_of
from tui.widgets.row_table import RowTable

RowKey = tuple[str, str]  # (place's job id, member id)


def counted(progresses: Iterable[Progress]) -> tuple[int, int, dict[str, int]]:
    """Done, total and the count of each state over every place."""
    done = total = 0
    counts: dict[str, int] = {}
    for progress in progresses:
        done += progress.done
        total += progress.total
        for state, count in progress.counts.items():
            counts[state] = counts.get(state, 0) + count
    return done, total, counts


class EverywhereProgressScreen(JobScreen):
    BINDINGS = [
        Binding(
            "u", "undo", "Undo", id="undo", tooltip="Add them back to the place under the cursor"
        ),
        Binding("enter", "story", "Member's story", id="story", show=False),
    ]

    def __init__(self, job_id: str) -> None:
        super().__init__(job_id)
        self._shown: dict[RowKey, tuple[str, str]] = {}

    @cached_property
    def first(self) -> EverywhereJob:
        """The job as it was when the screen opened: its places and members never change."""
        return self.deck.desk.journal.everywhere(self.job_id)

    @cached_property
    def parts(self) -> dict[str, Job]:
        return {part.id: part for part in self.first.parts}

    @cached_property
    def items(self) -> dict[str, list[Item]]:
        return {part_id: self.deck.desk.journal.items(part_id) for part_id in self.parts}

    @property
    def job(self) -> EverywhereJob:
        return self.deck.desk.journal.everywhere(self.job_id)

    def heading(self) -> str:
        dry = "DRY RUN · " if self.first.dry_run else ""
        return f"{dry}Remove {shown(', '.join(self.first.addresses))} everywhere"

    def body(self) -> ComposeResult:
        yield ProgressBar(total=1, show_eta=False, id="bar")
        yield Static("", id="counts", markup=False)
        yield RowTable(id="places")
        yield Static("", id="said", markup=False)
        yield Static("", id="status", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        names = {i.member.name or i.member.address for items in self.items.values() for i in items}
        who_width = 12 if len(names) > 1 else 0  # one person: the heading says who
        # The provider's words get the room that is left, cut there: the line below the table
        # says the row's whole, and enter its story.
        where_width, state_width = 30, 12
        said_width = max(12, self.size.width - where_width - who_width - state_width - 8)
        table.add_column("Where, account", width=where_width)
        if who_width:
            table.add_column("Who", width=who_width)
        table.add_column("State", key="state", width=state_width)
        table.add_column("Provider said", key="said", width=said_width)
        for part_id, items in self.items.items():
            part = self.parts[part_id]
            for item in items:
                member = item.member
                who = [Text(shown(member.name or member.address or member.id))] if who_width else []
                table.add_row(
                    Text(f"{shown(part.container.where, where_width)}\n{part.account}"),
                    *who,
                    "",
                    "",
                    key=f"{part_id}|{member.id}",
                    height=2,
                )
        table.focus()
        self.keep_repainting(self.repaint)

    def part_ids(self) -> list[str]:
        return list(self.parts)

    def repaint(self) -> None:
        table = self.query_one(DataTable)
        for part_id, items in self.items.items():
            progress = self.progress(part_id)
            for item in items:
                key = (part_id, item.member.id)
                state = progress.states.get(item.member.id, item.state)
                said = progress.said.get(item.member.id, "")
                if self._shown.get(key) != (state, said):
                    self._shown[key] = (state, said)
                    row = f"{part_id}|{item.member.id}"
                    table.update_cell(
                        row, "state", STATE_WORDS.get(state, state), update_width=True
                    )
                    table.update_cell(row, "said", Text(shown(said)), update_width=True)
        self.show_words()
        done, total, counts = counted(self.progress(p) for p in self.parts)
        self.query_one(ProgressBar).update(total=max(1, total), progress=done)
        places = sum(1 for p in self.parts if self.progress(p).done == self.progress(p).total)
        words = " · ".join(f"{STATE_WORDS[s]} {counts[s]:,}" for s in COUNTED if counts.get(s))
        line = f"{done:,}/{total:,} done · {places}/{len(self.parts)} places"
        line += (f"  {words}" if words else "") + (" · dry run" if self.first.dry_run else "")
        self.write("#counts", line)
        running = self.running
        if running != self.told:
            self.told = running
            self.query_one("#status", Static).update(self._status(running))
            self.refresh_bindings()

    def _status(self, running: bool) -> str:
        if running:
            return "Sending, each account at its own pace · c cancels"
        job = self.job
        lines = [f"Job {job.id} {job.state.value}."] + (
            [shown(self.refusal)] if self.refusal else []
        )
        lines += [
            f"{shown(p.container.where, 40)}: {shown(p.note)}"
            for p in job.parts
            if _stopped(p) and p.note
        ][:2]
        if job.unsearched:  # the first, whole; the receipt lists every one
            first, more = job.unsearched[0].why, len(job.unsearched) - 1
            lines.append(
                f"Not searched: {shown(first, 70)}"
                + (f" (and {more} more: e, the receipt)" if more else "")
            )
        return "\n".join(lines)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            row = self._row()
            removed = Outcome.REMOVED.value
            return (
                not self.running
                and row is not None
                and (self.progress(row[0]).states.get(row[1]) == removed)
            )
        return super().check_action(action, parameters)

    def _row(self) -> RowKey | None:
        """The place and member under the cursor."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        part_id, member_id = key.split("|", 1)
        return part_id, member_id

    def on_data_table_row_highlighted(self) -> None:
        self.show_words()
        self.refresh_bindings()

    def show_words(self) -> None:
        row = self._row()
        if row is None:
            return
        part_id, member_id = row
        item = next(i for i in self.items[part_id] if i.member.id == member_id)
        notes = self.progress(part_id).notes
        said = notes[member_id] if member_id in notes else said_of(item)
        self.show_said(f"{self.parts[part_id].container.where}: {said}" if said else "")

    def action_story(self) -> None:
        from tui.dialogs.story import StoryScreen

        row = self._row()
        if row is None:
            return
        part_id, member_id = row
        item = next(i for i in self.items[part_id] if i.member.id == member_id)
        steps = self.deck.desk.journal.story(part_id, member_id)
        self.app.push_screen(StoryScreen(item, steps))

    def action_undo(self) -> None:
        """One place at a time: each is its own job, undone as any job is."""
        row = self._row()
        if row is not None:
            part_id = row[0]
            self.ask_desk(lambda desk: desk.propose_undo(part_id))


def _stopped(part: Job) -> bool:
    return part.unsettled > 0 or part.counts.get(Outcome.FAILED.value, 0) > 0
