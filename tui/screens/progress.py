"""A job, live: one row per member, an overall bar with counts, pace and ETA.

It repaints on a 10 Hz timer from the job's `Progress`, however fast the engine settles
members, so the keyboard stays responsive during a run of 10,000. Opened on a plan still being
journaled, it shows the plan's members pending at once and follows the job once it is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import ProgressBar, Static

from providers.jobs.plans import VERBS, Plan, PlannedItems
from providers.jobs.progress import Progress
from providers.journal.records import Item, Job
from providers.models import STATE_WORDS, Operation, Outcome
from providers.text import shown
from tui.screens.job import JobScreen
from tui.widgets.outcome_table import OutcomeTable

SLOW_ANSWER_SECONDS = 3.0  # from then on, say that the provider is being waited for
COUNTED = (
    "removed",
    "absent",
    "gone",
    "failed",
    "cancelled",
    "protected",
    "unknown",
    "restored",
    "present",
    "back",
    "would-remove",
)


def homely(path: Path) -> str:
    """A path as a person would type it: `~` for their home."""
    home = Path.home()
    return f"~/{path.relative_to(home)}" if path.is_relative_to(home) else str(path)


def summary(progress: Progress, running: bool) -> str:
    """Done of total, then the pace and ETA while it runs; once a stop is asked, the calls
    still out instead, counted down as they come back."""
    parts = [f"{STATE_WORDS[s]} {progress.counts[s]:,}" for s in COUNTED if progress.counts[s]]
    line = f"{progress.done:,}/{progress.total:,} done"
    if running and progress.stopping:
        out = progress.calls_in_flight
        line = f"cancelling: {out} call{'s' * (out != 1)} in flight · " + line
    elif running:
        pace = progress.pace
        eta = progress.eta
        if pace:
            line += f" · {pace:.1f}/s"
        elif not progress.recent:  # nothing back yet; after the first, the pace is near
            line += " · starting"
        if eta is not None:
            line += f" · ETA {int(eta // 60)}:{int(eta % 60):02d}"
    return line + ("  " + " · ".join(parts) if parts else "")


def keys_in_use(state: tuple[bool, int, bool]) -> tuple[bool, bool, bool]:
    """What the footer's keys depend on, of a repaint's state (running, failed, some
    removed): whether it runs, whether any failed (retry), whether any were removed (undo)."""
    running, failed, removed = state
    return running, failed > 0, removed


class ProgressScreen(JobScreen):
    BINDINGS = [
        Binding(
            "f", "failed_only", "Failed", id="failed-only", tooltip="Show only the failed, or all"
        ),
        Binding("enter", "story", "Member's story", id="story", show=False),
        Binding("F", "follow", "Follow failures", id="follow-failures", show=False),
        Binding("u", "undo", "Undo", id="undo", tooltip="Add the removed members back"),
    ]

    def __init__(self, job_id: str, plan: Plan | None = None) -> None:
        """A journaled job, or (`plan`, no id yet) one whose plan is being journaled."""
        super().__init__(job_id)
        self.plan = plan
        self._planned = Progress.of_plan(plan) if plan is not None else None

    @property
    def job(self) -> Job:
        return self.deck.desk.journal.job(self.job_id)

    @cached_property
    def job_facts(self) -> Job | Plan:
        """What never changes about the job (operation, dry run), read once."""
        return self.plan or self.job

    def progress(self, part_id: str) -> Progress:
        if self._planned is None or self.job_id:
            return super().progress(part_id)
        return self._planned

    def journaled(self, job_id: str) -> None:
        """The plan is written: from now on the screen follows the job itself."""
        self.job_id = job_id
        self.refresh_bindings()

    def unjournaled(self, why: str) -> None:
        """The plan was refused before any request left; say so once, whatever the refusal
        already says."""
        sent = "" if "nothing was sent" in why.lower() else " Nothing was sent."
        self.say(f"✗ {shown(why)}{sent}")

    def heading(self) -> str:
        job = self.job_facts
        dry = "DRY RUN · " if job.dry_run else ""
        where = shown(job.container.name)
        return f"{dry}{VERBS[job.operation].capitalize()} {where} ({job.account})"

    def body(self) -> ComposeResult:
        progress = self.progress(self.job_id)
        items: Sequence[Item] = (
            PlannedItems(self.plan) if self.plan else self.deck.desk.journal.items(self.job_id)
        )
        yield ProgressBar(total=max(1, progress.total), show_eta=False, id="bar")
        yield Static("", id="counts", markup=False)
        yield OutcomeTable(items, progress, id="outcomes")
        yield Static("", id="said", markup=False)
        yield Static("", id="status", markup=False)

    def on_mount(self) -> None:
        self.following = False
        self._heard: tuple[int, int] | None = None
        self._followed: str | None = None
        self.query_one(OutcomeTable).rows_changed()
        self.query_one(OutcomeTable).focus()
        if not self.job_id:
            self.say("Writing the plan to the journal; sending starts as soon as it is kept…")
        self.keep_repainting(self.repaint)

    def repaint(self) -> None:
        progress = self.progress(self.job_id)
        table = self.query_one(OutcomeTable)
        heard = (id(progress), progress.version)
        if heard != self._heard:  # the members are drawn again only when one of them moved
            self._heard = heard
            table.progress = progress
            table.refresh()
            self.query_one(ProgressBar).update(total=max(1, progress.total), progress=progress.done)
        self.show_said(table.words())
        running = self.deck.desk.runs.is_running(self.job_id)
        line = summary(progress, running) + (" · dry run" if self.job_facts.dry_run else "")
        adapter = self.deck.desk.opened(self.job_facts.account) if running else None
        waited = adapter.waiting() if adapter is not None else 0.0
        if waited >= SLOW_ANSWER_SECONDS:
            line = f"waiting for {self.job_facts.provider.label}… {waited:.0f} s · " + line
        self.write("#counts", line)
        # The status line changes when the job starts or stops, the failed-only view when
        # failures come, and the footer only when a key's use does (some failed, some
        # removed): rebuilding the footer at every answer would cost the keyboard.
        state = (
            running or not self.job_id,  # a plan being journaled is a job under way
            progress.counts[Outcome.FAILED.value],
            progress.counts[Outcome.REMOVED.value] > 0,
        )
        if self.following and progress.last_failed != self._followed:
            self._followed = progress.last_failed
            if progress.last_failed is not None:
                table.show_member(progress.last_failed)
        told = self.told if isinstance(self.told, tuple) else None
        if state != told:
            if table.failed_only:
                table.refilter()
            if not state[0] and (told is None or told[0]):
                job = progress.ended or self.job
                said = self.refusal or job.note
                note = f" — {shown(said)}" if said else ""
                empty = " · none failed now: f shows all" if table.failed_only else ""
                empty = empty if not table.row_count else ""
                self.query_one("#status", Static).update(
                    f"Job {job.id} {job.state.value}{note}{empty}"
                )
            if told is None or keys_in_use(told) != keys_in_use(state):
                self.refresh_bindings()
            self.told = state

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.job_id:  # being journaled: nothing to act on yet
            return action in ("back", "failed_only", "follow")
        if action == "follow":  # failures happen while it runs; once on, it can be put off
            return self.running or self.following
        if action == "failed_only":  # offered while any may fail, and to show all again
            counts = self.counts()
            some = counts[Outcome.FAILED.value] + counts[Outcome.UNKNOWN.value] > 0
            return self.running or some or self.query_one(OutcomeTable).failed_only
        if action == "undo":
            job = self.job_facts
            return (
                not self.running
                and not job.dry_run
                and job.operation is Operation.REMOVE_FROM_CONTAINER
                and self.counts()[Outcome.REMOVED.value] > 0
            )
        return super().check_action(action, parameters)

    def action_failed_only(self) -> None:
        table = self.query_one(OutcomeTable)
        table.show_failed_only(not table.failed_only)
        shown = "Only the failed (and unknown) are shown" if table.failed_only else "All shown"
        self.query_one("#status", Static).update(f"{shown}: f toggles, enter tells one's story.")

    def action_follow(self) -> None:
        """Move to the latest failure, then to each as it happens; or stop doing so."""
        self.following = not self.following
        self._followed = None
        said = "Following failures as they happen" if self.following else "Not following"
        self.query_one("#status", Static).update(f"{said}: F toggles.")

    def action_story(self) -> None:
        from tui.dialogs.story import StoryScreen

        item = self.query_one(OutcomeTable).current
        if item is not None:
            steps = self.deck.desk.journal.story(self.job_id, item.member.id)
            self.app.push_screen(StoryScreen(item, steps))

    def action_undo(self) -> None:
        job_id = self.job_id
        self.ask_desk(lambda desk: desk.propose_undo(job_id))
