"""The RosterDeck app: screens over a workspace (the user's accounts, or the sandbox)."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import signal
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from functools import cached_property, partial
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.screen import ModalScreen, Screen

from providers.accounts.workspace import LocalWorkspace, SandboxWorkspace, Workspace
from providers.errors import ProviderError
from providers.signals import (
    END_SECONDS,
    GRACE_SECONDS,
    TERMINAL_GONE,
    catch,
    end_within,
    exit_status,
    reason,
)
from providers.text import many, shown
from tui.messages import Cancel, Forgot, JobEnded, JobStarted, Propose
from tui.screens.accounts import AccountsScreen
from tui.screens.base import DeckScreen
from tui.screens.welcome import WelcomeScreen
from tui.typeahead import TypeAhead

#: what every account's check and every job needs: loaded in a thread once the first screen
#: is drawn, so that neither its frame nor a key waits for them
CORE = ("providers.jobs.desk", "providers.accounts.connect")
#: and, on the sandbox, its fakes
SANDBOX_CORE = ("providers.sandbox.apis",)

if TYPE_CHECKING:
    from providers.jobs.desk import Desk
    from providers.jobs.forget import Forgotten
    from providers.jobs.proposal import Proposal, Ticket
    from providers.journal import Journal
    from tui.terminal import TerminalGone


class RosterDeckApp(App[None]):
    CSS_PATH = "rosterdeck.tcss"
    TITLE = "RosterDeck"
    BINDINGS = [
        Binding("q", "quit_by_letter", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        # Moving focus first, before the keys after it are handed on: typed fast (or over
        # SSH) "5<tab>T-1" must put "T-1" in the next field, not in this one.
        Binding("tab", "focus_next", show=False, priority=True),
        Binding("shift+tab", "focus_previous", show=False, priority=True),
    ]

    def __init__(
        self, workspace: Workspace, journal: Journal | None = None, *, owns_process: bool = False
    ) -> None:
        """`owns_process`: the app is the process (`rosterdeck`), so a stop signal or a
        closed terminal ends the process within `END_SECONDS`, whatever holds it; not when
        the app is a guest (a test)."""
        super().__init__()
        self.workspace = workspace
        self._given_journal = journal
        self.owns_process = owns_process
        #: set once the journal is open, its notices said and an unfinished job offered
        self.journal_opened = asyncio.Event()
        self.type_ahead = TypeAhead(self.post_message)
        self._restore_signals: Callable[[], None] = lambda: None
        if "TEXTUAL_ANIMATIONS" not in os.environ:
            self.animation_level = "none"  # calm over SSH; TEXTUAL_ANIMATIONS=full brings it back

    @cached_property
    def desk(self) -> Desk:
        """Made when first used, once the first screen is drawn: the jobs' and the journal's
        modules load with it."""
        from providers.jobs.desk import Desk
        from providers.journal import Journal

        journal = self._given_journal or partial(Journal, self.workspace.journal_path())
        return Desk(self.workspace, journal)

    @property
    def made_desk(self) -> Desk | None:
        """The desk if anything has needed it yet (an app quit at once never made one)."""
        desk: Desk | None = self.__dict__.get("desk")
        return desk

    async def loaded_desk(self) -> Desk:
        """The desk, with the modules it needs loaded in a thread the first time."""
        if self.made_desk is None:
            wanted = CORE + (SANDBOX_CORE if self.workspace.is_sandbox else ())
            await asyncio.to_thread(lambda: [importlib.import_module(name) for name in wanted])
        return self.desk

    def get_driver_class(self) -> type[Driver]:
        """Textual's own driver, but in a terminal one that ends the app when the terminal
        goes away (`tui.terminal`)."""
        chosen = super().get_driver_class()
        if os.name == "nt":
            return chosen
        from textual.drivers.linux_driver import LinuxDriver

        from tui.terminal import TerminalDriver

        return TerminalDriver if chosen is LinuxDriver else chosen

    def on_mount(self) -> None:
        ending = (signal.SIGHUP, signal.SIGTERM) if self.owns_process else ()
        self._restore_signals = catch(self._signalled, ending=ending)
        if os.environ.get("SSH_CONNECTION") and not (
            os.environ.get("TMUX") or os.environ.get("STY")
        ):
            self.notify(
                "Over SSH outside tmux or screen: if the link drops, a running job stops. "
                "The journal keeps its place and the next start offers to resume it.",
                severity="warning",
                timeout=15,
            )
        has_accounts = self._has_accounts()
        self.push_screen(AccountsScreen() if has_accounts else WelcomeScreen())
        opening = partial(self._open_journal, offer_resume=has_accounts)
        self.call_after_refresh(self.run_worker, opening, group="journal")

    async def _open_journal(self, *, offer_resume: bool) -> None:
        """The journal is opened beside the first screen, not before it: what opening it
        changed is said once (files made private), and an unfinished job is offered where
        there are accounts to finish it on."""
        try:
            journal = await (await self.loaded_desk()).open_journal()
        except ProviderError as error:
            self.notify(shown(str(error)), severity="error", markup=False, timeout=30)
            return
        for notice in journal.notices:
            self.notify(notice, timeout=10)
        if offer_resume:
            self.offer_resume()
        self.journal_opened.set()

    def _has_accounts(self) -> bool:
        """An account list that cannot be read counts as one: the accounts screen says why."""
        try:
            return self.workspace.is_sandbox or bool(self.workspace.accounts())
        except ProviderError:
            return True

    def offer_resume(self) -> None:
        """After a crash or a dropped link, offer to finish what the journal says is open,
        as any resume is offered: the desk's words, confirmed in the dialog."""
        unfinished = self.desk.journal.unfinished()
        if unfinished:
            job_id = unfinished[0].part_of or unfinished[0].id
            self.post_message(Propose(lambda desk: desk.propose_resume(job_id)))

    # -- the app's face of the desk ---------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if not self.type_ahead.took(event):
            await super().on_event(event)

    def on_propose(self, message: Propose) -> None:
        if self.desk.runs.confirming:  # a new worker would cancel the one that starts that job
            self.type_ahead.release()
            self.notify("A job is being journaled: it starts in a moment.", severity="warning")
            return
        self.run_worker(self._propose(message.ask), group="propose", exclusive=True)

    async def _propose(self, ask: Callable[[Desk], Awaitable[Proposal]]) -> None:
        """The desk's proposal in the confirm dialog; what is agreed is journaled and run.

        A new job's screen shows its plan at once, while the plan is journaled in a worker
        thread: 100,000 members take seconds to write, and no key waits for them."""
        from providers.jobs.proposal import Kind
        from tui.dialogs.confirm_removal import ConfirmRemovalScreen, Decision
        from tui.screens.progress import ProgressScreen

        decided: asyncio.Future[Decision | None] = asyncio.get_running_loop().create_future()
        try:
            proposal = await ask(self.desk)
            await self.push_screen(ConfirmRemovalScreen(proposal), decided.set_result)
        except ProviderError as error:
            self.notify(shown(str(error)), severity="warning", markup=False)
            return
        finally:
            self.type_ahead.release()  # to the dialog, once it is up
        decision = await decided
        if decision is None or not decision.go:
            self.notify("Cancelled: nothing was sent.", timeout=4)  # enter on Cancel says so
            return
        planned = None
        if proposal.plan is not None:
            planned = ProgressScreen("", replace(proposal.plan, dry_run=decision.dry_run))
            await self.push_screen(planned)  # drawn first: the writing thread slows it
        try:
            if proposal.kind is Kind.FORGET:
                self.forgotten(
                    self.desk.forget(proposal, typed=decision.typed, reason=decision.reason)
                )
                return
            ticket = await self.desk.confirm_in_thread(
                proposal,
                typed=decision.typed,
                reason=decision.reason,
                dry_run=decision.dry_run,
                suppress=decision.suppress,
                revoke_invites=decision.revoke,
                override=decision.override,
            )
        except ProviderError as error:
            if planned is None:
                self.notify(shown(str(error)), severity="warning", markup=False)
            else:
                planned.unjournaled(str(error))
            return
        if planned is not None:
            planned.journaled(ticket.job_id)
        self.start(ticket, planned)

    def forgotten(self, done: Forgotten) -> None:
        """Say once what was erased; the screen in front (the register) reads itself again."""
        counted = ", ".join(f"{n} {what}" for what, n in done.counts.items() if n)
        self.notify(f"Erased ({counted}); journaled as {done.erasure_id}.", markup=False)
        for line in done.left:
            self.notify(shown(line), severity="warning", markup=False, timeout=15)
        self.screen.post_message(Forgot())

    def start(self, ticket: Ticket, screen: Screen[None] | None = None) -> None:
        """Run a confirmed job in the background of the whole app: leaving its screen never
        stops it. The screen in front (or the job's own, opened on its plan) hears that it
        started, and how it ended."""
        try:
            running = self.desk.runs.run(ticket)
        except ProviderError as error:
            self.notify(shown(str(error)), severity="warning", markup=False)
            return
        started = JobStarted(ticket.job_id, ticket.everywhere)
        if not (screen or self.screen).post_message(started):
            started.shown.set()  # its screen was left while the plan was journaled

        async def run() -> None:
            error = ""
            try:
                await running
            except ProviderError as failure:  # e.g. another process runs it: nothing was sent
                error = failure.message
            await started.shown.wait()
            journal = self.desk.journal
            ended = (
                journal.everywhere(ticket.job_id)
                if ticket.everywhere
                else journal.job(ticket.job_id)
            )
            self.screen.post_message(JobEnded(ended, error))

        self.run_worker(run(), group="jobs", name=f"job {ticket.job_id}")

    def on_job_started(self, message: JobStarted) -> None:
        """No screen in front shows the job: open its own."""
        from tui.screens.everywhere_progress import EverywhereProgressScreen
        from tui.screens.progress import ProgressScreen

        screen = EverywhereProgressScreen if message.everywhere else ProgressScreen
        self.push_screen(screen(message.job_id))
        message.shown.set()

    def on_job_ended(self, message: JobEnded) -> None:
        """No screen in front shows the job: say how it ended in a toast."""
        from providers.journal.records import EverywhereJob

        if message.error:
            self.notify(shown(message.error), severity="error", markup=False)
            return
        job = message.job
        what = (
            f"The job on {', '.join(job.addresses)}"
            if isinstance(job, EverywhereJob)
            else f"Job on {job.container.name}"
        )
        self.notify(shown(f"{what} {job.state.value}."), markup=False)

    def on_cancel(self, message: Cancel) -> None:
        self.desk.runs.cancel(message.job_id)

    async def remove_account(self, name: str) -> None:
        assert isinstance(self.workspace, LocalWorkspace)
        await self.desk.forget_adapter(name)
        await self.workspace.remove(name)

    def show_accounts(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(AccountsScreen())

    def use_sandbox(self) -> None:
        from tui.demo import demo_workspace

        self.workspace = demo_workspace()
        self._given_journal = None
        self.__dict__.pop("desk", None)  # the demo's own desk, made when first used
        self.show_accounts()

    async def reset_demo(self) -> None:
        """Fresh sandbox data, and the demo's history and exports gone with the old data:
        they told of people that no longer exist. Refused while a job runs."""
        workspace = self.workspace
        if self.desk.runs.busy or not isinstance(workspace, SandboxWorkspace):
            self.notify("Stop the running job first.", severity="warning")
            return
        await self.desk.aclose()
        self.desk.close_journal()
        workspace.reset()
        self.use_sandbox()
        self.notify("The demo starts afresh: new sandbox data, no history, no exports.")

    async def action_quit(self) -> None:
        """Quitting while a job runs asks first: the job stops and stays resumable."""
        if not self.desk.runs.busy:
            self.exit()
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.stop("RosterDeck was quit while it ran", status=0)

        from tui.dialogs.confirm import ConfirmScreen

        count = self.desk.runs.busy
        self.push_screen(
            ConfirmScreen(
                "Quit while a job runs?",
                f"{many(count, 'job')} still sending. Quitting stops them now: calls in flight "
                "finish, nothing new is sent, and the journal keeps the rest. The next start "
                "offers to resume, and nothing is removed twice.",
                confirm_label="Quit",
            ),
            answered,
        )

    def _signalled(self, number: int) -> None:
        """SIGHUP and SIGTERM end the app; so does SIGINT, unless a dialog is asking
        something: then, like ctrl+c at a prompt, it closes the dialog, answering no."""
        if number == signal.SIGINT and isinstance(self.screen, ModalScreen):
            self.screen.dismiss(None)
            self.notify("SIGINT closed the question: nothing was done.")
            return
        self.stop(reason(number), status=exit_status(number))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`q` is a letter where letters are typed into a filter (whatever dialog is over
        it); there ctrl+q quits."""
        if action == "quit_by_letter":
            stack = reversed(self.screen_stack)
            under = next((s for s in stack if isinstance(s, DeckScreen)), None)
            return under is None or not under.LETTERS_FILTER
        return True

    async def action_quit_by_letter(self) -> None:
        await self.action_quit()

    def on_terminal_gone(self, message: TerminalGone) -> None:
        self.stop(f"{TERMINAL_GONE} ({message.why})", status=exit_status(signal.SIGHUP))

    def stop(self, why: str, status: int) -> None:
        """End the app: nothing new is sent, answers on their way get `GRACE_SECONDS`, the
        jobs are journaled interrupted with `why`, their locks released; then exit."""
        if self.desk.runs.stopping:
            return
        if status and self.owns_process:
            end_within(END_SECONDS, status)
        self.desk.runs.stop(why)
        self.run_worker(self._exit_when_settled(status), group="exit")

    async def _exit_when_settled(self, status: int) -> None:
        """Answers already on their way get `GRACE_SECONDS`; then the jobs are cancelled
        where they stand: each is journaled interrupted, its lock released, and members
        still `sending` are read on resume."""
        for _ in range(2):
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(GRACE_SECONDS):
                    await self.desk.runs.idle.wait()
            if self.desk.runs.idle.is_set():
                break
            self.workers.cancel_group(self, "jobs")
        self.exit(return_code=status)

    async def on_unmount(self) -> None:
        self._restore_signals()
        if self.made_desk is not None:
            await self.made_desk.aclose()

    def action_help(self) -> None:
        from tui.dialogs.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette: the screen's own actions, then what any screen can reach."""
        from tui.palette import anywhere, screen_actions

        yield from screen_actions(self, screen)
        yield from anywhere(self)
        yield from super().get_system_commands(screen)
