"""Where tokens live, which keyring is in use and why others were refused, the terminal."""

from __future__ import annotations

import os

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from providers.accounts.credentials import ENV_PREFIX, keyring_status
from providers.accounts.store import config_dir, data_dir
from tui.screens.base import DeckScreen


def _yes(flag: bool) -> str:
    return "✓ yes" if flag else "✗ no"


class DiagnosticsScreen(DeckScreen):
    def heading(self) -> str:
        return "Diagnostics — escape to go back"

    def body(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("", id="report", markup=False)

    def on_mount(self) -> None:
        self.query_one("#report", Static).update("\n".join(self.report()))

    def report(self) -> list[str]:
        status = keyring_status()
        lines = [
            "Keyring",
            f"  in use     {status.backend}",
            f"  usable     {_yes(status.usable)}{'' if status.usable else ': ' + status.reason}",
        ]
        lines += [f"  other      {name}: {why}" for name, why in status.others]
        overrides = sorted(name for name in os.environ if name.startswith(ENV_PREFIX))
        lines += [
            "",
            "Environment",
            f"  token overrides   {', '.join(overrides) or 'none'} (values never shown)",
            f"  accounts file     {config_dir() / 'accounts.toml'}",
            f"  data directory    {data_dir()}",
            f"  ROSTERDECK_HOME   {os.environ.get('ROSTERDECK_HOME', 'not set')}",
            "",
            "Terminal",
            f"  size              {self.app.size.width}x{self.app.size.height}",
            f"  colours           {self.app.console.color_system or 'none'}",
            f"  NO_COLOR          {_yes('NO_COLOR' in os.environ)}",
            f"  TERM              {os.environ.get('TERM', 'not set')}",
            f"  over SSH          {_yes(bool(os.environ.get('SSH_CONNECTION')))}",
            f"  tmux or screen    {_yes(bool(os.environ.get('TMUX') or os.environ.get('STY')))}",
        ]
        return lines
