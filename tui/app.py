"""The RosterDeck app: screens over a workspace (the user's accounts, or the sandbox)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from providers.protocol import Adapter
from providers.sandbox import Sandbox
from providers.workspace import LocalWorkspace, SandboxWorkspace, Workspace
from tui.screens.accounts import AccountsScreen
from tui.screens.help import HelpScreen
from tui.screens.welcome import WelcomeScreen


def demo_workspace() -> SandboxWorkspace:
    """The sandbox as the demo shows it: no rate limits to wait out."""
    return SandboxWorkspace(
        Sandbox().unlimited(), options={"requests_per_second": 0, "seconds_between_writes": 0}
    )


class RosterDeckApp(App[None]):
    CSS_PATH = "rosterdeck.tcss"
    TITLE = "RosterDeck"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self._adapters: dict[str, Adapter] = {}

    def on_mount(self) -> None:
        if self.workspace.is_sandbox or self.workspace.accounts():
            self.push_screen(AccountsScreen())
        else:
            self.push_screen(WelcomeScreen())

    async def adapter(self, name: str) -> Adapter:
        """One adapter per account for the whole session, so pacing spans every screen."""
        if name not in self._adapters:
            self._adapters[name] = await self.workspace.open(name)
        return self._adapters[name]

    async def _close_adapters(self) -> None:
        adapters, self._adapters = self._adapters, {}
        for adapter in adapters.values():
            await adapter.aclose()

    async def remove_account(self, name: str) -> None:
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
        self.show_accounts()

    async def on_unmount(self) -> None:
        await self._close_adapters()

    def action_help(self) -> None:
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
        yield from super().get_system_commands(screen)
