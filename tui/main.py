"""The `rosterdeck` command: the app with no arguments, the shell commands otherwise."""

from __future__ import annotations

import argparse
import secrets
import shlex
import sys
from collections.abc import Sequence

from providers import cli
from providers.signals import end_now
from providers.workspace import LocalWorkspace, Workspace


def run_app(demo: bool, real_pace: bool = False) -> int:
    from tui.app import RosterDeckApp, demo_workspace

    workspace: Workspace = demo_workspace(real_pace) if demo else LocalWorkspace()
    app = RosterDeckApp(workspace, owns_process=True)
    app.run()
    app.jobs.journal.close()
    if app.jobs.stopping and app.return_code:  # a stop signal, or the terminal went away
        end_now(app.return_code)
    return app.return_code or 0


def serve(args: argparse.Namespace) -> int:
    """Each browser tab runs its own copy of the app; nothing listens beyond localhost unless
    --host says so, and then only a URL with the token opens it, when one is asked for."""
    from tui.web import DeckServer

    command = f"{shlex.quote(sys.executable)} -m tui" + (" --demo" if args.demo else "")
    command += " --real-pace" if args.real_pace else ""
    token = secrets.token_urlsafe(16) if args.require_token else ""
    shown = "localhost" if args.host in ("0.0.0.0", "::") else args.host
    url = f"http://{shown}:{args.port}/" + (f"?token={token}" if token else "")
    print(f"RosterDeck in a browser: {url}  (Ctrl+C stops)", flush=True)
    if not token:
        print(
            "No login: anyone who can reach this address can use RosterDeck with this "
            "machine's accounts. Keep it on this machine, or add --require-token.",
            file=sys.stderr,
            flush=True,
        )
    DeckServer(command, host=args.host, port=args.port, token=token).serve()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, run_app=run_app, serve=serve)
