"""The command palette's entries: the screen's own actions by their descriptions, and what
any screen can reach (each account, history, diagnostics, the register, the demo)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.screen import Screen

from providers.errors import ProviderError

if TYPE_CHECKING:
    from tui.app import RosterDeckApp


def screen_actions(app: RosterDeckApp, screen: Screen[object]) -> Iterable[SystemCommand]:
    """Every action the screen has, once a description, with its key."""
    seen: set[str] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.description in seen or not active.enabled:
            continue
        seen.add(binding.description)
        run = partial(app.run_action, binding.action, active.node)
        yield SystemCommand(binding.description, f"key: {app.get_key_display(binding) or key}", run)


def anywhere(app: RosterDeckApp) -> Iterable[SystemCommand]:
    """What can be reached from any screen. Screens are made when chosen, not each time the
    palette opens."""
    from tui.screens.containers import ContainersScreen
    from tui.screens.diagnostics import DiagnosticsScreen
    from tui.screens.find import FindScreen
    from tui.screens.history import HistoryScreen
    from tui.screens.register import RegisterScreen
    from tui.screens.sweep import SweepScreen

    def opens(make: Callable[[], Screen[Any]]) -> Callable[[], object]:
        return lambda: app.push_screen(make())

    try:
        accounts = app.workspace.accounts()
    except ProviderError:
        accounts = []
    for account in accounts:
        yield SystemCommand(
            f"Open {account.name}",
            f"{account.provider.label}: its groups and lists",
            opens(partial(ContainersScreen, account)),
        )
    yield SystemCommand("History", "every removal job: export, retry, undo", opens(HistoryScreen))
    yield SystemCommand("Diagnostics", "keyring, terminal and paths", opens(DiagnosticsScreen))
    yield SystemCommand("Find someone everywhere", "every account at once", opens(FindScreen))
    yield SystemCommand(
        "Do-not-re-add register", "who asked to stay off; sweep, forget", opens(RegisterScreen)
    )
    yield SystemCommand(
        "Sweep: is everyone still off?", "every account, for the register", opens(SweepScreen)
    )
    if not app.workspace.is_sandbox:
        yield SystemCommand("Try the demo", "the built-in sandbox, nothing real", app.use_sandbox)
    else:
        yield SystemCommand("Reset the demo", "fresh data; its history goes", app.reset_demo)
