"""The RosterDeck app: screens over a workspace (the user's accounts, or the sandbox).

What the first screen does not show is imported when it is first used (jobs, plans, the
other screens), and the journal is opened once that screen is drawn: a person waits for
every module loaded before it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from providers.errors import ProviderError
from providers.models import Provider
from providers.signals import STOP_SIGNALS
from tui.jobs import EverywhereEnded, JobEnded, JobRunner
from tui.screens.accounts import AccountsScreen
from tui.screens.welcome import WelcomeScreen

if TYPE_CHECKING:
    from providers.everywhere import EverywherePlan
    from providers.journal import Journal
    from providers.protocol import Adapter
    from providers.removal import Plan
    from providers.workspace import SandboxWorkspace, Workspace
    from tui.screens.confirm_removal import Decision


def journal_of(workspace: Workspace, given: Journal | None = None) -> Journal:
    """The journal given, or the workspace's own, opened now."""
    if given is not None:
        return given
    from providers.journal import Journal

    return Journal(workspace.journal_path())


def demo_workspace(real_pace: bool = False) -> SandboxWorkspace:
    """The sandbox as the demo tells its story: reads are quick, removals take a visible
    moment, and about one removal call in twenty fails, so the retry path shows too.

    With `real_pace` the providers' documented rate limits stay, as a real account has them:
    the 100,000-contact list then takes minutes to load, as it would."""
    from providers.sandbox import Sandbox
    from providers.workspace import SPED_UP_DEMO, SandboxWorkspace

    sandbox = Sandbox() if real_pace else Sandbox().unlimited()
    for provider, faults in sandbox.faults.items():
        faults.latency, faults.error_rate, faults.error_status = 0.25, 0.05, 500
        if provider is Provider.AUTOSEND:
            faults.match = "/contacts/remove"  # its reads are POSTs too
        else:
            faults.methods = frozenset({"DELETE"})
    if real_pace:
        return SandboxWorkspace(sandbox)
    return SandboxWorkspace(sandbox, options=SPED_UP_DEMO)


