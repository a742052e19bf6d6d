"""What both job screens share (one job, and one person everywhere): the keys that act on
the job, each asking the app to have the desk propose it, and the news of its start and end."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from textual.binding import Binding
from textual.widgets import Static

from providers.jobs.progress import Progress
from providers.models import Outcome
from providers.text import shown
from tui.messages import Cancel, JobEnded, JobStarted
from tui.screens.base import DeckScreen

REPAINT_SECONDS = 0.1


class JobScreen(DeckScreen):
    BINDINGS = [
        Binding("c", "cancel_job", "Cancel", id="cancel-job", tooltip="Send nothing more"),
        Binding("r", "resume", "Resume", id="resume", tooltip="Send the rest (asks first)"),
        Binding(
            "R", "retry", "Retry failed", id="retry-failed", tooltip="Send only the failed again"
        ),
        Binding("e", "receipt", "Receipt", id="receipt", tooltip="Write and show the receipt"),
    ]

    def __init__(self, job_id: str) -> None:
        super().__init__()
        self.job_id = job_id
        #: what each line of the screen last showed (see `write`)
        self._written: dict[str, str] = {}
        #: what the status line last said of the job's state (None: say it at the next look)
        self.told: object = None
        #: why its last run ended before it began (another person's job holds the place),
        #: said with its state: the job stays planned, and a toast would soon be gone
        self.refusal = ""

    def part_ids(self) -> list[str]:
        """The jobs whose progress this screen shows (an everywhere job: one a place)."""
        return [self.job_id]

    def progress(self, part_id: str) -> Progress:
        return self.deck.desk.runs.progress(part_id)

    def counts(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for part_id in self.part_ids():
            total.update(self.progress(part_id).counts)
        return total

    @property
    def running(self) -> bool:
        return self.deck.desk.runs.is_running(self.job_id)

    def keep_repainting(self, repaint: Callable[[], None]) -> None:
        """Repaint now, then every `REPAINT_SECONDS` while this screen is in the app's stack:
        once it is popped (by the demo's reset, say) its job may be gone from the journal."""

        def tick() -> None:
            if self in self.app.screen_stack:
                repaint()

        repaint()
        self.set_interval(REPAINT_SECONDS, tick)

    def say(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    def show_said(self, words: str) -> None:
        """Below the table, what was said of the member under the cursor, whole (the table's
        column has room for the provider's words only, and cuts them)."""
        self.write("#said", shown(words))

    def write(self, selector: str, line: str) -> None:
        """Show a line that a repaint works out again and again, only when it changed: each
        update of a Static lays the whole screen out again."""
        if self._written.get(selector) != line:
            self._written[selector] = line
            self.query_one(selector, Static).update(line)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_job":
            return self.running
        if action == "resume":  # cancelled, interrupted, paused, or lost answers to check
            counts = self.counts()
            due = ("pending", "sending", Outcome.CANCELLED.value, Outcome.UNKNOWN.value)
            return not self.running and sum(counts[state] for state in due) > 0
        if action == "retry":
            return not self.running and self.counts()[Outcome.FAILED.value] > 0
        return True

    def action_cancel_job(self) -> None:
        self.post_message(Cancel(self.job_id))
        self.say("Cancelling: nothing new is sent; calls in flight finish…")

    def action_resume(self) -> None:
        job_id = self.job_id
        self.ask_desk(lambda desk: desk.propose_resume(job_id))

    def action_retry(self) -> None:
        job_id = self.job_id
        self.ask_desk(lambda desk: desk.propose_retry(job_id))

    def action_receipt(self) -> None:
        """The job's receipt, to attach to the ticket: Markdown, with JSON and CSV beside."""
        from tui.screens.receipt import ReceiptScreen

        self.app.push_screen(ReceiptScreen(self.job_id))

    def on_job_started(self, message: JobStarted) -> None:
        """Resumed or retried from here (or started on its plan): this screen shows it."""
        if message.job_id == self.job_id:
            message.stop()
            message.shown.set()
            self.refusal = ""
            if self.running:  # news that comes late, after a quick job's end, says nothing
                self.say("Sending…")
            self.tell_state_again()
            self.refresh_bindings()

    def tell_state_again(self) -> None:
        """The next repaint says the job's state whatever it saw before: a quick run may
        start and end between two repaints."""
        self.told = None

    def on_job_ended(self, message: JobEnded) -> None:
        """This screen says how its job ended itself, and why when it could not run (a toast
        would cover its status, and be gone)."""
        if message.job.id == self.job_id:
            message.stop()
            if message.error:  # else the state is said already: the news may come after a key
                self.refusal = message.error
                self.tell_state_again()
