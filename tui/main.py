"""The `rosterdeck` command: the app with no arguments, the shell commands otherwise.

The app alone (no command, perhaps `--demo` or `--real-pace`) starts without the shell's
parser: its commands bring the find, jobs and everywhere modules, which a person waiting for
the first screen does not need.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from providers.accounts.workspace import Workspace

# httpx imports its command-line client, and with it click and pygments, whenever click is
# installed (uvicorn needs it); nothing here runs that client, and it slows every start.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

APP_ONLY = {"--demo", "--real-pace"}


def run_app(demo: bool, real_pace: bool = False) -> int:
    from providers.accounts.workspace import LocalWorkspace
    from providers.signals import end_now
    from tui.app import RosterDeckApp
    from tui.demo import demo_workspace

    workspace: Workspace = demo_workspace(real_pace) if demo else LocalWorkspace()
    app = RosterDeckApp(workspace, owns_process=True)
    app.run()
    desk = app.made_desk
    if desk is not None:
        desk.close_journal()
        if desk.runs.stopping and app.return_code:  # a stop signal, or the terminal went away
            end_now(app.return_code)
    return app.return_code or 0


def serve(args: argparse.Namespace) -> int:
    """Each browser tab runs its own copy of the app; nothing listens beyond localhost unless
    --host says so, and then only a URL with the token opens it, when one is asked for."""
    from tui.web import DeckServer

    argv = [sys.executable, "-m", "tui"] + (["--demo"] if args.demo else [])
    argv += ["--real-pace"] if args.real_pace else []
    token = secrets.token_urlsafe(16) if args.require_token else ""
    if not token:
        what = (
            "this demo (its fake accounts and its jobs)"
            if args.demo
            else ("RosterDeck with this machine's accounts")
        )
        print(
            f"No login: anyone who can reach this address can use {what}. Keep it on this "
            "machine, or add --require-token.",
            file=sys.stderr,
            flush=True,
        )
    title = "RosterDeck demo" if args.demo else "RosterDeck"
    DeckServer(argv, host=args.host, port=args.port, token=token, title=title).serve()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else list(argv)
    if set(given) <= APP_ONLY:
        return run_app("--demo" in given, "--real-pace" in given)
    from providers import cli

    return cli.main(argv, run_app=run_app, serve=serve)