class RosterDeckApp(App[None]):
    CSS_PATH = "rosterdeck.tcss"
    TITLE = "RosterDeck"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        # Moving focus first, before the keys after it are handed on: typed fast (or over
        # SSH) "5<tab>T-1" must put "T-1" in the next field, not in this one.
        Binding("tab", "focus_next", show=False, priority=True),
        Binding("shift+tab", "focus_previous", show=False, priority=True),
    ]

    def __init__(self, workspace: Workspace, journal: Journal | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self._adapters: dict[str, Adapter] = {}
        self.jobs = JobRunner(self, partial(journal_of, workspace, journal))
        if "TEXTUAL_ANIMATIONS" not in os.environ:
            self.animation_level = "none"  # calm over SSH; TEXTUAL_ANIMATIONS=full brings it back

    def on_mount(self) -> None:
        loop = asyncio.get_running_loop()
        for stop in STOP_SIGNALS:
            loop.add_signal_handler(stop, self.hang_up)
        if os.environ.get("SSH_CONNECTION") and not (
            os.environ.get("TMUX") or os.environ.get("STY")
        ):
            self.notify(
                "Over SSH outside tmux or screen: if the link drops, a running job stops. "
                "The journal keeps its place and the next start offers to resume it.",
                severity="warning",
                timeout=15,
            )
        if self.workspace.is_sandbox or self.workspace.accounts():
            self.push_screen(AccountsScreen())
        else:
            self.push_screen(WelcomeScreen())

    def on_ready(self) -> None:
        # Ready comes with the first frame, which is drawn inside the app's first batch of
        # updates, so it reaches the terminal with the next refresh: then the journal opens.
        if isinstance(self.screen, AccountsScreen):
            self.call_after_refresh(self.offer_resume)

    def offer_resume(self) -> None:
        """After a crash or a dropped link, offer to finish what the journal says is open."""
        from tui.screens.confirm import ConfirmScreen

        unfinished = self.jobs.journal.unfinished()
        if not unfinished:
            return
        job = unfinished[0]
        what, unsettled = f"{job.account}, {job.container.name}", job.unsettled
        if job.part_of:
            everywhere = self.jobs.journal.everywhere(job.part_of)
            what = f"one person everywhere, {len(everywhere.parts)} places"
            unsettled = everywhere.unsettled
        detail = (
            f"Job {job.part_of or job.id} ({what}) stopped with {unsettled} "
            "member(s) not settled. Resuming first checks what the lost answers did, then "
            "sends only what is still due: nothing is removed twice."
        )

        async def answered(resume: bool | None) -> None:
            if resume and job.part_of:
                self.run_everywhere(job.part_of)
            elif resume:
                await self.run_job(job.id)

        self.push_screen(
            ConfirmScreen("Resume the unfinished job?", detail, confirm_label="Resume"), answered
        )

    async def run_job(self, job_id: str) -> None:
        from tui.screens.progress import ProgressScreen

        try:
            await self.jobs.start(job_id)
        except ProviderError as error:
            self.notify(str(error), severity="warning")
            return
        self.push_screen(ProgressScreen(job_id))

    def run_everywhere(self, job_id: str) -> None:
        from tui.screens.everywhere_progress import EverywhereProgressScreen

        try:
            self.jobs.start_everywhere(job_id)
        except ProviderError as error:
            self.notify(str(error), severity="warning")
            return
        self.push_screen(EverywhereProgressScreen(job_id))

    async def propose_everywhere(self, plan: EverywherePlan) -> None:
        """Confirm one person's removal from every place found, then journal it as one job
        and run it; its progress screen shows each place and member live."""
        from providers.costs import pace
        from providers.everywhere import estimate_everywhere, reason_missing, record_everywhere
        from tui.screens.confirm_removal import ConfirmRemovalScreen, everywhere_proposal

        if self.refuse_while_busy():
            return
        adapters = {name: await self.adapter(name) for name in plan.accounts}
        estimate = estimate_everywhere(adapters, self.jobs.journal, plan)
        paces = {part.account: pace(adapters[part.account].capabilities) for part in plan.acting}
        strict = reason_missing(plan, self.workspace.accounts())

        def decided(decision: Decision | None) -> None:
            if decision is None or not decision.go:
                return
            chosen = replace(plan, dry_run=decision.dry_run, reason=decision.reason)
            self.run_everywhere(record_everywhere(self.jobs.journal, chosen))

        self.push_screen(
            ConfirmRemovalScreen(
                everywhere_proposal(plan, estimate, paces), reason_required=bool(strict)
            ),
            decided,
        )

    def refuse_while_busy(self) -> bool:
        """One job at a time: said before a plan is confirmed, so none is journaled idle."""
        if self.jobs.busy:
            self.notify(
                "A job is running: wait for it to end, or cancel it (c on its screen) first.",
                severity="warning",
            )
        return bool(self.jobs.busy)

    async def propose(self, plan: Plan, undo_of: str | None = None) -> None:
        """Confirm a plan, then journal it and run it; the progress screen shows it live."""
        from providers.accounts import reason_required
        from providers.removal import estimate, record_plan
        from tui.screens.confirm_removal import ConfirmRemovalScreen, proposal

        if self.refuse_while_busy():
            return

        async def decided(decision: Decision | None) -> None:
            if decision is None or not decision.go:
                return
            chosen = replace(plan, dry_run=decision.dry_run, reason=decision.reason)
            await self.run_job(record_plan(self.jobs.journal, chosen, undo_of=undo_of))

        adapter = await self.adapter(plan.account)
        cost = estimate(adapter, self.jobs.journal, plan)
        self.push_screen(
            ConfirmRemovalScreen(
                proposal(plan, adapter.capabilities, cost),
                reason_required=reason_required(self.workspace.account(plan.account)),
            ),
            decided,
        )

    async def confirm_undo(self, job_id: str) -> None:
        from providers.removal import undo_plan

        try:
            plan = undo_plan(self.jobs.journal, job_id)
        except ProviderError as error:
            self.notify(str(error), severity="warning")
            return
        await self.propose(plan, undo_of=job_id)

    def _watching(self, job_id: str) -> bool:
        """Whether the screen shown is the job's own, which says how it ended itself (a
        toast there would cover its status line at 80x24)."""
        return getattr(self.screen, "job_id", None) == job_id

    def _tell_ended(self, job_id: str, error: str, ended: str) -> None:
        if error:
            self.notify(error, severity="error")
        elif not self._watching(job_id):
            self.notify(ended)

    def on_everywhere_ended(self, message: EverywhereEnded) -> None:
        job = message.job
        who = ", ".join(job.addresses)
        self._tell_ended(job.id, message.error, f"The job on {who} {job.state.value}.")

    def on_job_ended(self, message: JobEnded) -> None:
        job = message.job
        ended = f"Job on {job.container.name} {job.state.value}."
        self._tell_ended(job.id, message.error, ended)

    async def adapter(self, name: str) -> Adapter:
        """One adapter per account for the whole session, so pacing spans every screen."""
        if name not in self._adapters:
            self._adapters[name] = await self.workspace.open(name)
        return self._adapters[name]

    def opened(self, name: str) -> Adapter | None:
        """The account's adapter if this session has opened it (never opens one)."""
        return self._adapters.get(name)

    async def _close_adapters(self) -> None:
        adapters, self._adapters = self._adapters, {}
        for adapter in adapters.values():
            await adapter.aclose()

    async def remove_account(self, name: str) -> None:
        from providers.workspace import LocalWorkspace

        assert isinstance(self.workspace, LocalWorkspace)
        adapter = self._adapters.pop(name, None)
        if adapter is not None:
            await adapter.aclose()
        await self.workspace.remove(name)

    def show_accounts(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(AccountsScreen())

    def use_sandbox(self) -> None:
        self.workspace = demo_workspace()
        self.jobs = JobRunner(self, partial(journal_of, self.workspace))
        self.show_accounts()

    async def reset_demo(self) -> None:
        """Fresh sandbox data, and the demo's history and exports gone with the old data:
        they told of people that no longer exist. Refused while a job runs."""
        if self.jobs.busy or not self.workspace.is_sandbox:
            self.notify("Stop the running job first.", severity="warning")
            return
        await self._close_adapters()
        self.jobs.journal.close()
        shutil.rmtree(self.workspace.data_path(), ignore_errors=True)
        self.use_sandbox()
        self.notify("The demo starts afresh: new sandbox data, no history, no exports.")

    async def action_quit(self) -> None:
        """Quitting while a job runs asks first: the job stops and stays resumable."""
        from tui.screens.confirm import ConfirmScreen

        if not self.jobs.busy:
            self.exit()
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.hang_up()

        count = self.jobs.busy
        self.push_screen(
            ConfirmScreen(
                "Quit while a job runs?",
                f"{count} job(s) still sending. Quitting stops them now: calls in flight "
                "finish, nothing new is sent, and the journal keeps the rest. The next start "
                "offers to resume, and nothing is removed twice.",
                confirm_label="Quit",
            ),
            answered,
        )

    def hang_up(self) -> None:
        """SIGHUP or SIGTERM: send nothing more, let calls in flight finish, then exit."""
        self.jobs.interrupt_all()
        self.run_worker(self._exit_when_settled(), group="exit")

    async def _exit_when_settled(self) -> None:
        with contextlib.suppress(TimeoutError):  # a hung call must not keep us here
            async with asyncio.timeout(30):
                while self.jobs.busy:  # noqa: ASYNC110 - the jobs end on their own
                    await asyncio.sleep(0.05)
        self.exit(return_code=1)

    async def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for stop in STOP_SIGNALS:
            loop.remove_signal_handler(stop)
        await self._close_adapters()

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers every action the current screen has, by its description."""
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.description in seen or not active.enabled:
                continue
            seen.add(binding.description)
            run = partial(self.run_action, binding.action, active.node)
            yield SystemCommand(
                binding.description, f"key: {self.get_key_display(binding) or key}", run
            )
        yield from self.everywhere()
        yield from super().get_system_commands(screen)

    def everywhere(self) -> Iterable[SystemCommand]:
        """What can be reached from any screen: each account, history, diagnostics, the demo.
        Screens are made when chosen, not each time the palette opens."""
        from tui.screens.containers import ContainersScreen
        from tui.screens.diagnostics import DiagnosticsScreen
        from tui.screens.find import FindScreen
        from tui.screens.history import HistoryScreen

        def opens(make: Callable[[], Screen[Any]]) -> Callable[[], object]:
            return lambda: self.push_screen(make())

        try:
            accounts = self.workspace.accounts()
        except ProviderError:
            accounts = []
        for account in accounts:
            yield SystemCommand(
                f"Open {account.name}",
                f"{account.provider.label}: its groups and lists",
                opens(partial(ContainersScreen, account)),
            )
        yield SystemCommand(
            "History", "every removal job: export, retry, undo", opens(HistoryScreen)
        )
        yield SystemCommand("Diagnostics", "keyring, terminal and paths", opens(DiagnosticsScreen))
        yield SystemCommand("Find someone everywhere", "every account at once", opens(FindScreen))
        if not self.workspace.is_sandbox:
            yield SystemCommand(
                "Try the demo", "the built-in sandbox, nothing real", self.use_sandbox
            )
        else:
            yield SystemCommand("Reset the demo", "fresh data; its history goes", self.reset_demo)
