"""The `rosterdeck` command: the app with no arguments, the shell commands otherwise."""

from __future__ import annotations

import argparse
import secrets
import sys
from collections.abc import Sequence

from providers import cli
from providers.accounts.workspace import LocalWorkspace, Workspace
from providers.errors import ProviderError
from providers.signals import end_now
from providers.text import shown


def run_app(demo: bool, real_pace: bool = False) -> int:
    from tui.app import RosterDeckApp, demo_workspace

    workspace: Workspace = demo_workspace(real_pace) if demo else LocalWorkspace()
    try:
        app = RosterDeckApp(workspace, owns_process=True)
    except ProviderError as error:  # the journal cannot be opened: said before anything
        print(f"rosterdeck: {shown(str(error))}", file=sys.stderr)
        return 1
    app.run()
    app.desk.journal.close()
    if app.desk.stopping and app.return_code:  # a stop signal, or the terminal went away
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
        print(
            "No login: anyone who can reach this address can use RosterDeck with this "
            "machine's accounts. Keep it on this machine, or add --require-token.",
            file=sys.stderr,
            flush=True,
        )
    title = "RosterDeck demo" if args.demo else "RosterDeck"
    DeckServer(argv, host=args.host, port=args.port, token=token, title=title).serve()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, run_app=run_app, serve=serve)
